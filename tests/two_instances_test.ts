// Instances with separate DATA_DIRs on one database and one bucket: an
// answer's staged media follows the candidate to the instance they
// reconnect to (media/staging_handoff.ts). Unit tests of the hand-off run
// everywhere (fs store in a third folder); the whole-service tests need
// PostgreSQL and an S3 server (TEST_DATABASE_URL and TEST_S3_ENDPOINT).
import assert from "node:assert/strict";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { InterviewClient } from "../realtime/client.ts";
import { createLocalBus } from "../realtime/event_bus.ts";
import { removeLeftovers } from "../realtime/sweeper.ts";
import { openPostgres } from "../db/client.ts";
import { interviews, jobs, questionAnswers, transcriptSegments } from "../db/schema.ts";
import { FINALIZE_JOB, finalizeJobKey } from "../media/finalize_job.ts";
import { parseConfig } from "../config.ts";
import { createFsObjectStore, createObjectStore } from "../media/object_store.ts";
import { stagedStream, StreamWriter } from "../media/recordings.ts";
import {
  handoffPrefix,
  type StagedAnswerRef,
  STAGING_AREA_FILE,
  STAGING_IN_STORE,
  stagingAreaId,
  StagingHandoff,
  StagingUnavailableError,
} from "../media/staging_handoff.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import { dbTest, setupApp, type TestApp, testDataDir } from "./helpers/app.ts";
import { RawPeer } from "./helpers/raw_peer.ts";
import { type ServiceProcess, startProcess } from "./helpers/service_process.ts";
import { readObject, TEST_S3_ENDPOINT, testStorageEnv } from "./helpers/storage.ts";
import {
  allAcked,
  chunksOf,
  freePort,
  kill,
  liveTest,
  media,
  newInterview,
  serviceEnv,
} from "./helpers/live_interview.ts";

// ---- claimStaging and friends, on two DATA_DIRs and an fs store in a third folder

/** A started interview whose first answer is RECORDING (audio and camera). */
async function recordingAnswer(t: TestApp): Promise<StagedAnswerRef> {
  const { token } = await t.user(`candidate${crypto.randomUUID().slice(0, 8)}`);
  const jd = await t.request("POST", "/jd_resume/upload_jd", {
    token,
    body: { text: "Backend engineer: TypeScript, PostgreSQL, Redis, REST APIs." },
  });
  assert.equal(jd.status, 201);
  const started = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Hand-off", question_count: 1 },
  });
  assert.equal(started.status, 201);
  const interviewId = (await started.json()).interview_id as number;
  const [qa] = await t.deps.database.db.update(questionAnswers).set({
    status: "RECORDING",
    media: { streams: ["camera", "audio"], mimeTypes: {} },
  }).where(eq(questionAnswers.interviewId, interviewId)).returning();
  return { id: qa.id, interviewId, questionId: qa.questionId };
}

/** Two staging areas (separate folders) sharing one bus and one store. */
async function twoAreas(t: TestApp, timeoutMs = 5000) {
  const bus = createLocalBus();
  const store = createFsObjectStore(await testDataDir("interviewer-store-"));
  const [dirA, dirB] = [await testDataDir("interviewer-a-"), await testDataDir("interviewer-b-")];
  const db = t.deps.database.db;
  const a = await StagingHandoff.start({ db, dataDir: dirA, store, bus, timeoutMs });
  const b = await StagingHandoff.start({ db, dataDir: dirB, store, bus, timeoutMs });
  return { bus, store, dirA, dirB, a, b };
}

const AUDIO = crypto.getRandomValues(new Uint8Array(60_000));
const CAMERA = crypto.getRandomValues(new Uint8Array(50_000));

/** Stages AUDIO (open) and CAMERA (ended) of `answer` in `dataDir`, as `holder`'s connection would. */
async function stage(holder: StagingHandoff, dataDir: string, answer: StagedAnswerRef) {
  await holder.claim(answer, { forWriting: true });
  const audio = await StreamWriter.open(dataDir, answer.interviewId, answer.questionId, "audio");
  await audio.write(0, AUDIO);
  audio.close();
  const camera = await StreamWriter.open(dataDir, answer.interviewId, answer.questionId, "camera");
  await camera.write(0, CAMERA);
  await camera.end();
}

function stagingDir(dataDir: string, answer: StagedAnswerRef): string {
  return join(dataDir, `recordings/${answer.interviewId}/${answer.questionId}/staging`);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function areaOf(t: TestApp, answer: StagedAnswerRef): Promise<string | null> {
  const [row] = await t.deps.database.db.select({ area: questionAnswers.stagingArea })
    .from(questionAnswers).where(eq(questionAnswers.id, answer.id));
  return row.area;
}

/** Checks that `dataDir` holds exactly what {@link stage} staged. */
async function assertStaged(dataDir: string, answer: StagedAnswerRef): Promise<void> {
  const { interviewId, questionId } = answer;
  const audio = await stagedStream(dataDir, interviewId, questionId, "audio");
  assert.deepEqual([audio.committed, audio.ended], [AUDIO.byteLength, false]);
  assert.deepEqual(await Deno.readFile(audio.path!), AUDIO);
  const camera = await stagedStream(dataDir, interviewId, questionId, "camera");
  assert.deepEqual([camera.committed, camera.ended], [CAMERA.byteLength, true]);
  assert.deepEqual(await Deno.readFile(camera.path!), CAMERA);
  const mode = (await Deno.stat(audio.path!)).mode! & 0o777;
  if (Deno.build.os !== "windows") assert.equal(mode, 0o600);
}

dbTest(
  "a DATA_DIR has one private staging area id, also when instances start together",
  async () => {
    const dir = await testDataDir();
    const ids = await Promise.all(Array.from({ length: 6 }, () => stagingAreaId(dir)));
    assert.equal(new Set(ids).size, 1);
    assert.match(ids[0], /^[0-9a-f-]{36}$/);
    assert.equal(await stagingAreaId(dir), ids[0]);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(join(dir, STAGING_AREA_FILE))).mode! & 0o777, 0o600);
    }
    assert.notEqual(await stagingAreaId(await testDataDir()), ids[0]);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), [
      STAGING_AREA_FILE,
    ]);
  },
);

dbTest("an answer nobody holds: reading changes nothing, the first write takes it", async () => {
  const t = await setupApp();
  const { a, b } = await twoAreas(t);
  try {
    const answer = await recordingAnswer(t);
    await b.claim(answer);
    assert.equal(await areaOf(t, answer), null);
    await a.claim(answer, { forWriting: true });
    assert.equal(await areaOf(t, answer), a.areaId);
    await a.claim(answer, { forWriting: true });
    assert.equal(await areaOf(t, answer), a.areaId);
  } finally {
    a.close();
    b.close();
  }
});

dbTest("a claim brings another area's staging here once the holder's writer closed", async () => {
  const t = await setupApp();
  const { a, b, dirA, dirB, store } = await twoAreas(t);
  try {
    const answer = await recordingAnswer(t);
    await stage(a, dirA, answer);
    let release!: () => void;
    const writerOpen = new Promise<void>((resolve) => release = resolve);
    let asked: StagedAnswerRef | undefined;
    a.writersClosed = (ref) => {
      asked = ref;
      return writerOpen;
    };
    const claimed = b.claim(answer);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(asked, answer, "the holder was asked for this answer");
    assert.equal(await areaOf(t, answer), a.areaId, "nothing moves while a connection writes");
    assert.ok(await exists(stagingDir(dirA, answer)));
    release();
    await claimed;
    assert.equal(await areaOf(t, answer), b.areaId);
    await assertStaged(dirB, answer);
    assert.equal(await exists(stagingDir(dirA, answer)), false, "the old holder's copy is gone");
    assert.deepEqual(await store.list("handoff/"), [], "the hand-off objects are deleted");
    // The new holder answers the next claim the same way.
    await a.claim(answer, { forWriting: true });
    await assertStaged(dirA, answer);
    assert.equal(await areaOf(t, answer), a.areaId);
  } finally {
    a.close();
    b.close();
  }
});

dbTest("a flush on stop hands staging over unasked; the next claim needs no holder", async () => {
  const t = await setupApp();
  const { a, b, dirA, dirB, store } = await twoAreas(t, 30_000);
  try {
    const answer = await recordingAnswer(t);
    await stage(a, dirA, answer);
    // Another answer whose candidate is connected elsewhere right now stays: it is being written.
    const written = await recordingAnswer(t);
    await stage(a, dirA, written);
    await t.deps.database.db.update(interviews).set({
      candidateConnectionId: "connection-elsewhere",
      candidateDisconnectedAt: null,
    }).where(eq(interviews.id, written.interviewId));
    await t.deps.database.db.update(interviews).set({ candidateDisconnectedAt: new Date() })
      .where(eq(interviews.id, answer.interviewId));
    // And one that another process of this area is finalizing right now stays too.
    const finalizing = await recordingAnswer(t);
    await stage(a, dirA, finalizing);
    await t.deps.database.db.update(questionAnswers).set({ status: "PROCESSING" })
      .where(eq(questionAnswers.id, finalizing.id));
    await t.deps.database.db.insert(jobs).values({
      kind: FINALIZE_JOB,
      dedupeKey: finalizeJobKey(finalizing.id),
      payload: { question_answer_id: finalizing.id },
      status: "running",
      lockedUntil: new Date(Date.now() + 60_000),
    });
    await a.flush(new Set());
    a.close();
    assert.equal(await areaOf(t, answer), STAGING_IN_STORE);
    assert.equal(await exists(stagingDir(dirA, answer)), false);
    assert.deepEqual(await store.list(handoffPrefix(answer)), [
      `${handoffPrefix(answer)}audio.part`,
      `${handoffPrefix(answer)}camera.raw`,
      `${handoffPrefix(answer)}manifest.json`,
    ]);
    for (const kept of [written, finalizing]) {
      assert.equal(await areaOf(t, kept), a.areaId);
      await assertStaged(dirA, kept);
    }
    const started = performance.now();
    await b.claim(answer);
    assert.ok(performance.now() - started < 5000, "no wait for the stopped holder");
    await assertStaged(dirB, answer);
    assert.equal(await areaOf(t, answer), b.areaId);
  } finally {
    a.close();
    b.close();
  }
});

dbTest("a move cut short by a crash is finished when its area starts again", async () => {
  const t = await setupApp();
  const { a, b, dirA, dirB, store, bus } = await twoAreas(t, 5000);
  try {
    const db = t.deps.database.db;
    const setMoving = (answer: StagedAnswerRef) =>
      db.update(questionAnswers).set({ stagingArea: `moving:${a.areaId}` })
        .where(eq(questionAnswers.id, answer.id));
    // Crashed before its manifest was written: the staging is still in A's folder.
    const notUploaded = await recordingAnswer(t);
    await stage(a, dirA, notUploaded);
    await setMoving(notUploaded);
    // Crashed after the manifest: the staging is in the store.
    const uploaded = await recordingAnswer(t);
    await stage(a, dirA, uploaded);
    assert.ok(await a.moveToStore(uploaded));
    await setMoving(uploaded);
    a.close();

    const restarted = await StagingHandoff.start({
      db,
      dataDir: dirA,
      store,
      bus,
      timeoutMs: 5000,
    });
    try {
      assert.equal(await areaOf(t, notUploaded), a.areaId);
      await assertStaged(dirA, notUploaded);
      assert.equal(await areaOf(t, uploaded), STAGING_IN_STORE);
      await b.claim(uploaded);
      await assertStaged(dirB, uploaded);
    } finally {
      restarted.close();
    }
  } finally {
    a.close();
    b.close();
  }
});

dbTest("a claim times out when the holder is gone, and succeeds once it is back", async () => {
  const t = await setupApp();
  const { a, b, dirA, dirB, store, bus } = await twoAreas(t, 600);
  try {
    const answer = await recordingAnswer(t);
    await stage(a, dirA, answer);
    a.close(); // killed: no flush, no answers
    const started = performance.now();
    await assert.rejects(b.claim(answer), (error) => {
      assert.ok(error instanceof StagingUnavailableError);
      assert.match(error.message, /did not hand it over within 0\.6 s/);
      return true;
    });
    const waited = performance.now() - started;
    assert.ok(waited >= 550 && waited < 4000, `waited ${waited} ms`);
    assert.equal(await areaOf(t, answer), a.areaId, "still the dead holder's");
    assert.ok(await exists(stagingDir(dirA, answer)), "nothing was deleted");
    // The holder comes back with its DATA_DIR: the same area, which answers the next claim.
    const back = await StagingHandoff.start({
      db: t.deps.database.db,
      dataDir: dirA,
      store,
      bus,
      timeoutMs: 600,
    });
    try {
      assert.equal(back.areaId, a.areaId);
      await b.claim(answer);
      await assertStaged(dirB, answer);
    } finally {
      back.close();
    }
  } finally {
    b.close();
  }
});

dbTest(
  "a claim waits for an upload that takes longer than the timeout while it goes on",
  async () => {
    const t = await setupApp();
    const bus = createLocalBus();
    const fs = createFsObjectStore(await testDataDir("interviewer-store-"));
    // A slow bucket: each file takes longer than the whole timeout.
    const store = {
      ...fs,
      putFile: async (key: string, path: string) => {
        await new Promise((resolve) => setTimeout(resolve, 900));
        await fs.putFile(key, path);
      },
    };
    const [dirA, dirB] = [await testDataDir(), await testDataDir()];
    const db = t.deps.database.db;
    const a = await StagingHandoff.start({ db, dataDir: dirA, store, bus, timeoutMs: 600 });
    const b = await StagingHandoff.start({ db, dataDir: dirB, store, bus, timeoutMs: 600 });
    try {
      const answer = await recordingAnswer(t);
      await stage(a, dirA, answer);
      const started = performance.now();
      await b.claim(answer);
      assert.ok(performance.now() - started > 1800, "both files took their time");
      await assertStaged(dirB, answer);
    } finally {
      a.close();
      b.close();
    }
  },
);

dbTest("a hand-off missing from the store is an error that names the fix", async () => {
  const t = await setupApp();
  const { a, b } = await twoAreas(t);
  try {
    const answer = await recordingAnswer(t);
    await t.deps.database.db.update(questionAnswers).set({ stagingArea: STAGING_IN_STORE })
      .where(eq(questionAnswers.id, answer.id));
    await assert.rejects(b.claim(answer), (error) => {
      assert.ok(error instanceof StagingUnavailableError);
      assert.match(error.message, /manifest\.json is missing .*STORAGE=s3/);
      return true;
    });
  } finally {
    a.close();
    b.close();
  }
});

dbTest("the sweeper removes staging another area took over, and keeps its own", async () => {
  const t = await setupApp();
  const { a, b, dirA, store } = await twoAreas(t);
  try {
    const [moved, kept] = [await recordingAnswer(t), await recordingAnswer(t)];
    await stage(a, dirA, moved);
    await stage(a, dirA, kept);
    await t.deps.database.db.update(questionAnswers).set({ stagingArea: b.areaId })
      .where(eq(questionAnswers.id, moved.id));
    // A hand-off left behind for an answer an area holds again is nobody's.
    await store.put(`${handoffPrefix(moved)}audio.part`, new Uint8Array(3));
    await removeLeftovers({
      db: t.deps.database.db,
      config: { ...t.deps.config, DATA_DIR: dirA },
      store,
      stagingArea: a.areaId,
    });
    assert.equal(await exists(stagingDir(dirA, moved)), false);
    await assertStaged(dirA, kept);
    assert.deepEqual(await store.list("handoff/"), []);
  } finally {
    a.close();
    b.close();
  }
});

// ---- whole services: two main.ts processes, separate DATA_DIRs, one PostgreSQL, one bucket

const DATABASE_URL = Deno.env.get("TEST_DATABASE_URL");
const withoutPgAndS3 = !DATABASE_URL || !TEST_S3_ENDPOINT;

/** Two service processes with their own DATA_DIRs on the test database and one fresh bucket. */
async function twoInstances(extra: Record<string, string> = {}) {
  const storage = await testStorageEnv();
  const dirs = [await testDataDir("interviewer-a-"), await testDataDir("interviewer-b-")];
  const ports = [freePort(), freePort()];
  const [a, b] = await Promise.all(
    [0, 1].map((i) => startProcess(serviceEnv(dirs[i], ports[i], { ...storage, ...extra }))),
  );
  const database = openPostgres(DATABASE_URL!, 2);
  const store = await createObjectStore(parseConfig(storage));
  const wsOf = (port: number, interviewId: number) =>
    `ws://127.0.0.1:${port}/realtime/interviews/${interviewId}`;
  return {
    a,
    b,
    dirs,
    ports,
    db: database.db,
    store,
    wsOf,
    async stop(...processes: ServiceProcess[]) {
      await Promise.all(processes.map(kill));
      await database.close();
    },
  };
}

/** The first halves (in whole chunks) of both recordings, sent on `client` and acknowledged. */
async function sendFirstHalves(
  client: InterviewClient,
  recordings: { camera: Uint8Array; audio: Uint8Array },
): Promise<{ camera: number; audio: number }> {
  const sent = { camera: 0, audio: 0 };
  for (const stream of ["camera", "audio"] as const) {
    const chunks = chunksOf(recordings[stream]);
    for (const chunk of chunks.slice(0, Math.floor(chunks.length / 2))) {
      await client.sendChunk(1, stream, chunk);
      sent[stream] += chunk.byteLength;
    }
  }
  await allAcked(client);
  return sent;
}

/** Sends both recordings whole (what the server has is acknowledged unwritten) and ends the answer. */
async function sendEverything(
  client: InterviewClient,
  recordings: { camera: Uint8Array; audio: Uint8Array },
): Promise<void> {
  for (const stream of ["camera", "audio"] as const) {
    for (const chunk of chunksOf(recordings[stream])) await client.sendChunk(1, stream, chunk);
  }
  await client.endAnswer(1);
}

type Db = Awaited<ReturnType<typeof twoInstances>>["db"];

async function answerRow(db: Db, interviewId: number, questionId = 1) {
  const [row] = await db.select().from(questionAnswers).where(and(
    eq(questionAnswers.interviewId, interviewId),
    eq(questionAnswers.questionId, questionId),
  ));
  return row;
}

/** Checks that the answer was finalized from every byte of both recordings. */
async function assertWhole(
  env: Awaited<ReturnType<typeof twoInstances>>,
  interviewId: number,
  recordings: { camera: Uint8Array; audio: Uint8Array },
): Promise<void> {
  const row = await answerRow(env.db, interviewId);
  assert.equal(row.status, "ANSWERED", row.failureReason ?? "");
  assert.deepEqual(row.media?.receivedBytes, {
    camera: recordings.camera.byteLength,
    audio: recordings.audio.byteLength,
  });
  assert.ok(row.cameraRecordingPath);
  const camera = await readObject(env.store, row.cameraRecordingPath);
  assert.ok(camera, `${row.cameraRecordingPath} is in the bucket`);
  const layout = readWebmLayout(camera);
  assert.ok(
    layout.durationSeconds !== null && Math.abs(layout.durationSeconds - 4) < 0.5,
    `the camera recording lasts the whole 4 s: ${layout.durationSeconds}`,
  );
  assert.deepEqual(await env.store.list("handoff/"), [], "no hand-off is left in the bucket");
}

function stagingOf(dataDir: string, interviewId: number): string {
  return join(dataDir, `recordings/${interviewId}/1/staging`);
}

liveTest(
  "separate DATA_DIRs: a candidate who moves to the other instance mid-answer loses nothing",
  async () => {
    const env = await twoInstances({ STAGING_HANDOFF_TIMEOUT_S: "20" });
    try {
      const recordings = await media();
      const { token, interviewId } = await newInterview(env.a.base, `moved${env.ports[0]}`);
      const onA = new InterviewClient({ url: env.wsOf(env.ports[0], interviewId), token });
      await onA.connect();
      await onA.startAnswer(1, ["camera", "audio"]);
      const sent = await sendFirstHalves(onA, recordings);
      assert.equal(
        (await Deno.stat(join(stagingOf(env.dirs[0], interviewId), "camera.part"))).size,
        sent.camera,
        "staged on A's disk",
      );

      // The candidate turns up at B while still connected to A: B takes the staging over.
      const raw = await RawPeer.open(`${env.wsOf(env.ports[1], interviewId)}?token=${token}`);
      const session = await raw.next("session");
      const streams = (session.answer as { streams: Record<string, { committed: number }> })
        .streams;
      assert.deepEqual(
        { camera: streams.camera.committed, audio: streams.audio.committed },
        sent,
        "B resumes at A's committed offsets",
      );
      if (onA.state !== "closed") await onA.waitFor("state", (d) => d.state === "closed", 10_000);
      assert.equal(onA.state, "closed", "A's connection was replaced (4000)");
      assert.equal(await exists(stagingOf(env.dirs[0], interviewId)), false, "A gave it up");
      await raw.close();

      const onB = new InterviewClient({ url: env.wsOf(env.ports[1], interviewId), token });
      await onB.connect();
      await onB.startAnswer(1, ["camera", "audio"]);
      await sendEverything(onB, recordings);
      const finalized = await onB.waitFor("finalized", undefined, 90_000);
      assert.equal((finalized.question as { status: string }).status, "ANSWERED");
      await assertWhole(env, interviewId, recordings);
      const areaB = (await Deno.readTextFile(join(env.dirs[1], STAGING_AREA_FILE))).trim();
      assert.equal((await answerRow(env.db, interviewId)).stagingArea, areaB);
      onB.close();
    } finally {
      await env.stop(env.a, env.b);
    }
  },
  withoutPgAndS3,
);

liveTest(
  "separate DATA_DIRs: an instance stopped mid-answer flushes it; the other resumes at once",
  async () => {
    // A long timeout: waiting for the stopped instance would show as a slow session.
    const env = await twoInstances({ STAGING_HANDOFF_TIMEOUT_S: "30" });
    try {
      const recordings = await media();
      const { token, interviewId } = await newInterview(env.a.base, `stopped${env.ports[0]}`);
      const onA = new InterviewClient({ url: env.wsOf(env.ports[0], interviewId), token });
      await onA.connect();
      await onA.startAnswer(1, ["camera", "audio"]);
      const sent = await sendFirstHalves(onA, recordings);

      env.a.child.kill("SIGTERM");
      assert.equal((await env.a.child.status).code, 0, env.a.output());
      onA.close();
      assert.equal((await answerRow(env.db, interviewId)).stagingArea, STAGING_IN_STORE);
      assert.equal(await exists(stagingOf(env.dirs[0], interviewId)), false);
      assert.ok(
        (await env.store.list("handoff/")).some((key) => key.endsWith("/manifest.json")),
        "the staging waits in the bucket",
      );

      const started = performance.now();
      const onB = new InterviewClient({ url: env.wsOf(env.ports[1], interviewId), token });
      const session = await onB.connect();
      assert.ok(performance.now() - started < 10_000, "B did not wait for the stopped instance");
      assert.equal(session.answer?.streams.camera?.committed, sent.camera);
      assert.equal(session.answer?.streams.audio?.committed, sent.audio);
      await onB.startAnswer(1, ["camera", "audio"]);
      await sendEverything(onB, recordings);
      await onB.waitFor("finalized", undefined, 90_000);
      await assertWhole(env, interviewId, recordings);
      onB.close();
    } finally {
      await env.stop(env.a, env.b);
    }
  },
  withoutPgAndS3,
);

liveTest(
  "separate DATA_DIRs: an instance killed mid-answer makes the other refuse with 1013, then the answer fails and the interview goes on",
  async () => {
    const env = await twoInstances({ STAGING_HANDOFF_TIMEOUT_S: "2", RECONNECT_GRACE_S: "3" });
    try {
      const recordings = await media();
      const { token, interviewId } = await newInterview(env.a.base, `killed${env.ports[0]}`, 2);
      const onA = new InterviewClient({ url: env.wsOf(env.ports[0], interviewId), token });
      await onA.connect();
      await onA.startAnswer(1, ["camera", "audio"]);
      await sendFirstHalves(onA, recordings);
      const said = "I reconciled the ledger before the month-end close.";
      onA.sendTranscript({ question_id: 1, text: said, is_final: true, start_ms: 0, end_ms: 900 });
      // Transcripts are inserted in batches: wait until this one is in the database.
      const stored = Date.now() + 10_000;
      while (
        (await env.db.select().from(transcriptSegments)
          .innerJoin(questionAnswers, eq(transcriptSegments.questionAnswerId, questionAnswers.id))
          .where(eq(questionAnswers.interviewId, interviewId))).length === 0
      ) {
        assert.ok(Date.now() < stored, "the transcript was not stored");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await kill(env.a);
      onA.close();

      const started = performance.now();
      const raw = await RawPeer.open(`${env.wsOf(env.ports[1], interviewId)}?token=${token}`);
      const refused = await raw.next("error", { code: "recording_unavailable" }, 15_000);
      assert.equal(await raw.closed(), 1013);
      const waited = performance.now() - started;
      assert.ok(waited >= 1900 && waited < 10_000, `refused after ${waited} ms`);
      assert.match(String(refused.message), /did not hand it over within 2 s/);
      assert.equal(raw.messages.filter((m) => m.type === "session").length, 0);
      assert.ok(await exists(stagingOf(env.dirs[0], interviewId)), "A's disk still has it");

      // The grace period runs from when the candidate left A; finalization cannot get the
      // staging either, and after its retries the answer fails with a reason that says why.
      let row = await answerRow(env.db, interviewId);
      const deadline = Date.now() + 90_000;
      while (row.status !== "FAILED" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        row = await answerRow(env.db, interviewId);
      }
      assert.equal(row.status, "FAILED");
      assert.match(row.failureReason ?? "", /did not hand it over/);
      // The recording is out of reach, but what the candidate said is kept and evaluated.
      assert.equal(row.answerText, said);
      assert.equal(typeof row.candidateScore, "number");

      const back = await RawPeer.open(`${env.wsOf(env.ports[1], interviewId)}?token=${token}`);
      const session = await back.next("session");
      assert.equal((session.interview as { status: string }).status, "in_progress");
      assert.equal((session.question as { question_id: number }).question_id, 2);
      assert.equal(session.answer, null);
      await back.close();
    } finally {
      await env.stop(env.a, env.b);
    }
  },
  withoutPgAndS3,
);
