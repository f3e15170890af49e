import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { dbTest, setupStorageApp, type TestApp } from "./helpers/app.ts";
import { filesOf, filesUnder, rowsLeft, seedCandidate } from "./helpers/candidate_data.ts";
import { auditLog, interviews, questionAnswers } from "../db/schema.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { RawPeer } from "./helpers/raw_peer.ts";

const PASSWORD = "correct horse battery";
const NOTHING = {
  users: 0,
  documents: 0,
  interviews: 0,
  question_answers: 0,
  transcript_segments: 0,
  proctoring_events: 0,
  jobs: 0,
  event_payloads: 0,
  login_throttle: 0,
};

function deleteMe(t: TestApp, token: string | undefined, password: string) {
  return t.request("DELETE", "/auth/me", { token, body: { password } });
}

async function auditOf(t: TestApp) {
  return await t.deps.database.db.select().from(auditLog).orderBy(auditLog.id);
}

dbTest(
  "DELETE /auth/me removes every row and file of the candidate and nothing of others",
  async () => {
    const t = await setupStorageApp();
    const alice = await seedCandidate(t, "alice");
    const bob = await seedCandidate(t, "bob");
    const aliceWho = { userId: alice.id, username: "alice", interviewId: alice.interviewId };
    const bobWho = { userId: bob.id, username: "bob", interviewId: bob.interviewId };
    const bobBefore = await rowsLeft(t, bobWho);
    const bobFiles = filesOf(await filesUnder(t), bobWho);
    assert.ok(filesOf(await filesUnder(t), aliceWho).length >= 5, "alice has files");
    assert.ok(Object.values(await rowsLeft(t, aliceWho)).every((n) => n > 0), "alice has rows");

    assert.equal((await deleteMe(t, undefined, PASSWORD)).status, 401);
    const wrong = await deleteMe(t, alice.token, "not my password");
    assert.equal(wrong.status, 403);
    assert.match((await wrong.json()).detail, /Incorrect password/);
    const response = await deleteMe(t, alice.token, PASSWORD);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { interviews: 1, questions: 2, documents: 2 });

    assert.deepEqual(await rowsLeft(t, aliceWho), NOTHING);
    assert.deepEqual(filesOf(await filesUnder(t), aliceWho), []);
    assert.deepEqual(await rowsLeft(t, bobWho), bobBefore);
    assert.deepEqual(filesOf(await filesUnder(t), bobWho), bobFiles);
    assert.deepEqual(await filesUnder(t), bobFiles, "no file of anyone else is left");

    assert.equal((await t.request("GET", "/auth/me", { token: alice.token })).status, 401);
    const login = await t.request("POST", "/auth/login", {
      body: { username: "alice", password: PASSWORD },
    });
    assert.equal(login.status, 401);
    const [entry] = (await auditOf(t)).filter((row) => row.action === "delete_account");
    assert.equal(entry.actorId, alice.id);
    assert.equal(entry.actorUsername, "alice");
    assert.equal(entry.targetType, "user");
    assert.equal(entry.targetId, String(alice.id));
    assert.equal(entry.candidateUsername, "alice");
  },
);

dbTest("DELETE /auth/me counts wrong passwords towards the login lockout", async () => {
  const t = await setupStorageApp({ LOGIN_MAX_FAILURES: "2" });
  const carol = await t.user("carol");
  assert.equal((await deleteMe(t, carol.token, "guess one")).status, 403);
  // The second failure reaches LOGIN_MAX_FAILURES and starts a lockout, as a login's would.
  assert.equal((await deleteMe(t, carol.token, "guess two")).status, 429);
  const locked = await deleteMe(t, carol.token, PASSWORD);
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  // The same counter as logins: the lockout holds for logging in too.
  const login = await t.request("POST", "/auth/login", {
    body: { username: "carol", password: PASSWORD },
  });
  assert.equal(login.status, 429);
  assert.equal((await t.request("GET", "/auth/me", { token: carol.token })).status, 200);
});

dbTest("DELETE /auth/me of the last admin is refused; with another admin it works", async () => {
  const t = await setupStorageApp();
  const root = await t.user("root", "admin");
  const refused = await deleteMe(t, root.token, PASSWORD);
  assert.equal(refused.status, 409);
  assert.match((await refused.json()).detail, /last admin/);
  await t.user("second", "admin");
  assert.equal((await deleteMe(t, root.token, PASSWORD)).status, 200);
  const ivan = await t.user("ivan", "interviewer");
  assert.equal((await deleteMe(t, ivan.token, PASSWORD)).status, 200);
});

dbTest("DELETE /admin/users/{id}: admins only, 404 for none, 409 for the last admin", async () => {
  const t = await setupStorageApp();
  const alice = await seedCandidate(t, "alice");
  const bob = await t.user("bob");
  const ivan = await t.user("ivan", "interviewer");
  const root = await t.user("root", "admin");
  const path = `/admin/users/${alice.id}`;
  assert.equal((await t.request("DELETE", path)).status, 401);
  for (const who of [alice, bob, ivan]) {
    assert.equal((await t.request("DELETE", path, { token: who.token })).status, 403);
  }
  assert.equal((await t.request("DELETE", "/admin/users/9999", { token: root.token })).status, 404);
  const lastAdmin = await t.request("DELETE", `/admin/users/${root.id}`, { token: root.token });
  assert.equal(lastAdmin.status, 409);

  const response = await t.request("DELETE", path, { token: root.token });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { interviews: 1, questions: 2, documents: 2 });
  const who = { userId: alice.id, username: "alice", interviewId: alice.interviewId };
  assert.deepEqual(await rowsLeft(t, who), NOTHING);
  assert.deepEqual(await filesUnder(t), []);
  assert.equal((await t.request("DELETE", path, { token: root.token })).status, 404);

  const entries = (await auditOf(t)).filter((row) => row.action === "delete_user");
  assert.equal(entries.length, 1);
  assert.equal(entries[0].actorId, root.id);
  assert.equal(entries[0].candidateId, alice.id);
  assert.equal(entries[0].candidateUsername, "alice");
  assert.deepEqual(entries[0].detail, {
    username: "alice",
    user_type: "candidate",
    interviews: 1,
    questions: 2,
    documents: 2,
  });
  // The deleted interviewer's own audit entries stay too.
  assert.equal(
    (await t.request("DELETE", `/admin/users/${ivan.id}`, { token: root.token })).status,
    200,
  );
  assert.equal((await auditOf(t)).length, 2);
});

dbTest(
  "DELETE /admin/interviews/{id} removes the interview and its files, keeps the account",
  async () => {
    const t = await setupStorageApp();
    const alice = await seedCandidate(t, "alice");
    const bob = await t.user("bob");
    const ivan = await t.user("ivan", "interviewer");
    const root = await t.user("root", "admin");
    const path = `/admin/interviews/${alice.interviewId}`;
    assert.equal((await t.request("DELETE", path)).status, 401);
    for (const who of [alice, bob, ivan]) {
      assert.equal((await t.request("DELETE", path, { token: who.token })).status, 403);
    }
    assert.equal(
      (await t.request("DELETE", "/admin/interviews/9999", { token: root.token })).status,
      404,
    );
    const response = await t.request("DELETE", path, { token: root.token });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { interviews: 1, questions: 2, documents: 0 });
    const left = await rowsLeft(t, {
      userId: alice.id,
      username: "alice",
      interviewId: alice.interviewId,
    });
    assert.deepEqual(left, { ...NOTHING, users: 1, documents: 2, login_throttle: 1 });
    const files = await filesUnder(t);
    assert.ok(files.every((file) => file.startsWith("uploads/")), files.join(", "));
    assert.equal(files.length, 2);
    const [entry] = (await auditOf(t)).filter((row) => row.action === "delete_interview");
    assert.equal(entry.interviewId, alice.interviewId);
    assert.equal(entry.candidateId, alice.id);
    assert.equal(entry.candidateUsername, "alice");
    assert.equal(
      (await t.request("GET", `/interview/${alice.interviewId}`, { token: alice.token })).status,
      404,
    );
  },
);

dbTest(
  "a live interview is not deleted: 409 while recording, processing or connected",
  async () => {
    const t = await setupStorageApp();
    const alice = await seedCandidate(t, "alice");
    const root = await t.user("root", "admin");
    const { db } = t.deps.database;
    const path = `/admin/interviews/${alice.interviewId}`;
    const who = { userId: alice.id, username: "alice", interviewId: alice.interviewId };
    const before = await rowsLeft(t, who);
    const filesBefore = await filesUnder(t);

    for (const status of ["RECORDING", "PROCESSING"]) {
      await db.update(questionAnswers).set({ status })
        .where(eq(questionAnswers.interviewId, alice.interviewId));
      const refused = await t.request("DELETE", path, { token: root.token });
      assert.equal(refused.status, 409);
      assert.match((await refused.json()).detail, /being recorded or processed/);
      assert.equal((await deleteMe(t, alice.token, PASSWORD)).status, 409);
    }
    await db.update(questionAnswers).set({ status: "ANSWERED" })
      .where(eq(questionAnswers.interviewId, alice.interviewId));
    await db.update(interviews).set({
      candidateConnectionId: "c1",
      candidateSeenAt: new Date(),
      candidateDisconnectedAt: null,
    }).where(eq(interviews.id, alice.interviewId));
    const connected = await t.request("DELETE", path, { token: root.token });
    assert.equal(connected.status, 409);
    assert.match((await connected.json()).detail, /connected right now/);
    // Her right password cleared her failed login from that address; nothing else went.
    assert.deepEqual(await rowsLeft(t, who), { ...before, login_throttle: 0 });
    assert.deepEqual(await filesUnder(t), filesBefore);
    assert.equal((await auditOf(t)).filter((row) => row.action.startsWith("delete")).length, 0);

    // A connection gone quiet for longer than the presence timeout no longer counts.
    await db.update(interviews).set({ candidateSeenAt: new Date(Date.now() - 120_000) })
      .where(eq(interviews.id, alice.interviewId));
    assert.equal((await t.request("DELETE", path, { token: root.token })).status, 200);
  },
);

Deno.test({
  name: "watching live is audited; deleting closes the interview's and the user's connections",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer();
    try {
      const alice = await seedCandidate(server, "alice");
      const olga = await server.user("olga", "interviewer");
      const ivan = await server.user("ivan", "interviewer");
      const root = await server.user("root", "admin");
      const watching = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${alice.interviewId}/observe?token=${ivan.token}`,
      );
      await watching.next("observe.state");
      const everything = await RawPeer.open(`${server.wsBase}/realtime/live?token=${olga.token}`);
      await everything.next("live.state");
      const watched = (await auditOf(server)).map((row) => [row.actorUsername, row.targetId]);
      assert.deepEqual(watched, [["ivan", String(alice.interviewId)], ["olga", "all"]]);

      // Through the served app, which has the hub (server.request's app has none).
      const remove = (path: string) =>
        fetch(`${server.base}${path}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${root.token}` },
        });
      const interview = await remove(`/admin/interviews/${alice.interviewId}`);
      await interview.body?.cancel();
      assert.equal(interview.status, 200);
      assert.equal(await watching.closed(), 1008);
      const user = await remove(`/admin/users/${olga.id}`);
      await user.body?.cancel();
      assert.equal(user.status, 200);
      assert.equal(await everything.closed(), 1008);
    } finally {
      await server.stop();
    }
  },
});
