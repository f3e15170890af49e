import assert from "node:assert/strict";
import { dbTest, setupApp, type TestApp } from "./helpers/app.ts";
import { seedCandidate } from "./helpers/candidate_data.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function audit(t: TestApp, token: string | undefined, query = "") {
  return await t.request("GET", `/admin/audit${query}`, { token });
}

async function entries(t: TestApp, token: string, query = ""): Promise<Json[]> {
  const response = await audit(t, token, query);
  assert.equal(response.status, 200);
  return (await response.json()).items;
}

/** Every view route of an interview, with the action it is recorded as. */
function views(interviewId: number) {
  return [
    { path: `/api/performance/details/${interviewId}`, action: "view_details" },
    { path: `/interview/${interviewId}`, action: "view_details" },
    { path: `/api/performance/details/${interviewId}/report.pdf`, action: "view_report" },
    {
      path: `/interview/${interviewId}/questions/1/recordings/camera`,
      action: "view_recording",
    },
  ];
}

dbTest(
  "views by others are recorded with who, what, when and from where; own views are not",
  async () => {
    const t = await setupApp({ TRUST_PROXY: "true" });
    const alice = await seedCandidate(t, "alice");
    const bob = await t.user("bob");
    const ivan = await t.user("ivan", "interviewer");
    const root = await t.user("root", "admin");
    const headers = { "x-forwarded-for": "203.0.113.7", "x-request-id": "req-42" };

    for (const { path } of views(alice.interviewId)) {
      assert.equal((await t.request("GET", path, { token: alice.token, headers })).status, 200);
      assert.equal((await t.request("GET", path, { token: bob.token, headers })).status, 404);
    }
    assert.deepEqual(
      await entries(t, root.token),
      [],
      "own views and refused views are not recorded",
    );

    const started = Date.now();
    for (const { path } of views(alice.interviewId)) {
      const response = await t.request("GET", path, { token: ivan.token, headers });
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
    const items = await entries(t, root.token);
    assert.deepEqual(
      items.map((item) => item.action),
      views(alice.interviewId).map((view) => view.action).reverse(),
      "newest first",
    );
    for (const item of items) {
      assert.equal(item.actor_id, ivan.id);
      assert.equal(item.actor_username, "ivan");
      assert.equal(item.actor_type, "interviewer");
      assert.equal(item.interview_id, alice.interviewId);
      assert.equal(item.candidate_id, alice.id);
      assert.equal(item.candidate_username, "alice");
      assert.equal(item.client_address, "203.0.113.7");
      assert.equal(item.request_id, "req-42");
      assert.ok(Date.parse(item.occurred_at) >= started - 1000);
    }
    assert.deepEqual(items.map((item) => item.target_type), [
      "recording",
      "report",
      "interview",
      "interview",
    ]);
    assert.equal(items[0].target_id, `${alice.interviewId}/1/camera`);
  },
);

dbTest("Range requests of one recording by one viewer within a minute are one entry", async () => {
  const t = await setupApp();
  const alice = await seedCandidate(t, "alice");
  const ivan = await t.user("ivan", "interviewer");
  const root = await t.user("root", "admin");
  const path = `/interview/${alice.interviewId}/questions/1/recordings/camera`;
  for (const range of ["bytes=0-", "bytes=100-199", "bytes=4000-"]) {
    const response = await t.request("GET", path, { token: ivan.token, headers: { range } });
    assert.equal(response.status, 206);
    await response.body?.cancel();
  }
  // Another viewer and another kind are entries of their own.
  const byAdmin = await t.request("GET", path, { token: root.token });
  await byAdmin.body?.cancel();
  const wav = await t.request("GET", path.replace("camera", "wav"), { token: ivan.token });
  assert.equal(wav.status, 200);
  await wav.body?.cancel();
  const items = await entries(t, root.token, "?action=view_recording");
  assert.deepEqual(
    items.map((item) => [item.actor_username, item.target_id]),
    [
      ["ivan", `${alice.interviewId}/1/wav`],
      ["root", `${alice.interviewId}/1/camera`],
      ["ivan", `${alice.interviewId}/1/camera`],
    ],
  );
});

dbTest("GET /admin/audit is for admins only", async () => {
  const t = await setupApp();
  const alice = await t.user("alice");
  const ivan = await t.user("ivan", "interviewer");
  const root = await t.user("root", "admin");
  assert.equal((await audit(t, undefined)).status, 401);
  assert.equal((await audit(t, alice.token)).status, 403);
  assert.equal((await audit(t, ivan.token)).status, 403);
  assert.equal((await audit(t, root.token)).status, 200);
});

dbTest(
  "GET /admin/audit pages and filters by actor, action, interview, user and time",
  async () => {
    const t = await setupApp();
    const alice = await seedCandidate(t, "alice");
    const bob = await seedCandidate(t, "bob");
    const ivan = await t.user("ivan", "interviewer");
    const root = await t.user("root", "admin");
    for (const interviewId of [alice.interviewId, bob.interviewId]) {
      for (const { path } of views(interviewId)) {
        const response = await t.request("GET", path, { token: ivan.token });
        await response.body?.cancel();
      }
    }
    // JavaScript dates have milliseconds, the database microseconds: keep the
    // entries on either side of `middle` apart by more than a millisecond.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    await pause();
    const middle = new Date().toISOString();
    await pause();
    const details = await t.request("GET", `/api/performance/details/${bob.interviewId}`, {
      token: root.token,
    });
    assert.equal(details.status, 200);
    assert.equal(
      (await t.request("DELETE", `/admin/users/${alice.id}`, { token: root.token })).status,
      200,
    );

    const all = await (await audit(t, root.token)).json();
    assert.equal(all.total, 10);
    assert.equal(all.limit, 50);
    assert.equal(all.offset, 0);
    const ids = all.items.map((item: Json) => item.id);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a), "newest first");

    const page = await (await audit(t, root.token, "?limit=3&offset=3")).json();
    assert.deepEqual(page.items.map((item: Json) => item.id), ids.slice(3, 6));
    assert.equal(page.total, 10);

    assert.equal((await entries(t, root.token, `?actor_id=${root.id}`)).length, 2);
    assert.equal((await entries(t, root.token, "?action=view_report")).length, 2);
    assert.equal((await entries(t, root.token, `?interview_id=${bob.interviewId}`)).length, 5);
    // Alice's entries outlive her account: her interview's views and her deletion.
    const aboutAlice = await entries(t, root.token, `?user_id=${alice.id}`);
    assert.deepEqual(aboutAlice.map((item) => item.action), [
      "delete_user",
      "view_recording",
      "view_report",
      "view_details",
      "view_details",
    ]);
    assert.ok(aboutAlice.every((item) => item.candidate_username === "alice"));
    const since = await entries(t, root.token, `?since=${encodeURIComponent(middle)}`);
    assert.deepEqual(since.map((item) => item.action), ["delete_user", "view_details"]);
    const until = await entries(t, root.token, `?until=${encodeURIComponent(middle)}`);
    assert.equal(until.length, 8);

    const bad = await audit(t, root.token, "?action=look");
    assert.equal(bad.status, 422);
    const swapped = await audit(
      t,
      root.token,
      `?since=${encodeURIComponent(middle)}&until=${encodeURIComponent("2000-01-01T00:00:00Z")}`,
    );
    assert.equal(swapped.status, 422);
  },
);
