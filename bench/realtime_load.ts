/**
 * How many live candidates one server holds on this machine, against the
 * limit of a bare Deno WebSocket server doing the same I/O.
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/realtime_load.ts [--max N] [--seconds D] \
 *   [--only real|bare] [--min N] [--at N] [--profile DIR]
 * ```
 *
 * Starts a throw-away PostgreSQL 15, then for each server kind runs
 * `bench/load_client.ts` (its own process) at increasing N, each step on a
 * freshly started server with a fresh `DATA_DIR` that is deleted afterwards,
 * until p99 ack latency reaches 100 ms or a chunk is lost, then bisects the
 * gap to the first failure. Before each step it waits (boundedly) for the
 * machine to be quiet; a step that fails while other work took CPU is run
 * again, up to three times. `--min N` starts the climb at the first rung
 * from N (to re-measure near a known limit), `--at N` runs that one step
 * only, `--profile DIR` writes the server's V8 CPU profiles there. Then it
 * times the finalization of a 2-minute answer and prints a Markdown summary
 * on stdout (progress goes to stderr).
 *
 * @module
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { createCandidate, mapLimited } from "./api.ts";
import type { LoadResult } from "./load_client.ts";
import {
  type FinalizeResult,
  measureFinalization,
  twoMinuteRecordings,
} from "./finalize_latency.ts";
import {
  freeBytes,
  readDiskBusyMs,
  readMachineBusySeconds,
  readProcessCpu,
  readRss,
  type ServerOptions,
  type ServerProcess,
  startServer,
  startTemporaryPostgres,
} from "./processes.ts";

type Kind = "real" | "bare";

/** CPU used during the load window, in cores. */
interface Cpu {
  server: number;
  client: number;
  postgres: number;
  /**
   * The machine minus the three above: the kernel's own work (loopback TCP,
   * block I/O) and other work on a shared machine, short-lived processes included.
   */
  other: number;
  /** The largest processes among `other` that were alive at both ends of the window. */
  otherTop: string;
  /** The whole machine, interrupts included. */
  machine: number;
}

interface Step {
  kind: Kind;
  n: number;
  pass: boolean;
  load: LoadResult;
  /** Server RSS before the load, with every session open after it, and the peak, in bytes. */
  rss: { before: number; loaded: number; peak: number };
  cpu: Cpu;
}

type Snapshot = { processes: ReturnType<typeof readProcessCpu>; machine: number };

const P99_LIMIT_MS = 100;
const LADDER = [50, 100, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2400, 2800, 3200];
const BYTES_PER_CANDIDATE_SECOND = 130_000;
const DISK_RESERVE_BYTES = 3e9;
const RSS_SAMPLE_MS = 250;
const TIME_BUDGET_MS = 45 * 60_000;
const QUIET_CORES = 0.3;
const QUIET_DISK_SHARE = 0.1;
const QUIET_ATTEMPTS = 30;
/** A failed step with less CPU than this used by others is a verdict; with more, it is run again. */
const DISTURBED_CORES = 0.25;
const ATTEMPTS = 3;
const LOAD_CLIENT = new URL("./load_client.ts", import.meta.url).pathname;

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    max: { type: "string", default: "3200" },
    min: { type: "string", default: "0" },
    seconds: { type: "string", default: "20" },
    only: { type: "string" },
    at: { type: "string" },
    profile: { type: "string" },
  },
});
const minN = Number(args.min);
const maxN = Number(args.max);
const seconds = Number(args.seconds);
const kinds: Kind[] = args.only === "real" || args.only === "bare" ? [args.only] : ["real", "bare"];
const started = Date.now();
const root = await Deno.makeTempDir({ prefix: "bench-realtime-" });
const tokensFile = `${root}/tokens.json`;
const tokens: string[] = [];

function progress(message: string): void {
  console.error(`[realtime ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Signs up candidates until there are `n`; accounts and their tokens outlive server restarts. */
async function ensureCandidates(base: string, n: number): Promise<void> {
  if (tokens.length >= n) return;
  const first = tokens.length;
  progress(`signing up candidates ${first + 1} to ${n}`);
  const created = await mapLimited(
    Array.from({ length: n - first }, (_, i) => `load-candidate-${first + i + 1}`),
    4,
    (username) => createCandidate(base, username),
  );
  tokens.push(...created);
  await Deno.writeTextFile(tokensFile, JSON.stringify(tokens));
}

/** Waits, at most a minute, until other work leaves the cores and the disk alone. */
async function awaitQuietMachine(): Promise<void> {
  for (let attempt = 0; attempt < QUIET_ATTEMPTS; attempt++) {
    const cpu = readMachineBusySeconds();
    const disk = readDiskBusyMs();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const cores = (readMachineBusySeconds() - cpu) / 2;
    const diskShare = (readDiskBusyMs() - disk) / 2000;
    if (cores < QUIET_CORES && diskShare < QUIET_DISK_SHARE) return;
    if (attempt === 0) {
      progress(
        `waiting for other work: ${cores.toFixed(2)} cores busy, disk ${
          (diskShare * 100).toFixed(0)
        }% busy`,
      );
    }
  }
}

function snapshot(): Snapshot {
  return { processes: readProcessCpu(), machine: readMachineBusySeconds() };
}

/** Who used the CPU between two snapshots. */
function cpuBetween(start: Snapshot, end: Snapshot, pids: { server: number; client: number }): Cpu {
  const cores = (cpuSeconds: number) => Math.round(cpuSeconds / seconds * 100) / 100;
  let server = 0;
  let client = 0;
  let postgres = 0;
  const other = new Map<string, number>();
  for (const [pid, { name, seconds: used }] of end.processes) {
    const delta = used - (start.processes.get(pid)?.seconds ?? 0);
    if (pid === pids.server) server += delta;
    else if (pid === pids.client) client += delta;
    else if (name === "postgres") postgres += delta;
    else if (pid !== Deno.pid && delta > 0) other.set(name, (other.get(name) ?? 0) + delta);
  }
  const top = [...other].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const machine = end.machine - start.machine;
  return {
    server: cores(server),
    client: cores(client),
    postgres: cores(postgres),
    other: cores(Math.max(0, machine - server - client - postgres)),
    otherTop: top.map(([name, used]) => `${name} ${cores(used)}`).join(", "),
    machine: cores(machine),
  };
}

/** Runs `load_client.ts` against `server`, sampling the server's memory and the CPU meanwhile. */
async function drive(kind: Kind, server: ServerProcess, n: number): Promise<Omit<Step, "pass">> {
  const before = readRss(server.pid);
  let peak = before;
  let loaded = before;
  let windowStart: Snapshot | undefined;
  let windowEnd: Snapshot | undefined;
  const sampler = setInterval(() => peak = Math.max(peak, readRss(server.pid)), RSS_SAMPLE_MS);
  let windowTimer: ReturnType<typeof setTimeout> | undefined;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      LOAD_CLIENT,
      `--base=${server.base}`,
      `--n=${n}`,
      `--seconds=${seconds}`,
      ...(kind === "real" ? [`--tokens=${tokensFile}`] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let result: LoadResult | undefined;
  let buffered = "";
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (line.event === "streaming") {
        windowStart = snapshot();
        windowTimer = setTimeout(() => windowEnd = snapshot(), seconds * 1000);
      } else if (line.event === "measured") {
        loaded = readRss(server.pid);
      } else if (line.event === "result") {
        result = line;
      }
    }
  }
  const status = await child.status;
  clearInterval(sampler);
  clearTimeout(windowTimer);
  if (!result || !windowStart || !windowEnd) {
    throw new Error(`load_client exited with code ${status.code} before finishing`);
  }
  return {
    kind,
    n,
    load: result,
    rss: { before, loaded, peak },
    cpu: cpuBetween(windowStart, windowEnd, { server: server.pid, client: child.pid }),
  };
}

/** One load step on a freshly started server with an empty data folder. */
async function runStep(kind: Kind, n: number, databaseUrl: string): Promise<Step> {
  const needed = n * seconds * BYTES_PER_CANDIDATE_SECOND + DISK_RESERVE_BYTES;
  if ((await freeBytes(root)) < needed) throw new Error(`less than ${megabytes(needed)} free disk`);
  const dataDir = await Deno.makeTempDir({ dir: root, prefix: `${kind}-${n}-` });
  const options: ServerOptions = {
    kind,
    dataDir,
    logFile: `${root}/${kind}-server.log`,
    databaseUrl,
    cpuProfileDir: args.profile,
  };
  if (kind === "real" && tokens.length < n) {
    // On a server of its own, so the measured one starts without the sign-ups' memory.
    const signup = await startServer({ ...options, cpuProfileDir: undefined });
    try {
      await ensureCandidates(signup.base, n);
    } finally {
      await signup.stop();
    }
  }
  const server = await startServer(options);
  try {
    await awaitQuietMachine();
    progress(`${kind} server, N = ${n}`);
    const step = await drive(kind, server, n);
    const { load, cpu } = step;
    const pass = load.connected === n && load.lostChunks === 0 && load.reconnects === 0 &&
      load.ack.p99 < P99_LIMIT_MS;
    progress(
      `${kind} N=${n}: ${pass ? "held" : "FAILED"}; ack p50 ${load.ack.p50} p99 ${load.ack.p99} ` +
        `max ${load.ack.max} ms (first chunk p99 ${load.firstAck.p99}); lost ${load.lostChunks}; ${load.mbPerSecond} MB/s; cores: server ` +
        `${cpu.server}, client ${cpu.client}, postgres ${cpu.postgres}, other ${cpu.other} ` +
        `(${cpu.otherTop}), machine ${cpu.machine}; errors ${JSON.stringify(load.errors)}`,
    );
    return { ...step, pass };
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
    await new Deno.Command("sync").output();
    if (kind === "real") await retireInterviews(databaseUrl);
  }
}

/** Marks the step's interviews abandoned, so the next server's sweeper has nothing to look at. */
async function retireInterviews(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`update interviews set status = 'abandoned' where status = 'in_progress'`;
  } finally {
    await sql.end();
  }
}

/**
 * Runs `n` until it passes, at most {@link ATTEMPTS} times; a failure while
 * other work took little CPU ends it early. The machine is shared, so one
 * disturbed run is not a verdict.
 */
async function runAttempts(kind: Kind, n: number, databaseUrl: string, steps: Step[]) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const step = await runStep(kind, n, databaseUrl);
    steps.push(step);
    if (step.pass) return true;
    if (step.cpu.other < DISTURBED_CORES) return false;
  }
  return false;
}

/** Climbs the ladder until a step fails, then bisects; returns the largest N held. */
async function search(kind: Kind, databaseUrl: string, steps: Step[]): Promise<number> {
  let held = 0;
  let broke = Infinity;
  for (const n of LADDER.filter((n) => n >= minN && n <= maxN)) {
    if (Date.now() - started > TIME_BUDGET_MS) break;
    if (await runAttempts(kind, n, databaseUrl, steps)) held = n;
    else {
      broke = n;
      break;
    }
  }
  for (let round = 0; round < 2 && broke !== Infinity; round++) {
    if (Date.now() - started > TIME_BUDGET_MS || broke - held <= Math.max(50, held / 10)) break;
    const n = Math.round((held + broke) / 2 / 50) * 50;
    if (n <= held || n >= broke) break;
    if (await runAttempts(kind, n, databaseUrl, steps)) held = n;
    else broke = n;
  }
  return held;
}

function stepRow(step: Step): string {
  const { load, rss, cpu } = step;
  const perSession = Math.max(0, rss.loaded - rss.before) / step.n;
  const errors = Object.entries(load.errors).map(([code, count]) => `${code} ${count}`).join(", ");
  return `| ${step.kind} | ${step.n} | ${step.pass ? "yes" : "**no**"} | ${load.ack.p50} | ` +
    `${load.ack.p99} | ${load.ack.max} | ${load.firstAck.p99} | ${load.lostChunks} | ` +
    `${load.mbPerSecond} | ` +
    `${megabytes(rss.before)} → ${megabytes(rss.loaded)} (peak ${megabytes(rss.peak)}) | ` +
    `${(perSession / 1e3).toFixed(0)} KB | ${cpu.server} / ${cpu.client} / ${cpu.postgres} / ` +
    `${cpu.other} / ${cpu.machine} | ${load.clientLag.p99} | ${errors || "–"} |`;
}

function memoryPerSession(steps: Step[], kind: Kind, n: number): string {
  const step = steps.find((s) => s.kind === kind && s.n === n && s.pass);
  return step ? `${((step.rss.loaded - step.rss.before) / n / 1e3).toFixed(0)} KB` : "–";
}

const pg = await startTemporaryPostgres();
const steps: Step[] = [];
const held: Partial<Record<Kind, number>> = {};
const finalizations: FinalizeResult[] = [];
try {
  for (const kind of kinds) {
    if (args.at) {
      const step = await runStep(kind, Number(args.at), pg.url);
      steps.push(step);
      held[kind] = step.pass ? step.n : 0;
    } else {
      held[kind] = await search(kind, pg.url, steps);
    }
  }
  if (kinds.includes("real") && !args.at) {
    progress("finalization of a 2-minute answer (cold server, then warm)");
    const media = await twoMinuteRecordings();
    const dataDir = await Deno.makeTempDir({ dir: root, prefix: "finalize-" });
    const server = await startServer({
      kind: "real",
      dataDir,
      logFile: `${root}/finalize-server.log`,
      databaseUrl: pg.url,
    });
    try {
      await ensureCandidates(server.base, 1);
      for (let run = 0; run < 2; run++) {
        finalizations.push(await measureFinalization(server.base, tokens[0], media));
        progress(`finalization: ${JSON.stringify(finalizations.at(-1))}`);
      }
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  }
} finally {
  await pg.stop();
  await Deno.remove(root, { recursive: true });
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\n${steps.length} steps of ${seconds} s in ${minutes} min.\n`);
console.log(
  "| server | N | held | ack p50 ms | ack p99 ms | ack max ms | first-chunk ack p99 ms | " +
    "lost chunks | MB/s | server RSS " +
    "before → loaded (peak) | RSS per session | CPU cores: server / client / postgres / other / " +
    "machine | client lag p99 ms | errors |",
);
console.log("|---|--:|---|--:|--:|--:|--:|--:|--:|---|--:|---|--:|---|");
for (const step of steps) console.log(stepRow(step));
console.log("");
for (const kind of kinds) {
  console.log(
    `- Largest N held (${kind}): **${held[kind]}**; memory per session at that N: ` +
      memoryPerSession(steps, kind, held[kind] ?? 0),
  );
}
if (held.real !== undefined && held.bare) {
  console.log(`- Ratio real / bare: **${(100 * held.real / held.bare).toFixed(0)}%**`);
}
for (const [i, f] of finalizations.entries()) {
  console.log(
    `- Finalization of a 2-minute answer (${i === 0 ? "first on a fresh server" : "second"}): ` +
      `**${(f.finalizedMs / 1000).toFixed(2)} s** from answer.end to finalized ` +
      `(answer.accepted after ${f.acceptedMs} ms; upload of ${megabytes(f.cameraBytes)} camera + ` +
      `${megabytes(f.audioBytes)} audio took ${(f.uploadMs / 1000).toFixed(2)} s; status ` +
      `${f.status}${f.failureReason ? `: ${f.failureReason}` : ""})`,
  );
}
