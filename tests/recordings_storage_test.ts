// Issue 11: finished recordings, WAVs and report PDFs live in the object store
// (`STORAGE`): finalization moves them there, playback and the report route
// read them through it, deletion and retention remove them from it. Runs on
// `STORAGE=fs`, and on the test S3 server when `TEST_S3_ENDPOINT` is set.
import assert from "node:assert/strict";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { auditLog, interviews, jobs, questionAnswers, transcriptSegments } from "../db/schema.ts";
import { FINALIZE_JOB } from "../media/finalize_job.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { outputPath } from "../media/recordings.ts";
import { filesBelow } from "../media/storage.ts";
import { removeExpiredRecordings } from "../jobs/retention.ts";
import { reportKeyPrefix } from "../routes/performance.ts";
import { makeLiveWebm } from "./fixtures/media.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import { dbTest, setupStorageApp, type TestApp } from "./helpers/app.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { filesOf, filesUnder, recordAnswer, seedCandidate } from "./helpers/candidate_data.ts";
import { breakStore, readObject, testStorageEnv } from "./helpers/storage.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

let recordings: Promise<{ camera: Uint8Array; audio: Uint8Array }> | undefined;
/** A 3 s camera recording (video and sound) and a 3 s microphone recording, as browsers send. */
function media() {
  recordings ??= (async () => {
    const pool = new FfmpegPool({ concurrency: 2 });
    try {
      const [camera, audio] = await Promise.all([
        makeLiveWebm(pool, { seconds: 3, video: true, audio: true }),
        makeLiveWebm(pool, { seconds: 3, video: false, audio: true }),
      ]);
      return { camera, audio };
    } finally {
      pool.close();
    }
  })();
  return recordings;
}

/** The keys finalization stores for an answer with a camera and a microphone. */
function answerKeys(interviewId: number, questionId: number): string[] {
  return (["audio.wav", "audio.webm", "camera.webm", "combined.webm"] as const)
    .map((file) => outputPath(interviewId, questionId, file));
}

/**
 * Files of interview `interviewId` on local disk: none at all with S3; with
 * `STORAGE=fs` only the store's own objects, which live there.
 */
async function localFilesOf(t: TestApp, interviewId: number): Promise<string[]> {
  return (await filesBelow(t.deps.config.DATA_DIR, `recordings/${interviewId}`)).sort();
}

function expectedLocal(t: TestApp, stored: string[]): string[] {
  return t.deps.config.STORAGE === "fs" ? stored : [];
}

async function get(t: TestApp, path: string, token: string, range?: string) {
  const response = await t.request("GET", path, {
    token,
    headers: range ? { range } : undefined,
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

Deno.test({
  name: "a live answer is stored, played back through the store, and removed by retention",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(test) {
    const server = await startLiveServer(await testStorageEnv());
    try {
      const { store } = server.deps;
      const { db } = server.deps.database;
      const { camera, audio } = await media();
      const { interviewId, questionId, token, question } = await recordAnswer(
        server.base,
        { camera, audio },
        "I would add an index on the foreign key.",
      );
      const keys = answerKeys(interviewId, questionId);
      const [combinedKey, cameraKey] = [keys[3], keys[2]];

      await test.step("finalization moved every output into the store", async () => {
        assert.equal(question.status, "ANSWERED", String(question.failure_reason));
        assert.deepEqual(await store.list(`recordings/${interviewId}/`), keys);
        const [row] = await db.select().from(questionAnswers)
          .where(eq(questionAnswers.interviewId, interviewId));
        assert.deepEqual(
          [row.media?.wavPath, row.audioRecordingPath, row.cameraRecordingPath],
          keys.slice(0, 3),
        );
        assert.equal(row.combinedRecordingPath, combinedKey);
        const layout = readWebmLayout((await readObject(store, combinedKey))!);
        assert.ok(layout.durationSeconds !== null && layout.durationSeconds > 2.5);
        assert.ok(layout.hasCues, "the stored recording is seekable");
        // Staging and the local work folder are gone; with S3 nothing of the answer is local.
        assert.deepEqual(
          await localFilesOf(server, interviewId),
          expectedLocal(server, keys),
        );
      });

      await test.step("playback: 200, 206 with the stored slice, 416, 404", async () => {
        const stored = (await readObject(store, combinedKey))!;
        const size = stored.byteLength;
        const path = `/interview/${interviewId}/questions/${questionId}/recordings/combined`;
        const whole = await get(server, path, token);
        assert.equal(whole.response.status, 200);
        assert.equal(whole.response.headers.get("content-length"), String(size));
        assert.equal(whole.response.headers.get("accept-ranges"), "bytes");
        assert.deepEqual(whole.bytes, stored);

        const part = await get(server, path, token, "bytes=100-1099");
        assert.equal(part.response.status, 206);
        assert.equal(part.response.headers.get("content-range"), `bytes 100-1099/${size}`);
        assert.equal(part.response.headers.get("content-length"), "1000");
        assert.deepEqual(
          part.bytes,
          await readObject(store, combinedKey, { start: 100, end: 1099 }),
        );

        const suffix = await get(server, path, token, "bytes=-500");
        assert.equal(suffix.response.status, 206);
        assert.equal(
          suffix.response.headers.get("content-range"),
          `bytes ${size - 500}-${size - 1}/${size}`,
        );
        assert.deepEqual(suffix.bytes, stored.subarray(size - 500));

        const pastEnd = await get(server, path, token, `bytes=${size - 10}-${size + 1000}`);
        assert.equal(pastEnd.response.status, 206);
        assert.deepEqual(pastEnd.bytes, stored.subarray(size - 10));

        const outside = await get(server, path, token, `bytes=${size}-`);
        assert.equal(outside.response.status, 416);
        assert.equal(outside.response.headers.get("content-range"), `bytes */${size}`);

        const wav = await get(server, path.replace("combined", "wav"), token);
        assert.equal(wav.response.status, 200);
        assert.equal(wav.response.headers.get("content-type"), "audio/wav");
        assert.deepEqual(wav.bytes, await readObject(store, keys[0]));

        // Another viewer is audited before bytes are sent, through the store as before.
        const interviewer = await server.user("ivy", "interviewer");
        const watched = await get(server, path, interviewer.token, "bytes=0-99");
        assert.equal(watched.response.status, 206);
        const entries = await db.select().from(auditLog);
        assert.deepEqual(
          entries.map((entry) => [entry.action, entry.targetId]),
          [["view_recording", `${interviewId}/${questionId}/combined`]],
        );

        await store.delete(cameraKey);
        const missing = await get(server, path.replace("combined", "camera"), token);
        assert.equal(missing.response.status, 404);
        assert.match(new TextDecoder().decode(missing.bytes), /missing on the server/);
      });

      await test.step("retention removes the objects and keeps text and score", async () => {
        await db.update(interviews).set({
          status: "completed",
          completedAt: new Date(Date.now() - 40 * DAY_MS),
        }).where(eq(interviews.id, interviewId));
        const outcome = await removeExpiredRecordings({
          db,
          dataDir: server.deps.config.DATA_DIR,
          store,
          retentionDays: 30,
        });
        assert.equal(outcome.answers, 1);
        assert.deepEqual(await store.list(`recordings/${interviewId}/`), []);
        assert.deepEqual(await localFilesOf(server, interviewId), []);
        const [row] = await db.select().from(questionAnswers)
          .where(eq(questionAnswers.interviewId, interviewId));
        assert.equal(row.answerText, "I would add an index on the foreign key.");
        assert.equal(row.candidateScore, question.candidate_score);
        assert.equal(row.recordingsRemovedReason, "retention");
        const transcripts = await db.select().from(transcriptSegments)
          .where(eq(transcriptSegments.questionAnswerId, row.id));
        assert.equal(transcripts.length, 1);
        const gone = await get(
          server,
          `/interview/${interviewId}/questions/${questionId}/recordings/combined`,
          token,
        );
        assert.equal(gone.response.status, 410);
      });
    } finally {
      await server.stop();
    }
  },
});

/** The test's only finalize job, once an attempt of it has failed. */
async function failedFinalizeJob(t: TestApp) {
  const { db } = t.deps.database;
  for (let waited = 0; waited < 60_000; waited += 50) {
    const [job] = await db.select().from(jobs).where(eq(jobs.kind, FINALIZE_JOB));
    if (job?.lastError) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the finalize job never failed");
}

Deno.test({
  name: "a store that refuses a recording leaves the answer unfinished until a retry stores it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer(await testStorageEnv());
    try {
      const { store } = server.deps;
      const { db } = server.deps.database;
      const broken = breakStore(store, "moveFile", (key) => key.endsWith("/combined.webm"));
      const { camera, audio } = await media();
      const recorded = recordAnswer(server.base, { camera, audio }, "Partitioning by month.");

      // The first attempt fails on the combined recording; the job is queued again.
      const job = await failedFinalizeJob(server);
      assert.equal(job.status, "queued");
      assert.match(String(job.lastError), /could not store recordings\/\d+\/1\/combined\.webm/);
      const [row] = await db.select().from(questionAnswers)
        .where(eq(questionAnswers.id, Number(job.payload.question_answer_id)));
      const { interviewId, questionId } = row;
      assert.equal(row.status, "PROCESSING", "not ANSWERED with files missing");
      assert.deepEqual(
        [row.cameraRecordingPath, row.audioRecordingPath, row.combinedRecordingPath],
        [null, null, null],
      );
      assert.equal(row.media?.wavPath, undefined);
      assert.equal(await store.stat(outputPath(interviewId, questionId, "combined.webm")), null);
      const staging = join(
        server.deps.config.DATA_DIR,
        `recordings/${interviewId}/${questionId}/staging`,
      );
      for (const name of ["camera.raw", "audio.raw"]) {
        assert.ok((await Deno.stat(join(staging, name))).size > 0, `${name} is still staged`);
      }

      broken.on = false;
      const { question } = await recorded;
      assert.equal(question.status, "ANSWERED", String(question.failure_reason));
      assert.equal(question.combined_recording_path, answerKeys(interviewId, questionId)[3]);
      assert.deepEqual(
        await store.list(`recordings/${interviewId}/`),
        answerKeys(interviewId, questionId),
      );
      await assert.rejects(Deno.stat(staging), Deno.errors.NotFound);
      const [done] = await db.select().from(jobs).where(eq(jobs.id, job.id));
      assert.deepEqual([done.status, done.attempts], ["done", 2]);
      assert.ok(broken.calls.length >= 1);
    } finally {
      await server.stop();
    }
  },
});

dbTest("the report PDF is stored once and served from the store until it changes", async () => {
  const t = await setupStorageApp();
  const alice = await seedCandidate(t, "alice");
  const ivan = await t.user("ivan", "interviewer");
  const prefix = reportKeyPrefix(alice.interviewId);
  const path = `/api/performance/details/${alice.interviewId}/report.pdf`;
  // seedCandidate downloaded it once, which stored it.
  const [key] = await t.deps.store.list(prefix);
  assert.match(key, new RegExp(`^${prefix}[0-9a-f]{64}\\.pdf$`));

  // Served from the store: a stored object with other bytes is what comes back.
  const marker = new TextEncoder().encode("%PDF-1.7 stored copy");
  await t.deps.store.put(key, marker);
  const again = await get(t, path, ivan.token);
  assert.equal(again.response.status, 200);
  assert.equal(again.response.headers.get("content-type"), "application/pdf");
  assert.equal(again.response.headers.get("content-length"), String(marker.byteLength));
  assert.deepEqual(again.bytes, marker);
  assert.deepEqual(await t.deps.store.list(prefix), [key]);

  // What the PDF shows changed: rendered anew, stored under a new key, the old one deleted.
  await t.deps.database.db.update(interviews).set({ interviewName: "Renamed round" })
    .where(eq(interviews.id, alice.interviewId));
  const renamed = await get(t, path, ivan.token);
  assert.equal(renamed.response.status, 200);
  assert.equal(new TextDecoder().decode(renamed.bytes.subarray(0, 5)), "%PDF-");
  const [newKey, ...others] = await t.deps.store.list(prefix);
  assert.notEqual(newKey, key);
  assert.deepEqual(others, []);
  assert.deepEqual(await readObject(t.deps.store, newKey), renamed.bytes);

  const views = (await t.deps.database.db.select().from(auditLog))
    .filter((entry) => entry.action === "view_report");
  assert.equal(views.length, 2, "each download by the interviewer is audited");
});

dbTest("deleting an interview or a user leaves none of its objects or files", async () => {
  const t = await setupStorageApp();
  const alice = await seedCandidate(t, "alice");
  const bob = await seedCandidate(t, "bob");
  const root = await t.user("root", "admin");
  const aliceWho = { userId: alice.id, interviewId: alice.interviewId };
  const bobWho = { userId: bob.id, interviewId: bob.interviewId };
  const kinds = (files: string[]) => files.map((file) => file.split("/")[0]).sort();
  // Two uploads, two stored recordings, a staged chunk and a report PDF each.
  assert.deepEqual(kinds(filesOf(await filesUnder(t), aliceWho)), [
    "recordings",
    "recordings",
    "recordings",
    "reports",
    "uploads",
    "uploads",
  ]);
  const aliceUploads = filesOf(await filesUnder(t), aliceWho)
    .filter((file) => file.startsWith("uploads/"));

  const interview = await t.request("DELETE", `/admin/interviews/${alice.interviewId}`, {
    token: root.token,
  });
  assert.equal(interview.status, 200);
  assert.deepEqual(filesOf(await filesUnder(t), aliceWho), aliceUploads);
  assert.deepEqual(await t.deps.store.list(`recordings/${alice.interviewId}/`), []);
  assert.deepEqual(await t.deps.store.list(reportKeyPrefix(alice.interviewId)), []);
  await assert.rejects(
    Deno.stat(join(t.deps.config.DATA_DIR, `recordings/${alice.interviewId}`)),
    Deno.errors.NotFound,
  );

  const user = await t.request("DELETE", `/admin/users/${bob.id}`, { token: root.token });
  assert.equal(user.status, 200);
  assert.deepEqual(filesOf(await filesUnder(t), bobWho), []);
  assert.deepEqual(await filesUnder(t), aliceUploads, "only alice's documents are left");
});

Deno.test({
  name: "when the store keeps failing, the last attempt fails the answer and leaves no object",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer(await testStorageEnv());
    try {
      const { store } = server.deps;
      const { db } = server.deps.database;
      // The separate recordings are stored, then the combined one is refused.
      breakStore(store, "moveFile", (key) => key.endsWith("/combined.webm"));
      const { camera, audio } = await media();
      const recorded = recordAnswer(server.base, { camera, audio }, "Sharding by tenant.");
      const job = await failedFinalizeJob(server);
      const { interviewId } = (await db.select().from(questionAnswers)
        .where(eq(questionAnswers.id, Number(job.payload.question_answer_id))))[0];
      assert.ok(
        (await store.list(`recordings/${interviewId}/`)).some((key) => key.endsWith("camera.webm")),
        "the first attempt stored the camera recording before failing",
      );
      // The next attempt is the last one.
      await db.update(jobs).set({ maxAttempts: 2 }).where(eq(jobs.id, job.id));
      const { question } = await recorded;
      assert.equal(question.status, "FAILED");
      assert.match(String(question.failure_reason), /after 2 attempts: .*could not store/);
      assert.equal(question.camera_recording_path, null);
      assert.deepEqual(await store.list(`recordings/${interviewId}/`), []);
      assert.deepEqual(await localFilesOf(server, interviewId), []);
    } finally {
      await server.stop();
    }
  },
});
