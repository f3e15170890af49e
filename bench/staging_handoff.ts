/**
 * `deno run -A bench/staging_handoff.ts`: how long a candidate who moves to
 * another instance mid-answer waits for the answer's staging to follow them
 * (media/staging_handoff.ts): the holder uploads the staged streams to the
 * store, the claimer downloads and syncs them. Two staging areas (separate
 * folders) share one embedded database, one in-process event bus and one
 * store: a folder, or the S3-compatible server at `BENCH_S3_ENDPOINT` (e.g.
 * `scripts/temp_s3.sh start /tmp/s3 55600`; bucket `BENCH_S3_BUCKET`,
 * default `interviewer`). Prints a Markdown table: staged size, hand-off
 * time (median of 3) and the process's peak RSS above what it used before.
 *
 * @module
 */
import { parseConfig } from "../config.ts";
import { openPglite } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { interviews, questionAnswers, users } from "../db/schema.ts";
import { createLocalBus } from "../realtime/event_bus.ts";
import { createFsObjectStore, createObjectStore } from "../media/object_store.ts";
import { StreamWriter } from "../media/recordings.ts";
import { prepareDataDir } from "../media/storage.ts";
import { type StagedAnswerRef, StagingHandoff } from "../media/staging_handoff.ts";
import { setLogLevel } from "../log.ts";

const SIZES_MB = [16, 64, 256];
const RUNS = 3;
const PIECE = 1024 * 1024;

setLogLevel("error");

function progress(message: string): void {
  console.error(`[bench] ${message}`);
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const root = await Deno.makeTempDir({ prefix: "bench-handoff-" });
const s3Endpoint = Deno.env.get("BENCH_S3_ENDPOINT");
const store = s3Endpoint
  ? await createObjectStore(parseConfig({
    DATA_DIR: `${root}/unused`,
    STORAGE: "s3",
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: Deno.env.get("BENCH_S3_BUCKET") ?? "interviewer",
    S3_ACCESS_KEY_ID: Deno.env.get("BENCH_S3_ACCESS_KEY_ID") ?? "S3RVER",
    S3_SECRET_ACCESS_KEY: Deno.env.get("BENCH_S3_SECRET_ACCESS_KEY") ?? "S3RVER",
    S3_FORCE_PATH_STYLE: "true",
  }))
  : createFsObjectStore(`${root}/store`);
const database = await openPglite(`${root}/pgdata`);
await migrate(database.db);
const db = database.db;
const bus = createLocalBus();
async function start(dataDir: string): Promise<StagingHandoff> {
  await prepareDataDir(dataDir);
  return await StagingHandoff.start({ db, dataDir, store, bus, timeoutMs: 30_000 });
}
const [a, b] = [await start(`${root}/a`), await start(`${root}/b`)];

const [user] = await db.insert(users).values({
  username: "bench",
  password: "unused",
  userType: "candidate",
}).returning();

/** A recording answer whose camera stream of `megabytes` is staged in area `holder`. */
async function stagedAnswer(
  holder: StagingHandoff,
  dataDir: string,
  megabytes: number,
): Promise<StagedAnswerRef> {
  const [interview] = await db.insert(interviews).values({
    userId: user.id,
    interviewName: "hand-off",
    engine: "offline",
  }).returning();
  const [qa] = await db.insert(questionAnswers).values({
    userId: user.id,
    interviewId: interview.id,
    questionId: 1,
    questionText: "Walk me through a recent piece of work.",
    status: "RECORDING",
    topic: "work",
    questionKind: "experience",
    topicSource: "resume",
    keyPoints: [],
    position: 1,
    media: { streams: ["camera"], mimeTypes: {} },
  }).returning();
  const answer = { id: qa.id, interviewId: interview.id, questionId: 1 };
  await holder.claim(answer, { forWriting: true });
  const writer = await StreamWriter.open(dataDir, interview.id, 1, "camera");
  // Random bytes, as compressed media is: nothing along the way can shrink them.
  const piece = new Uint8Array(PIECE);
  for (let at = 0; at < PIECE; at += 65_536) {
    crypto.getRandomValues(piece.subarray(at, at + 65_536));
  }
  for (let offset = 0; offset < megabytes * PIECE; offset += PIECE) {
    await writer.write(offset, piece);
  }
  writer.close();
  return answer;
}

const rows: string[] = [];
for (const megabytes of SIZES_MB) {
  const times: number[] = [];
  let peak = 0;
  for (let run = 0; run < RUNS; run++) {
    // A new answer each run, staged in area a, so every claim by b really moves it.
    const answer = await stagedAnswer(a, `${root}/a`, megabytes);
    const before = Deno.memoryUsage().rss;
    let highest = before;
    const sampler = setInterval(() => highest = Math.max(highest, Deno.memoryUsage().rss), 20);
    const started = performance.now();
    await b.claim(answer);
    times.push(performance.now() - started);
    clearInterval(sampler);
    peak = Math.max(peak, highest - before);
    progress(`${megabytes} MB run ${run + 1}: ${Math.round(times.at(-1)!)} ms`);
  }
  rows.push(
    `| ${s3Endpoint ? "S3 (s3rver)" : "folder"} | ${megabytes} MB | ${
      Math.round(median(times))
    } ms | ${Math.round(peak / 2 ** 20)} MB |`,
  );
}
a.close();
b.close();
await database.close();
await Deno.remove(root, { recursive: true });
console.log("| store | staged answer | hand-off (median of 3) | peak RSS above start |");
console.log("| --- | --- | --- | --- |");
for (const row of rows) console.log(row);
