import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { sql } from "drizzle-orm";
import { dbTest, setupApp, TEST_JWT_SECRET } from "./helpers/app.ts";

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

function forge(claims: Record<string, unknown>, alg = "HS256") {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg });
  return jwt.sign(secret);
}

dbTest("signup creates a candidate, returns a working token and never a password", async () => {
  const t = await setupApp();
  const response = await t.request("POST", "/auth/signup", {
    body: { username: "alice", password: "s3cret-password", user_type: "candidate" },
  });
  assert.equal(response.status, 201);
  const body = await response.json();
  assert.equal(body.username, "alice");
  assert.equal(body.user_type, "candidate");
  assert.equal(body.token_type, "bearer");
  assert.ok(!JSON.stringify(body).includes("s3cret-password"));
  assert.ok(!("password" in body));
  assert.ok(!JSON.stringify(body).includes("$argon2id$"));

  const me = await t.request("GET", "/auth/me", { token: body.access_token });
  assert.equal(me.status, 200);
  const meBody = await me.json();
  assert.deepEqual(
    Object.keys(meBody).sort(),
    ["created_at", "id", "jd_path", "resume_path", "user_type", "username"],
  );
  assert.equal(meBody.username, "alice");
});

dbTest("passwords are stored as Argon2id hashes with OWASP parameters", async () => {
  const t = await setupApp();
  await t.request("POST", "/auth/signup", {
    body: { username: "bob", password: "another-password" },
  });
  const result = await t.deps.database.db.execute(
    sql`select password from users where username = 'bob'`,
  );
  const rows = Array.isArray(result) ? result : (result as { rows: { password: string }[] }).rows;
  const hash = (rows[0] as { password: string }).password;
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});

dbTest("signup refuses other roles with 403 and taken names with 409", async () => {
  const t = await setupApp();
  for (const role of ["interviewer", "admin"]) {
    const response = await t.request("POST", "/auth/signup", {
      body: { username: `x${role}`, password: "long-enough-pw", user_type: role },
    });
    assert.equal(response.status, 403);
    assert.match((await response.json()).detail, /admin/);
  }
  await t.request("POST", "/auth/signup", {
    body: { username: "carol", password: "long-enough-pw" },
  });
  const again = await t.request("POST", "/auth/signup", {
    body: { username: "carol", password: "other-password" },
  });
  assert.equal(again.status, 409);
  assert.match((await again.json()).detail, /taken/);
});

dbTest("signup validation errors are 422 with FastAPI's detail list", async () => {
  const t = await setupApp();
  const response = await t.request("POST", "/auth/signup", {
    body: { username: "a", user_type: "wizard" },
  });
  assert.equal(response.status, 422);
  const { detail } = await response.json();
  const byField = Object.fromEntries(
    detail.map((d: { loc: string[]; type: string }) => [d.loc.join("."), d.type]),
  );
  assert.equal(byField["body.username"], "string_too_short");
  assert.equal(byField["body.password"], "missing");
  assert.equal(byField["body.user_type"], "enum");
  for (const item of detail) assert.equal(typeof item.msg, "string");

  const empty = await t.request("POST", "/auth/signup", {
    headers: { "content-type": "application/json" },
  });
  assert.equal(empty.status, 422);
  assert.deepEqual((await empty.json()).detail[0].loc, ["body"]);
});

dbTest("malformed JSON is 400 and an unsupported content type 415", async () => {
  const t = await setupApp();
  const malformed = await t.request("POST", "/auth/login", {
    body: "{not json",
    headers: { "content-type": "application/json" },
  });
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).detail, /Malformed JSON/);
  const xml = await t.request("POST", "/auth/login", {
    body: "<a/>",
    headers: { "content-type": "application/xml" },
  });
  assert.equal(xml.status, 415);
});

dbTest("login accepts JSON and form fields and answers a bearer token", async () => {
  const t = await setupApp();
  await t.user("dave", "candidate", "dave-password-1");
  const json = await t.request("POST", "/auth/login", {
    body: { username: "dave", password: "dave-password-1" },
  });
  assert.equal(json.status, 200);
  const token = await json.json();
  assert.equal(token.token_type, "bearer");
  assert.ok(token.expires_in > 0);
  assert.equal(token.user.username, "dave");

  const form = await t.request("POST", "/auth/login", {
    body: "grant_type=password&username=dave&password=dave-password-1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(form.status, 200);
  const me = await t.request("GET", "/auth/me", { token: (await form.json()).access_token });
  assert.equal((await me.json()).username, "dave");
});

dbTest(
  "wrong passwords are 401, then 429 with Retry-After, for known and unknown names",
  async () => {
    const t = await setupApp({ LOGIN_MAX_FAILURES: "3", LOGIN_LOCKOUT_SECONDS: "30" });
    await t.user("erin", "candidate", "erin-password-1");
    for (const username of ["erin", "nobody-here"]) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await t.request("POST", "/auth/login", {
          body: { username, password: "wrong-password" },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get("retry-after"));
          assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
        } else {
          assert.equal(response.headers.get("www-authenticate"), "Bearer");
        }
      }
      assert.deepEqual(statuses, [401, 401, 429, 429], username);
    }
    // Even the right password is refused while locked, so guessing cannot continue.
    const locked = await t.request("POST", "/auth/login", {
      body: { username: "erin", password: "erin-password-1" },
    });
    assert.equal(locked.status, 429);
  },
);

dbTest("a successful login clears earlier failures", async () => {
  const t = await setupApp({ LOGIN_MAX_FAILURES: "3" });
  await t.user("fay", "candidate", "fay-password-1");
  for (let round = 0; round < 3; round++) {
    await t.request("POST", "/auth/login", { body: { username: "fay", password: "wrong" } });
    const ok = await t.request("POST", "/auth/login", {
      body: { username: "fay", password: "fay-password-1" },
    });
    assert.equal(ok.status, 200, `round ${round}`);
  }
});

dbTest("protected routes refuse missing, forged, expired and foreign tokens", async () => {
  const t = await setupApp();
  const { id } = await t.user("gina");
  const now = Math.floor(Date.now() / 1000);
  const valid = {
    sub: String(id),
    iss: "ai-interviewer",
    aud: "ai-interviewer-api",
    iat: now,
    exp: now + 60,
  };
  const cases: Record<string, string | undefined> = {
    missing: undefined,
    garbage: "not-a-jwt",
    expired: await forge({ ...valid, iat: now - 120, exp: now - 60 }),
    wrongAudience: await forge({ ...valid, aud: "someone-else" }),
    wrongIssuer: await forge({ ...valid, iss: "evil" }),
    noExpiry: await forge({ sub: valid.sub, iss: valid.iss, aud: valid.aud, iat: now }),
    unknownUser: await forge({ ...valid, sub: "999999" }),
    otherKey: await new SignJWT(valid).setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("a-completely-different-secret-of-enough-length")),
    algNone: `${btoa(JSON.stringify({ alg: "none", typ: "JWT" }))}.${btoa(JSON.stringify(valid))}.`
      .replaceAll("=", ""),
  };
  for (const [name, token] of Object.entries(cases)) {
    const response = await t.request("GET", "/auth/me", { token });
    assert.equal(response.status, 401, name);
    assert.equal(response.headers.get("www-authenticate"), "Bearer", name);
    assert.equal(typeof (await response.json()).detail, "string", name);
  }
  const good = await t.request("GET", "/auth/me", { token: await forge(valid) });
  assert.equal(good.status, 200);
});

dbTest("only admins create accounts with other roles", async () => {
  const t = await setupApp();
  const admin = await t.user("root-admin", "admin");
  const candidate = await t.user("hank");
  const interviewer = await t.user("ivy", "interviewer");
  const account = { username: "judge", password: "judge-password", user_type: "interviewer" };
  assert.equal((await t.request("POST", "/auth/users", { body: account })).status, 401);
  assert.equal(
    (await t.request("POST", "/auth/users", { token: candidate.token, body: account })).status,
    403,
  );
  assert.equal(
    (await t.request("POST", "/auth/users", { token: interviewer.token, body: account })).status,
    403,
  );
  const created = await t.request("POST", "/auth/users", { token: admin.token, body: account });
  assert.equal(created.status, 201);
  assert.equal((await created.json()).user_type, "interviewer");
  const login = await t.request("POST", "/auth/login", {
    body: { username: "judge", password: "judge-password" },
  });
  assert.equal((await login.json()).user.user_type, "interviewer");
  const duplicate = await t.request("POST", "/auth/users", { token: admin.token, body: account });
  assert.equal(duplicate.status, 409);
});
