// Recording retention (jobs/retention.ts): recordings of interviews that ended
// more than RECORDING_RETENTION_DAYS ago are deleted, once across instances,
// and everything else of the answer stays. Rows are back-dated instead of
// moving a clock.
import assert from "node:assert/strict";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { parseConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import {
  auditLog,
  interviews,
  type InterviewStatus,
  jobs,
  questionAnswers,
  transcriptSegments,
} from "../db/schema.ts";
import { outputPath, StreamWriter } from "../media/recordings.ts";
import { removeExpiredRecordings, RETENTION_JOB } from "../jobs/retention.ts";
import { startLiveRuntime } from "../realtime/runtime.ts";
import { dbTest, setupStorageApp, type TestApp } from "./helpers/app.ts";
import { breakStore, storedAndLocalFiles } from "./helpers/storage.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

/** Every recording left: objects in the app's store and files staged on local disk. */
async function recordingsLeft(t: TestApp): Promise<string[]> {
  return await storedAndLocalFiles(t.deps.store, t.deps.config.DATA_DIR, ["recordings/"]);
}

/** What retention needs of the app: its database, `DATA_DIR` and object store. */
function retentionDeps(t: TestApp, retentionDays = 30) {
  return {
    db: t.deps.database.db,
    dataDir: t.deps.config.DATA_DIR,
    store: t.deps.store,
    retentionDays,
  };
}

/** An interview of `userId` with `status`, ended (or, in progress, started) `ageDays` ago. */
async function interview(
  db: Db,
  userId: number,
  status: InterviewStatus,
  ageDays: number,
): Promise<number> {
  const at = daysAgo(ageDays);
  const [row] = await db.insert(interviews).values({
    userId,
    interviewName: `${status} ${ageDays} days`,
    status,
    engine: "offline",
    createdAt: at,
    completedAt: status === "in_progress" ? null : at,
    report: status === "completed"
      ? { summary: "Solid.", recommendation: "hire", strengths: [], gaps: [], engine: "offline" }
      : null,
  }).returning({ id: interviews.id });
  return row.id;
}

/**
 * A final answer with finalized recordings of `files` in the object store, a transcript
 * fragment, a score and a remark; or, for a status still in progress, a
 * staged camera stream and no finalized files.
 */
async function answer(
  t: TestApp,
  input: {
    userId: number;
    interviewId: number;
    questionId: number;
    status: "ANSWERED" | "FAILED" | "RECORDING" | "PROCESSING";
    files?: ("camera" | "screen" | "audio" | "combined" | "wav")[];
  },
): Promise<number> {
  const { db } = t.deps.database;
  const dataDir = t.deps.config.DATA_DIR;
  const { interviewId, questionId } = input;
  const files = input.files ?? [];
  const path = (file: Parameters<typeof outputPath>[2]) =>
    outputPath(interviewId, questionId, file);
  const paths = {
    camera: files.includes("camera") ? path("camera.webm") : null,
    screen: files.includes("screen") ? path("screen.webm") : null,
    audio: files.includes("audio") ? path("audio.webm") : null,
    combined: files.includes("combined") ? path("combined.webm") : null,
    wav: files.includes("wav") ? path("audio.wav") : null,
  };
  for (const key of Object.values(paths)) {
    if (key) await t.deps.store.put(key, new Uint8Array([1, 2, 3]));
  }
  const final = input.status === "ANSWERED" || input.status === "FAILED";
  if (!final) {
    const writer = await StreamWriter.open(dataDir, interviewId, questionId, "camera");
    await writer.write(0, new Uint8Array([4, 5, 6]));
    writer.close();
  }
  const [row] = await db.insert(questionAnswers).values({
    userId: input.userId,
    interviewId,
    questionId,
    questionText: `Question ${questionId}?`,
    status: input.status,
    topic: "topic",
    questionKind: "technical",
    topicSource: "jd",
    keyPoints: [],
    position: questionId * 1000,
    answerText: final ? `Answer ${questionId}` : null,
    candidateScore: final ? 7 : null,
    candidateGrade: final ? "Good" : null,
    aiRemark: final ? "Covered the main points." : null,
    cameraRecordingPath: paths.camera,
    screenRecordingPath: paths.screen,
    audioRecordingPath: paths.audio,
    combinedRecordingPath: paths.combined,
    media: {
      streams: ["camera", "audio"],
      mimeTypes: {},
      receivedBytes: { camera: 3 },
      ...(paths.wav && { wavPath: paths.wav }),
    },
  }).returning({ id: questionAnswers.id });
  await db.insert(transcriptSegments).values({
    questionAnswerId: row.id,
    text: `Answer ${questionId}`,
    startMs: 0,
    endMs: 1000,
  });
  return row.id;
}

/**
 * Old: a completed interview 40 days ago (an ANSWERED answer with every
 * kind of recording, a FAILED one with a camera recording) and an abandoned
 * one whose answer is still PROCESSING. New: completed 5 days ago. Running:
 * started 40 days ago, one answer final and one RECORDING.
 */
async function scenario(t: TestApp) {
  const { db } = t.deps.database;
  const candidate = await t.user("candidate");
  const userId = candidate.id;
  const old = await interview(db, userId, "completed", 40);
  const oldAnswered = await answer(t, {
    userId,
    interviewId: old,
    questionId: 1,
    status: "ANSWERED",
    files: ["camera", "screen", "audio", "combined", "wav"],
  });
  const oldFailed = await answer(t, {
    userId,
    interviewId: old,
    questionId: 2,
    status: "FAILED",
    files: ["camera"],
  });
  const abandoned = await interview(db, userId, "abandoned", 40);
  await answer(t, { userId, interviewId: abandoned, questionId: 1, status: "PROCESSING" });
  const recent = await interview(db, userId, "completed", 5);
  await answer(t, {
    userId,
    interviewId: recent,
    questionId: 1,
    status: "ANSWERED",
    files: ["camera", "combined"],
  });
  const running = await interview(db, userId, "in_progress", 40);
  await answer(t, {
    userId,
    interviewId: running,
    questionId: 1,
    status: "ANSWERED",
    files: ["camera", "wav"],
  });
  await answer(t, { userId, interviewId: running, questionId: 2, status: "RECORDING" });
  return { candidate, old, oldAnswered, oldFailed, abandoned, recent, running };
}

/** What must be left in the store and under DATA_DIR after the old interview's recordings went. */
function keptFiles(s: Awaited<ReturnType<typeof scenario>>): string[] {
  return [
    `recordings/${s.abandoned}/1/staging/camera.part`,
    `recordings/${s.recent}/1/camera.webm`,
    `recordings/${s.recent}/1/combined.webm`,
    `recordings/${s.running}/1/audio.wav`,
    `recordings/${s.running}/1/camera.webm`,
    `recordings/${s.running}/2/staging/camera.part`,
  ].sort();
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

dbTest("RECORDING_RETENTION_DAYS is unset by default and an integer of at least 1", () => {
  assert.equal(parseConfig({}).RECORDING_RETENTION_DAYS, undefined);
  assert.equal(parseConfig({ RECORDING_RETENTION_DAYS: "30" }).RECORDING_RETENTION_DAYS, 30);
  for (const bad of ["0", "-1", "1.5", "forever"]) {
    assert.throws(() => parseConfig({ RECORDING_RETENTION_DAYS: bad }), /RECORDING_RETENTION_DAYS/);
  }
  return Promise.resolve();
});

dbTest(
  "old recordings are deleted; scores, transcripts and newer or running answers stay",
  async () => {
    const t = await setupStorageApp();
    const { db } = t.deps.database;
    const dataDir = t.deps.config.DATA_DIR;
    const s = await scenario(t);
    const before = await db.select().from(questionAnswers);
    assert.equal((await t.deps.store.list(`recordings/${s.old}/`)).length, 6);

    const outcome = await removeExpiredRecordings(retentionDeps(t));
    assert.deepEqual(
      { answers: outcome.answers, interviews: outcome.interviews, files: outcome.files },
      { answers: 2, interviews: 1, files: 6 },
    );
    assert.deepEqual(await recordingsLeft(t), keptFiles(s));
    assert.deepEqual(await t.deps.store.list(`recordings/${s.old}/`), []);
    await assert.rejects(Deno.stat(join(dataDir, `recordings/${s.old}`)), Deno.errors.NotFound);

    const after = new Map((await db.select().from(questionAnswers)).map((row) => [row.id, row]));
    for (const row of before) {
      const now = after.get(row.id)!;
      assert.equal(now.answerText, row.answerText);
      assert.equal(now.candidateScore, row.candidateScore);
      assert.equal(now.candidateGrade, row.candidateGrade);
      assert.equal(now.aiRemark, row.aiRemark);
      assert.equal(now.status, row.status);
      if (row.interviewId !== s.old) {
        assert.deepEqual(now, row, "answers of other interviews are untouched");
        continue;
      }
      assert.ok(now.recordingsRemovedAt, "the row says when");
      assert.equal(now.recordingsRemovedReason, "retention");
      assert.equal(now.cameraRecordingPath, null);
      assert.equal(now.screenRecordingPath, null);
      assert.equal(now.audioRecordingPath, null);
      assert.equal(now.combinedRecordingPath, null);
      assert.equal(now.media?.wavPath, undefined);
      assert.deepEqual(now.media?.receivedBytes, { camera: 3 }, "the rest of media stays");
    }
    assert.equal((await db.select().from(transcriptSegments)).length, before.length);
    const [oldInterview] = await db.select().from(interviews).where(eq(interviews.id, s.old));
    assert.equal(oldInterview.report?.summary, "Solid.");

    const again = await removeExpiredRecordings(retentionDeps(t));
    assert.equal(again.answers, 0, "a second run finds nothing to do");
    assert.deepEqual(await recordingsLeft(t), keptFiles(s));
  },
);

dbTest("the recordings route answers 410 for a deleted recording; details say so", async () => {
  const t = await setupStorageApp();
  const s = await scenario(t);
  await removeExpiredRecordings(retentionDeps(t));
  const token = s.candidate.token;

  const gone = await t.request("GET", `/interview/${s.old}/questions/1/recordings/camera`, {
    token,
  });
  assert.equal(gone.status, 410);
  assert.match((await gone.json()).detail, /deleted on .* retention policy/);
  const kept = await t.request("GET", `/interview/${s.recent}/questions/1/recordings/camera`, {
    token,
  });
  assert.equal(kept.status, 200);
  await kept.body?.cancel();
  const never = await t.request("GET", `/interview/${s.recent}/questions/1/recordings/screen`, {
    token,
  });
  assert.equal(never.status, 404, "a recording that never existed is still 404");
  await never.body?.cancel();

  const details = await t.request("GET", `/api/performance/details/${s.old}`, { token });
  assert.equal(details.status, 200);
  const [first] = (await details.json()).questions;
  assert.equal(first.answer_text, "Answer 1");
  assert.equal(first.candidate_score, 7);
  assert.equal(first.ai_remark, "Covered the main points.");
  assert.equal(first.transcript_segments.length, 1);
  assert.equal(first.camera_recording_path, null);
  assert.equal(first.recordings_removed_reason, "retention");
  assert.ok(!Number.isNaN(Date.parse(first.recordings_removed_at)));

  const links = await t.request("GET", `/interview/${s.old}/links`, { token });
  const linked = (await links.json()).questions[0].recordings;
  assert.deepEqual(Object.values(linked), [null, null, null, null, null]);
});

dbTest(
  "without RECORDING_RETENTION_DAYS no retention job is queued and nothing is deleted",
  async () => {
    const t = await setupStorageApp();
    const { database, config, engine } = t.deps;
    const s = await scenario(t);
    const runtime = await startLiveRuntime(config, database, engine, t.deps.metrics, t.deps.store);
    try {
      // Long enough for the runner's first polls and a start-up retention queueing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await runtime.hub.close();
      await runtime.stop();
    }
    assert.deepEqual(await database.db.select().from(jobs).where(eq(jobs.kind, RETENTION_JOB)), []);
    const files = await recordingsLeft(t);
    for (const kept of keptFiles(s)) assert.ok(files.includes(kept), kept);
    assert.ok(files.includes(`recordings/${s.old}/1/camera.webm`));
  },
);

dbTest("two instances run each hour's retention job once and audit it once", async () => {
  const t = await setupStorageApp();
  const { database, engine } = t.deps;
  const { db } = database;
  const s = await scenario(t);
  const config = { ...t.deps.config, RECORDING_RETENTION_DAYS: 30 };
  const first = await startLiveRuntime(config, database, engine, t.deps.metrics, t.deps.store);
  const second = await startLiveRuntime(config, database, engine, t.deps.metrics, t.deps.store);
  try {
    await waitFor(async () => {
      const rows = await db.select().from(jobs).where(eq(jobs.kind, RETENTION_JOB));
      return rows.length > 0 && rows.every((row) => row.status === "done");
    }, "the retention job");
  } finally {
    for (const runtime of [first, second]) {
      await runtime.hub.close();
      await runtime.stop();
    }
  }
  const runs = await db.select().from(jobs).where(eq(jobs.kind, RETENTION_JOB));
  assert.equal(runs.length, 1, "one job for the hour, whichever instance queued it first");
  assert.equal(runs[0].attempts, 1);
  assert.deepEqual(await recordingsLeft(t), keptFiles(s));

  const entries = await db.select().from(auditLog);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].actorType, "system");
  assert.equal(entries[0].action, "delete_recordings");
  assert.equal(entries[0].targetId, runs[0].dedupeKey);
  assert.deepEqual(
    { ...entries[0].detail, cutoff: undefined },
    {
      reason: "retention",
      retention_days: 30,
      cutoff: undefined,
      answers: 2,
      interviews: 1,
      files: 6,
      failed: 0,
    },
  );
});

dbTest("two runs at once remove each recording once and count each answer once", async () => {
  const t = await setupStorageApp();
  const { db } = t.deps.database;
  const s = await scenario(t);
  const runs = await Promise.all([
    removeExpiredRecordings(retentionDeps(t)),
    removeExpiredRecordings(retentionDeps(t)),
  ]);
  assert.equal(runs[0].answers + runs[1].answers, 2);
  assert.deepEqual(await recordingsLeft(t), keptFiles(s));
  const marked = await db.select().from(questionAnswers).where(
    eq(questionAnswers.interviewId, s.old),
  );
  assert.ok(marked.every((row) => row.recordingsRemovedReason === "retention"));
});

dbTest("a backlog larger than a batch is removed completely in one run", async () => {
  const t = await setupStorageApp();
  const { db } = t.deps.database;
  const candidate = await t.user("candidate");
  const old = await interview(db, candidate.id, "completed", 400);
  const count = 250;
  for (let questionId = 1; questionId <= count; questionId++) {
    await answer(t, {
      userId: candidate.id,
      interviewId: old,
      questionId,
      status: "ANSWERED",
      files: ["camera"],
    });
  }
  const outcome = await removeExpiredRecordings(retentionDeps(t, 365));
  assert.equal(outcome.answers, count);
  assert.equal(outcome.files, count);
  assert.deepEqual(await recordingsLeft(t), []);
});

dbTest("an answer whose files cannot be removed is kept and does not stop the others", async () => {
  const t = await setupStorageApp();
  const { db } = t.deps.database;
  const s = await scenario(t);
  // The store refuses to delete the FAILED answer's camera recording.
  const stuck = outputPath(s.old, 2, "camera.webm");
  const broken = breakStore(t.deps.store, "delete", (key) => key === stuck);
  const outcome = await removeExpiredRecordings(retentionDeps(t));
  assert.deepEqual(broken.calls, [stuck]);
  assert.equal(outcome.answers, 1);
  assert.equal(outcome.failed, 1);
  assert.ok(await t.deps.store.stat(stuck), "the refused recording is still stored");
  const [failed] = await db.select().from(questionAnswers).where(
    eq(questionAnswers.id, s.oldFailed),
  );
  assert.equal(failed.recordingsRemovedAt, null, "tried again next run");
  assert.equal(failed.cameraRecordingPath, outputPath(s.old, 2, "camera.webm"));
  const [answered] = await db.select().from(questionAnswers).where(
    eq(questionAnswers.id, s.oldAnswered),
  );
  assert.equal(answered.recordingsRemovedReason, "retention");

  // The next run, with the store working again, finishes what was left.
  broken.on = false;
  const next = await removeExpiredRecordings(retentionDeps(t));
  assert.deepEqual([next.answers, next.failed], [1, 0]);
  assert.equal(await t.deps.store.stat(stuck), null);
  assert.deepEqual(await recordingsLeft(t), keptFiles(s));
});
