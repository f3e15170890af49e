// The job queue: idempotent enqueue, leases that expire after a crash,
// retries, and a finalization job left behind by a crashed instance.
import assert from "node:assert/strict";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { claimJob, enqueueJob, failJob } from "../jobs/queue.ts";
import { startJobRunner } from "../jobs/runner.ts";
import { jobs, questionAnswers } from "../db/schema.ts";
import { FINALIZE_JOB, finalizeJobKey } from "../media/finalize_job.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { makeLiveWebm } from "./fixtures/media.ts";
import { dbTest, setupApp } from "./helpers/app.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { RawPeer } from "./helpers/raw_peer.ts";

dbTest("enqueueing the same key twice makes one job", async () => {
  const { deps } = await setupApp();
  const { db } = deps.database;
  await enqueueJob(db, { kind: "k", key: "same", payload: { n: 1 } });
  await enqueueJob(db, { kind: "k", key: "same", payload: { n: 2 } });
  const rows = await db.select().from(jobs);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].payload, { n: 1 });
});

dbTest("a claimed job is not claimed again until its lease expires, as after a crash", async () => {
  const { deps } = await setupApp();
  const { db } = deps.database;
  await enqueueJob(db, { kind: "k", key: "one", payload: {} });
  const first = await claimJob(db, ["k"], 60_000);
  assert.equal(first?.attempts, 1);
  assert.equal(await claimJob(db, ["k"], 60_000), undefined, "held by its lease");
  assert.equal(await claimJob(db, ["other"], 60_000), undefined, "other kinds are not taken");
  await db.update(jobs).set({ lockedUntil: new Date(Date.now() - 1000) }).where(
    eq(jobs.id, first!.id),
  );
  const again = await claimJob(db, ["k"], 60_000);
  assert.equal(again?.id, first!.id);
  assert.equal(again?.attempts, 2);
});

dbTest("a job is claimable the moment it is enqueued, whatever the clocks' precision", async () => {
  const { deps } = await setupApp();
  const { db } = deps.database;
  // The database stamps a new job in microseconds, this process compares in milliseconds.
  for (let i = 0; i < 50; i++) {
    await enqueueJob(db, { kind: "k", key: `at-once-${i}`, payload: {} });
    const claimed = await claimJob(db, ["k"], 60_000);
    assert.equal(claimed?.dedupeKey, `at-once-${i}`, `job ${i} was not claimable at once`);
  }
});

dbTest("failed attempts are retried after a backoff, then the job is given up", async () => {
  const { deps } = await setupApp();
  const { db } = deps.database;
  await db.insert(jobs).values({ kind: "k", dedupeKey: "flaky", payload: {}, maxAttempts: 2 });
  const attempt1 = (await claimJob(db, ["k"], 60_000))!;
  assert.equal(await failJob(db, attempt1, "boom"), false);
  assert.equal(await claimJob(db, ["k"], 60_000), undefined, "not before its backoff");
  await db.update(jobs).set({ runAfter: new Date(Date.now() - 1) }).where(eq(jobs.id, attempt1.id));
  const attempt2 = (await claimJob(db, ["k"], 60_000))!;
  assert.equal(await failJob(db, attempt2, "boom again"), true);
  const [row] = await db.select().from(jobs).where(eq(jobs.id, attempt1.id));
  assert.equal(row.status, "failed");
  assert.equal(row.lastError, "boom again");
});

dbTest("the runner tells the handler which attempt is the last one", async () => {
  const { deps } = await setupApp();
  const { db } = deps.database;
  await db.insert(jobs).values({ kind: "k", dedupeKey: "last", payload: {}, maxAttempts: 2 });
  const seen: boolean[] = [];
  const done = Promise.withResolvers<void>();
  const runner = startJobRunner(db, {
    k: async (_job, { lastAttempt }) => {
      seen.push(lastAttempt);
      if (!lastAttempt) {
        await db.update(jobs).set({ runAfter: sql`now()` }).where(eq(jobs.dedupeKey, "last"));
        throw new Error("first attempt fails");
      }
      done.resolve();
    },
  }, 1);
  try {
    runner.poke();
    await done.promise;
    assert.deepEqual(seen.slice(0, 2), [false, true]);
  } finally {
    await runner.stop();
  }
});

Deno.test({
  name: "a finalization left running by a crashed instance is taken over and done once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer();
    try {
      const { token } = await server.user("phoenix");
      await server.request("POST", "/jd_resume/upload_jd", {
        token,
        body: { text: "Rust and PostgreSQL." },
      });
      const started = await (await server.request("POST", "/interview/start_interview", {
        token,
        body: { interview_name: "Crash", question_count: 1 },
      })).json();
      const interviewId = started.interview_id as number;
      const pool = new FfmpegPool({ concurrency: 1 });
      const audio = await makeLiveWebm(pool, { seconds: 3, video: false, audio: true });
      pool.close();
      // What a crashed instance leaves behind: a staged stream, the answer in
      // PROCESSING, and its job "running" under a lease that has run out.
      const staging = join(server.deps.config.DATA_DIR, `recordings/${interviewId}/1/staging`);
      await Deno.mkdir(staging, { recursive: true });
      await Deno.writeFile(join(staging, "audio.raw"), audio);
      const { db } = server.deps.database;
      const [qa] = await db.update(questionAnswers).set({
        status: "PROCESSING",
        startedAt: new Date(),
        media: { streams: ["audio"], mimeTypes: {} },
      }).where(eq(questionAnswers.interviewId, interviewId)).returning();
      await db.insert(jobs).values({
        kind: FINALIZE_JOB,
        dedupeKey: finalizeJobKey(qa.id),
        payload: { question_answer_id: qa.id },
        status: "running",
        attempts: 1,
        lockedUntil: new Date(Date.now() - 1000),
      });
      const interviewer = await server.user("watcher", "interviewer");
      const observer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}/observe?token=${interviewer.token}`,
      );
      await observer.next("observe.state");
      const finalized = (await observer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "ANSWERED");
      assert.ok(finalized.audio_recording_path);
      const [job] = await db.select().from(jobs).where(eq(jobs.dedupeKey, finalizeJobKey(qa.id)));
      assert.equal(job.status, "done");
      assert.equal(job.attempts, 2);
      // Running it again changes nothing and announces nothing.
      await db.update(jobs).set({ status: "queued" }).where(eq(jobs.id, job.id));
      for (let i = 0; i < 100; i++) {
        const [row] = await db.select().from(jobs).where(eq(jobs.id, job.id));
        if (row.status === "done") break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [rerun] = await db.select().from(jobs).where(eq(jobs.id, job.id));
      assert.equal(rerun.status, "done");
      assert.equal(rerun.attempts, 3, "the job really ran again");
      const [after] = await db.select().from(questionAnswers).where(eq(questionAnswers.id, qa.id));
      assert.equal(after.answeredAt?.toISOString(), finalized.answered_at);
      assert.equal(observer.messages.filter((m) => m.type === "finalized").length, 1);
      await observer.close();
    } finally {
      await server.stop();
    }
  },
});
