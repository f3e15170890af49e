/**
 * Issue 8, items 4, 5, 8 and part of 12: hostile sign-ups and logins against
 * a real HTTP server on loopback, with limits set small.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { createApp } from "../../app.ts";
import { createPasswordHasher, PasswordQueueFullError } from "../../auth/passwords.ts";
import type { Db } from "../../db/client.ts";
import { log } from "../../log.ts";
import { dbTest, setupApp, type TestApp } from "../helpers/app.ts";
import { hasChromium, launchBrowser } from "../helpers/browser.ts";
import { assertStayedHealthy, watchHealth } from "./health_watch.ts";
import {
  AUTH_ATTACK_ENV,
  hugeLoginBody,
  loginFlood,
  postAs,
  tally,
  throttleBypass,
} from "./attacks/auth.ts";

interface AuthServer extends TestApp {
  base: string;
  /** Database statements the server has started so far. */
  statements(): number;
  stop(): Promise<void>;
}

// The query builder's methods that each start one statement.
const STATEMENT_METHODS = new Set(["select", "insert", "update", "delete", "execute", "query"]);

/**
 * Serves the app on loopback with its own password hasher, so that
 * `PASSWORD_QUEUE_MAX` applies (the shared test hasher has the default),
 * and counts the database statements it starts.
 */
async function startAuthServer(env: Record<string, string> = {}): Promise<AuthServer> {
  const databaseUrl = Deno.env.get("TEST_DATABASE_URL") || undefined;
  const t = await setupApp({ ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env });
  const passwords = createPasswordHasher({ maxQueued: t.deps.config.PASSWORD_QUEUE_MAX });
  let statements = 0;
  const db = new Proxy(t.deps.database.db, {
    get(target, key, receiver) {
      if (typeof key === "string" && STATEMENT_METHODS.has(key)) statements++;
      return Reflect.get(target, key, receiver);
    },
  }) as Db;
  const deps = { ...t.deps, database: { ...t.deps.database, db }, passwords };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    createApp(deps).fetch,
  );
  return {
    ...t,
    deps,
    base: `http://127.0.0.1:${server.addr.port}`,
    statements: () => statements,
    async stop() {
      await server.shutdown();
      passwords.close();
    },
  };
}

async function underAttack<T>(
  name: string,
  env: Record<string, string>,
  attack: (server: AuthServer) => Promise<T>,
): Promise<{ server: AuthServer; result: T }> {
  const server = await startAuthServer(env);
  try {
    const watch = watchHealth(server.base);
    const result = await attack(server);
    assertStayedHealthy(name, await watch.stop());
    return { server, result };
  } finally {
    await server.stop();
  }
}

dbTest(
  "item 4: huge JSON and form bodies to login and sign-up are refused with 413 at once",
  async () => {
    const { result } = await underAttack(
      "huge-login-body",
      {},
      (server) => hugeLoginBody(server, "small"),
    );
    for (const [i, r] of result.entries()) {
      assert.equal(r.status, 413, `request ${i}: ${JSON.stringify(r)}`);
      // Answered while the body was still arriving: the server did not read it.
      assert.ok(r.bytesSent < r.bytesPlanned, `request ${i} was read whole: ${JSON.stringify(r)}`);
    }
  },
);

dbTest(
  "item 4: a body over MAX_BODY_KB is 413 with a clear message, by length and by stream",
  async () => {
    const t = await setupApp({ MAX_BODY_KB: "1" });
    const big = { username: "someone", password: "x".repeat(2000) };
    const declared = await t.request("POST", "/auth/login", { body: big });
    assert.equal(declared.status, 413);
    assert.match((await declared.json()).detail, /larger than the 1 KiB allowed/);
    // No Content-Length: the limit must hold while the body streams in.
    const streamed = await t.app.request("/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([JSON.stringify(big)]).stream(),
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
    const small = await t.request("POST", "/auth/login", {
      body: { username: "someone", password: "wrong password" },
    });
    assert.equal(small.status, 401);
  },
);

dbTest(
  "item 5: a login flood from one address is refused at once; a real user gets in",
  async () => {
    const { result } = await underAttack(
      "login-flood",
      { ...AUTH_ATTACK_ENV, AUTH_ATTEMPTS_PER_ADDRESS: "10", PASSWORD_QUEUE_MAX: "4" },
      (server) => loginFlood(server, { count: 60, addresses: 1 }),
    );
    const statuses = result.flood.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 401 || s === 429 || s === 503), tally(statuses));
    assert.ok(statuses.filter((s) => s === 401).length <= 10, tally(statuses));
    for (const refused of result.flood.filter((r) => r.status === 429)) {
      assert.ok(Number(refused.retryAfter) >= 1, "429 without Retry-After");
    }
    assert.equal(result.realUser.status, 200, tally(statuses));
    assert.ok(
      result.realUser.ms < 3000,
      `the real user waited ${Math.round(result.realUser.ms)} ms`,
    );
  },
);

dbTest(
  "item 5: a flood from many addresses finds the hashing queue full: 503 at once",
  async () => {
    const { result } = await underAttack(
      "login-flood-spread",
      { ...AUTH_ATTACK_ENV, PASSWORD_QUEUE_MAX: "4" },
      (server) => loginFlood(server, { count: 60, addresses: 60 }),
    );
    const statuses = result.flood.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 401 || s === 503), tally(statuses));
    const busy = result.flood.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, tally(statuses));
    for (const refused of busy) assert.equal(refused.retryAfter, "1");
    assert.ok([200, 503].includes(result.realUser.status), String(result.realUser.status));
  },
);

dbTest(
  "item 5: refusals over an address's share or a full hashing queue cost no database statement",
  async () => {
    const server = await startAuthServer({
      ...AUTH_ATTACK_ENV,
      AUTH_ATTEMPTS_PER_ADDRESS: "3",
      PASSWORD_QUEUE_MAX: "4",
    });
    const guess = (i: number) => ({ username: `nobody_${i}`, password: `guess number ${i}` });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal(
          (await postAs(server.base, "/auth/login", "203.0.113.30", guess(i))).status,
          401,
        );
      }
      const before = server.statements();
      const started = performance.now();
      const flood = await Promise.all(
        Array.from(
          { length: 100 },
          (_, i) => postAs(server.base, "/auth/login", "203.0.113.30", guess(i)),
        ),
      );
      const elapsed = performance.now() - started;
      assert.equal(tally(flood.map((r) => r.status)), "429×100");
      assert.equal(server.statements() - before, 0, "the refused flood reached the database");
      assert.ok(elapsed < 3000, `100 refusals took ${Math.round(elapsed)} ms`);

      // From many addresses: only the attempts that got a hashing place touch the database.
      const spreadBefore = server.statements();
      const spread = await Promise.all(
        Array.from(
          { length: 60 },
          (_, i) => postAs(server.base, "/auth/login", `198.51.100.${100 + i}`, guess(i)),
        ),
      );
      const statuses = spread.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 401 || s === 503), tally(statuses));
      const served = statuses.filter((s) => s === 401).length;
      assert.ok(served < 60, tally(statuses));
      // Each served attempt: the address's count, the pair's count, the user's row.
      assert.ok(
        server.statements() - spreadBefore <= 3 * served,
        `${server.statements() - spreadBefore} statements for ${tally(statuses)}`,
      );
    } finally {
      await server.stop();
    }
  },
);

dbTest("item 5: the password queue is bounded and refuses at once when full", async () => {
  const hasher = createPasswordHasher({ workers: 1, maxQueued: 2 });
  try {
    const hash = await hasher.hash("some password");
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => hasher.verify("some password", hash)),
    );
    const refused = outcomes.filter((o) =>
      o.status === "rejected" && o.reason instanceof PasswordQueueFullError
    );
    // One running and two waiting; the other seven refused without waiting.
    assert.equal(refused.length, 7);
    assert.equal(outcomes.filter((o) => o.status === "fulfilled" && o.value === true).length, 3);
    assert.ok(performance.now() - started < 5000);

    // One owner may hold a quarter of the places (here one); others still get theirs.
    const verifyAs = async (owner: string) =>
      await hasher.admit(owner).verify("some password", hash);
    const [first, second, other] = await Promise.allSettled([
      verifyAs("203.0.113.1"),
      verifyAs("203.0.113.1"),
      verifyAs("198.51.100.1"),
    ]);
    assert.equal(first.status, "fulfilled");
    assert.ok(
      second.status === "rejected" && second.reason instanceof PasswordQueueFullError &&
        second.reason.ownerLimit,
    );
    assert.equal(other.status, "fulfilled");

    // A place is taken at admission, before its job is submitted, and kept until released.
    const places = [hasher.admit(), hasher.admit(), hasher.admit()];
    assert.throws(() => hasher.admit(), PasswordQueueFullError);
    places[0].release();
    places[0].release();
    const late = hasher.admit();
    assert.throws(() => hasher.admit(), PasswordQueueFullError);
    assert.equal(await late.verify("some password", hash), true);
    for (const place of places) place.release();
    assert.equal(await hasher.verify("some password", hash), true);
  } finally {
    hasher.close();
  }
});

dbTest("item 5: waiting hashes are served one address at a time, in turn", async () => {
  const hasher = createPasswordHasher({ workers: 1, maxQueued: 16 });
  try {
    const hash = await hasher.hash("some password");
    const finished: string[] = [];
    const verifyAs = (owner: string) =>
      hasher.admit(owner).verify("some password", hash).then(() => finished.push(owner));
    const flood = Array.from({ length: 4 }, () => verifyAs("203.0.113.40"));
    await verifyAs("198.51.100.40");
    await Promise.all(flood);
    // The one running when it came, then one more of the flood's, then its own.
    assert.deepEqual(finished.slice(0, 3), ["203.0.113.40", "203.0.113.40", "198.51.100.40"]);
  } finally {
    hasher.close();
  }
});

dbTest(
  "item 8: no case twin, no counter reset, no parallel burst; a victim is never locked out",
  async () => {
    const { result } = await underAttack(
      "throttle-bypass",
      { ...AUTH_ATTACK_ENV, AUTH_ATTEMPTS_PER_ADDRESS: "1000" },
      (server) => throttleBypass(server, { guesses: 8, burst: 40 }),
    );
    assert.equal(result.caseTwinSignup, 409);
    assert.deepEqual(result.guesses, [401, 401, 401, 401, 429, 429, 429, 429]);
    // Wrong passwords from the attacker's address locked only that address.
    assert.equal(result.victimLogin, 200);
    assert.ok(result.burst.filter((s) => s === 401).length <= 4, tally(result.burst));
    assert.ok(result.burst.every((s) => s === 401 || s === 429), tally(result.burst));
    assert.equal(result.burst.at(-1), 429, "the right password at the end of the burst got in");
  },
);

dbTest("item 8: login ignores case and one address cannot try more than its share", async () => {
  const server = await startAuthServer({ ...AUTH_ATTACK_ENV, AUTH_ATTEMPTS_PER_ADDRESS: "3" });
  try {
    const owner = { username: "Mixed.Case", password: "a good long password" };
    assert.equal((await postAs(server.base, "/auth/signup", "198.51.100.9", owner)).status, 201);
    const login = await postAs(server.base, "/auth/login", "198.51.100.8", {
      username: "mixed.case",
      password: owner.password,
    });
    assert.equal(login.status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await postAs(server.base, "/auth/login", "203.0.113.9", {
          username: `someone_${i}`,
          password: "wrong password",
        })).status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  } finally {
    await server.stop();
  }
});

dbTest(
  "item 8: passwords of whitespace, or with fewer than 8 other characters, are 422",
  async () => {
    const t = await setupApp();
    for (const password of ["        ", "\t\t\t\t\t\t\t\t\t", "abc     defg"]) {
      const response = await t.request("POST", "/auth/signup", {
        body: { username: "spacey", password },
      });
      assert.equal(response.status, 422, JSON.stringify(password));
      const { detail } = await response.json();
      assert.deepEqual(detail[0].loc, ["body", "password"]);
      assert.match(detail[0].msg, /other than spaces/);
    }
    const fine = await t.request("POST", "/auth/signup", {
      body: { username: "spacey", password: "correct horse battery" },
    });
    assert.equal(fine.status, 201);
  },
);

dbTest("item 12: a NUL byte in any string field is 422, not 500", async () => {
  const t = await setupApp();
  const { token } = await t.user("nul_tester");
  const jd = await t.request("POST", "/jd_resume/upload_jd", {
    token,
    body: { text: "Backend engineer: TypeScript, PostgreSQL and Kubernetes in production." },
  });
  assert.equal(jd.status, 201);
  const form = new FormData();
  form.append("file", new File(["Jane Doe. Skills: TypeScript, PostgreSQL, React."], "cv.txt"));
  const resume = await t.request("POST", "/jd_resume/upload_resume", { token, body: form });
  assert.equal(resume.status, 201);

  const named = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "round\u0000one", question_count: 1 },
  });
  assert.equal(named.status, 422);
  assert.deepEqual((await named.json()).detail[0].loc, ["body", "interview_name"]);

  const started = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "round one", question_count: 1 },
  });
  assert.equal(started.status, 201);
  const interview = await started.json();
  const answer = await t.request("POST", "/interview/answer_question", {
    token,
    body: {
      interview_id: interview.interview_id,
      question_id: interview.questions[0].question_id,
      answer_text: "I would \u0000 index it",
    },
  });
  assert.equal(answer.status, 422);
  assert.deepEqual((await answer.json()).detail[0].loc, ["body", "answer_text"]);

  const login = await t.request("POST", "/auth/login", {
    body: { username: "nul_tester", password: "pass\u0000word" },
  });
  assert.equal(login.status, 422);
  const query = await t.request("GET", "/api/performance/summary?username=a%00b", { token });
  assert.equal(query.status, 422);
});

dbTest("item 12: security headers on every response, the API pages included", async () => {
  const t = await setupApp();
  for (const path of ["/docs", "/health", "/openapi.json", "/auth/me"]) {
    const response = await t.request("GET", path);
    await response.body?.cancel();
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /object-src 'none'/, path);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(response.headers.get("x-frame-options"), "DENY", path);
  }
});

Deno.test({
  name: hasChromium()
    ? "item 12: the Swagger UI still works under the Content-Security-Policy"
    : "item 12: the Swagger UI still works under the CSP (ignored: no Chromium)",
  ignore: !hasChromium(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startAuthServer();
    const browser = await launchBrowser();
    try {
      const page = await browser.browser.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) {
          violations.push(message.text());
        }
      });
      await page.goto(`${server.base}/docs`);
      await page.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});

dbTest("item 12: a failed query is logged without its parameters", async () => {
  const t = await setupApp();
  const secret = "candidate's private answer text";
  let failure: unknown;
  try {
    await t.deps.database.db.execute(
      sql`insert into interviews (user_id, interview_name, engine) values (999999, ${secret}, 'x')`,
    );
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof Error, "the insert should have failed");
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    log.error("unhandled error", { error: failure });
  } finally {
    console.error = original;
  }
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("private answer"), lines[0]);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.error.code, "23503");
  assert.match(entry.error.message, /^Failed query: insert into interviews/);
});
