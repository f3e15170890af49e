// Issue 8, items 9 and 11: finalizing a large answer without holding it in
// memory, no staging or temporary files left behind (also after a crash), and a DATA_DIR that
// other local users cannot read, whatever the umask.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../../config.ts";
import { interviews, questionAnswers } from "../../db/schema.ts";
import { createLocalBus } from "../../realtime/event_bus.ts";
import { startSweeper } from "../../realtime/sweeper.ts";
import { startService } from "../../service.ts";
import { createCandidate } from "../../bench/api.ts";
import { FfmpegPool } from "../../media/ffmpeg.ts";
import { makeLiveWebm } from "../fixtures/media.ts";
import { dbTest, setupApp, testDataDir } from "../helpers/app.ts";
import { recordAnswer } from "../helpers/candidate_data.ts";
import { testStorageEnv } from "../helpers/storage.ts";
import { filesBelow } from "../../media/storage.ts";
import { startLiveServer } from "../helpers/live_server.ts";
import { type RecordedFile, startLlmServer, transcriptionReply } from "../fixtures/llm_server.ts";
import { attacks, BIG_ANSWER_BYTES, recordBigAnswer } from "./attacks/media.ts";
import { assertStayedHealthy, watchHealth } from "./health_watch.ts";

/** Every file and folder under `dir`, with its permission bits. */
async function walk(dir: string, relative = ""): Promise<{ path: string; mode: number }[]> {
  const found: { path: string; mode: number }[] = [];
  for await (const entry of Deno.readDir(join(dir, relative))) {
    const path = join(relative, entry.name);
    found.push({ path, mode: (await Deno.lstat(join(dir, path))).mode! & 0o777 });
    if (entry.isDirectory) found.push(...await walk(dir, path));
  }
  return found;
}

dbTest("big-answer: finalizing a large answer does not hold it in memory", async () => {
  assert.equal(attacks[0].name, "big-answer");
  // On the test S3 server when there is one: the upload to the bucket is streamed too.
  const server = await startLiveServer(await testStorageEnv());
  // One small answer first: compiling ffmpeg's 32 MB wasm costs memory once per process.
  await recordAnswer(server.base, { camera: await recordedCamera() }, "A warm-up answer.");
  const watch = watchHealth(server.base);
  try {
    // Only finalization is measured: the upload's garbage (client and server in one process)
    // depends on when V8 collects, not on the server's design.
    let before = Infinity;
    let peak = 0;
    const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 10);
    const bytes = BIG_ANSWER_BYTES.small;
    const { question } = await recordBigAnswer(server.base, bytes, () => {
      before = Deno.memoryUsage().rss;
      peak = before;
    }).finally(() => clearInterval(sampler));
    assertStayedHealthy("big-answer", await watch.stop());
    assert.equal(question.status, "ANSWERED", String(question.failure_reason));
    const dataDir = server.deps.config.DATA_DIR;
    const camera = await server.deps.store.stat(String(question.camera_recording_path));
    assert.ok(camera && camera.size > bytes * 0.9, `camera.webm has ${camera?.size} bytes`);
    // Held in memory, the answer was there at least three times (read, copied to the worker,
    // written into ffmpeg's memory); streamed, the growth is one ffmpeg instance's, about 80 MB,
    // plus on S3 the multipart upload's parts in flight (8 MiB each), whatever the answer's size.
    // Less than the answer once tells the two apart (119 MB was seen on S3 under load).
    const grewMb = (peak - before) / 1e6;
    assert.ok(
      grewMb < bytes / 1e6,
      `memory grew by ${Math.round(grewMb)} MB finalizing a ${bytes / 1e6} MB answer`,
    );
    const left = await filesBelow(dataDir, "recordings");
    assert.ok(!left.some((path) => path.includes("staging")), `staging left: ${left}`);
    assert.ok(!left.some((path) => path.endsWith(".tmp")), `temporary files left: ${left}`);
  } finally {
    await watch.stop();
    await server.stop();
  }
});

dbTest("a FAILED answer's staging is deleted; its reason and transcript stay", async () => {
  const server = await startLiveServer(await testStorageEnv());
  try {
    const garbage = new Uint8Array(50_000).map((_, i) => (i * 7919) % 251);
    const { interviewId, questionId, token, question } = await recordAnswer(
      server.base,
      { camera: garbage },
      "My answer in words.",
    );
    assert.equal(question.status, "FAILED");
    const staging = join(
      server.deps.config.DATA_DIR,
      `recordings/${interviewId}/${questionId}/staging`,
    );
    await assert.rejects(Deno.stat(staging), Deno.errors.NotFound, "staging was kept");
    const details = await (await fetch(`${server.base}/api/performance/details/${interviewId}`, {
      headers: { authorization: `Bearer ${token}` },
    })).json();
    assert.equal(details.questions[0].status, "FAILED");
    assert.match(details.questions[0].failure_reason, /camera recording could not be read/);
    assert.equal(details.questions[0].answer_text, "My answer in words.");
  } finally {
    await server.stop();
  }
});

dbTest(
  "without a browser transcript, the finalized WAV is transcribed from its file",
  async () => {
    const provider = startLlmServer(() => transcriptionReply("spoken words"));
    const server = await startLiveServer({
      ...await testStorageEnv(),
      AI_TRANSCRIPTION_MODEL: "whisper-1",
      AI_TRANSCRIPTION_BASE_URL: provider.url,
      AI_TRANSCRIPTION_API_KEY: "sk-test",
    });
    try {
      const { question } = await recordAnswer(server.base, { camera: await recordedCamera() }, "");
      assert.equal(question.status, "ANSWERED", String(question.failure_reason));
      assert.equal(question.answer_text, "spoken words");
      const [request] = provider.requests;
      const file = request.form?.file as RecordedFile;
      // 3 s of 16 kHz mono 16-bit audio and the 44-byte header: the whole WAV, read from its file.
      assert.ok(Math.abs(file.bytes.length - (44 + 3 * 32_000)) < 3_200, `${file.bytes.length}`);
    } finally {
      await server.stop();
      await provider.close();
    }
  },
);

dbTest(
  "temporary files a crash left are removed at start-up, only old ones of our folders",
  async () => {
    const t = await setupApp();
    const dataDir = t.deps.config.DATA_DIR;
    const name = (base: string) => `${base}.${crypto.randomUUID()}.tmp`;
    const files = {
      oldRecording: `recordings/1/1/${name("camera.webm")}`,
      oldUpload: `uploads/jd/1/${name("a.pdf")}`,
      youngRecording: `recordings/1/2/${name("camera.webm")}`,
      database: `pgdata/${name("pg_wal")}`,
      notOurs: `recordings/1/1/notes.tmp`,
    };
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const [key, path] of Object.entries(files)) {
      await Deno.mkdir(join(dataDir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dataDir, path), "partial");
      if (key !== "youngRecording") await Deno.utime(join(dataDir, path), twoHoursAgo, twoHoursAgo);
    }
    const bus = createLocalBus();
    const sweeper = startSweeper({
      db: t.deps.database.db,
      config: t.deps.config,
      bus,
      pokeJobs() {},
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sweeper.stop();
    await bus.close();
    const exists = (path: string) => Deno.stat(join(dataDir, path)).then(() => true, () => false);
    assert.equal(await exists(files.oldRecording), false, "an old temporary recording stays");
    assert.equal(await exists(files.oldUpload), false, "an old temporary upload stays");
    assert.equal(await exists(files.youngRecording), true, "a live writer's file was removed");
    assert.equal(await exists(files.database), true, "the database's folder was touched");
    assert.equal(await exists(files.notOurs), true, "a file of another name was removed");
  },
);

dbTest(
  "staging a crash left is removed for final and deleted answers, kept for open ones",
  async () => {
    const t = await setupApp();
    const { db } = t.deps.database;
    const dataDir = t.deps.config.DATA_DIR;
    const { id: userId } = await t.user("stagingowner");
    const [interview] = await db.insert(interviews).values({
      userId,
      interviewName: "Crashed",
      engine: "offline",
    }).returning();
    const statuses = ["NEW", "RECORDING", "PROCESSING", "ANSWERED", "FAILED"];
    await db.insert(questionAnswers).values(statuses.map((status, i) => ({
      userId,
      interviewId: interview.id,
      questionId: i + 1,
      questionText: `Question ${i + 1}?`,
      status,
      topic: "PostgreSQL",
      questionKind: "technical" as const,
      topicSource: "both" as const,
      keyPoints: [],
      position: i + 1,
    })));
    // As a crash between storing the outcome and deleting staging leaves it; question 6
    // and interview 999999 have no row (deleted).
    const answers = [
      ...statuses.map((status, i) => ({ status, path: `recordings/${interview.id}/${i + 1}` })),
      { status: "deleted", path: `recordings/${interview.id}/6` },
      { status: "deleted", path: "recordings/999999/1" },
    ];
    for (const { path } of answers) {
      await Deno.mkdir(join(dataDir, path, "staging"), { recursive: true });
      await Deno.writeFile(join(dataDir, path, "staging/camera.raw"), new Uint8Array(1000));
    }
    await Deno.writeTextFile(join(dataDir, `recordings/${interview.id}/4/camera.webm`), "kept");
    const bus = createLocalBus();
    const sweeper = startSweeper({ db, config: t.deps.config, bus, pokeJobs() {} }, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sweeper.stop();
    await bus.close();
    const kept = [];
    for (const { status, path } of answers) {
      if (await Deno.stat(join(dataDir, path, "staging")).then(() => true, () => false)) {
        kept.push(status);
      }
    }
    assert.deepEqual(kept, ["NEW", "RECORDING", "PROCESSING"]);
    assert.equal(
      await Deno.readTextFile(join(dataDir, `recordings/${interview.id}/4/camera.webm`)),
      "kept",
      "a finalized file was removed with the staging",
    );
  },
);

Deno.test({
  name: "everything under DATA_DIR is private to the service's user, whatever the umask",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await testDataDir("interviewer-umask-");
    await Deno.chmod(dataDir, 0o777);
    const umask = Deno.umask(0o000);
    let service;
    try {
      service = await startService(parseConfig({
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "error",
      }));
      const base = `http://127.0.0.1:${service.port}`;
      const token = await createCandidate(base, "umaskcandidate");
      const form = new FormData();
      form.append("file", new Blob(["Resume: TypeScript and PostgreSQL."]), "resume.txt");
      const upload = await fetch(`${base}/jd_resume/upload_resume`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      assert.equal(upload.status, 201, await upload.text());
      const { question } = await recordAnswer(
        base,
        { camera: await recordedCamera() },
        "An answer that is recorded.",
      );
      assert.equal(question.status, "ANSWERED", String(question.failure_reason));
    } finally {
      await service?.stop();
      Deno.umask(umask);
    }
    const entries = [
      { path: ".", mode: (await Deno.stat(dataDir)).mode! & 0o777 },
      ...await walk(dataDir),
    ];
    for (const expected of ["jwt_secret", "pgdata/PG_VERSION", "uploads", "recordings"]) {
      assert.ok(entries.some((e) => e.path.startsWith(expected)), `no ${expected} was created`);
    }
    assert.ok(entries.some((e) => e.path.endsWith("combined.webm")), "no recording was finalized");
    const open = entries.filter((entry) => (entry.mode & 0o077) !== 0);
    assert.deepEqual(
      open.slice(0, 10).map((e) => `${e.path} ${e.mode.toString(8)}`),
      [],
      `${open.length} of ${entries.length} entries are group/other-accessible`,
    );
  },
});

async function recordedCamera(): Promise<Uint8Array> {
  const pool = new FfmpegPool();
  try {
    return await makeLiveWebm(pool, { seconds: 3, video: true, audio: true });
  } finally {
    pool.close();
  }
}
