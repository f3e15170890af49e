/**
 * CPU cost of each piece of the live ingest path, measured one piece at a
 * time as CPU time (process-wide `getrusage`, and PostgreSQL's backends from
 * `/proc`) rather than wall time, so the numbers hold on a busy shared
 * machine where a load test or a sampling profiler cannot tell waiting from
 * working. Multiplied by how often a candidate streaming camera, audio and a
 * transcript segment per second needs each piece, they show where the real
 * server's time per candidate goes.
 *
 * `npx -y deno@2.9.6 run -A bench/ingest_costs.ts` (starts a throw-away
 * PostgreSQL 15 and, for one interview to attach transcripts to, the service).
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { crc32 as nativeCrc32 } from "node:zlib";
import postgres from "postgres";
import { crc32 } from "../media/bytes.ts";
import { StreamWriter } from "../media/recordings.ts";
import { openPostgres } from "../db/client.ts";
import { transcriptSegments } from "../db/schema.ts";
import { createPostgresBus } from "../realtime/event_bus.ts";
import { parseClientMessage } from "../realtime/protocol.ts";
import { createCandidate, mapLimited, startInterview } from "./api.ts";
import { readProcessCpu, startServer, startTemporaryPostgres } from "./processes.ts";

const CAMERA_BYTES = 125_000;
const SESSIONS = 200;
const PER_SESSION = 10;
/** About what `BatchInsert`'s 20 ms window gathers from a few hundred candidates. */
const BATCH_ROWS = 10;

interface Cost {
  name: string;
  /** How many a candidate needs per second. */
  perCandidateSecond: number;
  ops: number;
  denoUs: number;
  postgresUs: number;
}

/** CPU seconds PostgreSQL's processes used since `since` (a `readProcessCpu` snapshot). */
function postgresCpuSince(since: ReturnType<typeof readProcessCpu>): number {
  let total = 0;
  for (const [pid, { name, seconds }] of readProcessCpu()) {
    if (name === "postgres") total += seconds - (since.get(pid)?.seconds ?? 0);
  }
  return total;
}

async function measure(
  name: string,
  perCandidateSecond: number,
  ops: number,
  work: () => unknown,
): Promise<Cost> {
  const processes = readProcessCpu();
  const before = cpuUsage();
  await work();
  const used = cpuUsage(before);
  const cost = {
    name,
    perCandidateSecond,
    ops,
    denoUs: (used.user + used.system) / ops,
    postgresUs: postgresCpuSince(processes) * 1e6 / ops,
  };
  console.error(`[costs] ${name}: ${cost.denoUs.toFixed(0)} µs + ${cost.postgresUs.toFixed(0)} µs`);
  return cost;
}

/** `SESSIONS` concurrent sessions doing `PER_SESSION` operations each, one after another. */
function sessions(operation: (session: number, i: number) => Promise<unknown>): Promise<unknown> {
  return mapLimited(Array.from({ length: SESSIONS }, (_, i) => i), SESSIONS, async (session) => {
    for (let i = 0; i < PER_SESSION; i++) await operation(session, i);
  });
}

const camera = new Uint8Array(CAMERA_BYTES);
crypto.getRandomValues(camera.subarray(0, 65_536));
const pg = await startTemporaryPostgres();
const root = await Deno.makeTempDir({ prefix: "bench-costs-" });
const costs: Cost[] = [];
try {
  // One real interview, made by the service, for the transcript rows to belong to.
  const server = await startServer({
    kind: "real",
    dataDir: `${root}/service`,
    logFile: `${root}/service.log`,
    databaseUrl: pg.url,
  });
  try {
    await startInterview(server.base, await createCandidate(server.base, "costs-1"), "Costs");
  } finally {
    await server.stop();
  }
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const [{ id: questionAnswerId }] = await sql`select id from question_answers limit 1`;
  await sql.end();

  costs.push(
    await measure("crc32 of a 125 KB camera chunk, portable (media/bytes.ts)", 0, 1000, () => {
      for (let i = 0; i < 1000; i++) crc32(camera);
    }),
    await measure("crc32 of a 125 KB camera chunk, native (node:zlib)", 1, 10_000, () => {
      for (let i = 0; i < 10_000; i++) nativeCrc32(camera);
    }),
  );
  const writers = await mapLimited(
    Array.from({ length: SESSIONS }, (_, i) => i + 1),
    16,
    (interview) => StreamWriter.open(`${root}/writers`, interview, 1, "camera"),
  );
  costs.push(
    await measure(
      "StreamWriter.write of a 125 KB chunk (write + fdatasync)",
      2,
      SESSIONS * PER_SESSION,
      () => sessions((s) => writers[s].write(writers[s].committed, camera)),
    ),
  );
  for (const writer of writers) writer.close();
  await Deno.mkdir(`${root}/append`);
  const files = await mapLimited(
    Array.from({ length: SESSIONS }, (_, i) => i),
    16,
    (i) => Deno.open(`${root}/append/${i}`, { append: true, create: true }),
  );
  costs.push(
    await measure(
      "append + fdatasync of a chunk (bare server)",
      0,
      SESSIONS * PER_SESSION,
      () =>
        sessions(async (s) => {
          await files[s].write(camera);
          await files[s].syncData();
        }),
    ),
  );
  for (const file of files) file.close();

  const transcript = JSON.stringify({
    type: "transcript",
    question_id: 1,
    text: "Second 7 of my answer: I would shard the queue by tenant and batch the writes.",
    is_final: true,
    start_ms: 7000,
    end_ms: 7990,
  });
  costs.push(
    await measure("parseClientMessage of a transcript (zod)", 1, 20_000, () => {
      for (let i = 0; i < 20_000; i++) parseClientMessage(transcript);
    }),
  );

  const database = openPostgres(pg.url, 10);
  costs.push(
    await measure(
      "INSERT of one transcript segment (drizzle, pool of 10)",
      0,
      SESSIONS * PER_SESSION,
      () =>
        sessions((_, i) =>
          database.db.insert(transcriptSegments).values({
            questionAnswerId,
            text: "Second 7 of my answer: I would shard the queue by tenant and batch the writes.",
            startMs: i * 1000,
            endMs: i * 1000 + 990,
          })
        ),
    ),
  );
  const rows = Array.from({ length: BATCH_ROWS }, (_, i) => ({
    questionAnswerId,
    text: "Second 7 of my answer: I would shard the queue by tenant and batch the writes.",
    startMs: i * 1000,
    endMs: i * 1000 + 990,
  }));
  costs.push(
    await measure(
      `the same, batched ${BATCH_ROWS} segments per INSERT, per segment`,
      1,
      BATCH_ROWS * 200,
      () =>
        mapLimited(
          Array.from({ length: 200 }),
          10,
          () => database.db.insert(transcriptSegments).values(rows),
        ),
    ),
  );
  const bus = await createPostgresBus(pg.url, database.db);
  const events = SESSIONS * PER_SESSION;
  let delivered = 0;
  const all = Promise.withResolvers<void>();
  bus.subscribe(() => {
    if (++delivered === events) all.resolve();
  });
  costs.push(
    await measure(
      "publish of a transcript or stream.stats event (NOTIFY, LISTEN, dispatch)",
      1.5,
      events,
      async () => {
        // About 1,500 events a second, as 1,000 candidates would send.
        for (let i = 0; i < events; i++) {
          bus.publish({
            interview_id: 1 + (i % SESSIONS),
            type: "transcript",
            question_id: 1,
            text: "Second 7 of my answer: I would shard the queue by tenant and batch the writes.",
            is_final: true,
            start_ms: 7000,
            end_ms: 7990,
          });
          if (i % 15 === 14) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await all.promise;
      },
    ),
  );
  await bus.close();
  await database.close();
} finally {
  await pg.stop();
  await Deno.remove(root, { recursive: true });
}

console.log(
  `\nCPU per operation (${SESSIONS} concurrent sessions where it applies); "per candidate" is ` +
    "the cost times how often one candidate streaming camera + audio + one final transcript " +
    "segment a second needs it as the server works now (stream.stats counts half an event a " +
    "second; 0 marks an alternative, shown for comparison).\n",
);
console.log("| operation | per candidate-second | Deno µs | PostgreSQL µs | per candidate µs/s |");
console.log("|---|--:|--:|--:|--:|");
let total = 0;
for (const cost of costs) {
  const perCandidate = cost.perCandidateSecond * (cost.denoUs + cost.postgresUs);
  total += perCandidate;
  console.log(
    `| ${cost.name} | ${cost.perCandidateSecond} | ${cost.denoUs.toFixed(0)} | ` +
      `${cost.postgresUs.toFixed(0)} | ${perCandidate.toFixed(0)} |`,
  );
}
console.log(`| **total of the pieces the server runs** | | | | **${total.toFixed(0)}** |`);
