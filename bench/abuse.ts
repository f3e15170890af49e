/**
 * Resilience benchmark (issue 8): runs every attack of `tests/adversarial/attacks/`
 * at full size against its own fresh `main.ts` (embedded PGlite, or PostgreSQL
 * with `BENCH_DATABASE_URL`), and reports for each: peak resident memory of the
 * service and its children above idle, `/health` p99 while it ran, and whether
 * the process survived. `--only NAME[,NAME]` runs a subset. It reads the
 * service's `/proc/<pid>/status`, which Deno allows only under `--allow-all`.
 *
 * Run: `npx -y deno@2.9.6 task bench:abuse`
 *
 * @module
 */
import type { Attack } from "../tests/adversarial/attacks/attack.ts";
import { watchHealth } from "../tests/adversarial/health_watch.ts";
import { readTreeRss, startServer } from "./processes.ts";

const ATTACKS_DIR = new URL("../tests/adversarial/attacks/", import.meta.url);
const SAMPLE_MS = 50;
const MB = 1024 * 1024;

/** One row of the report. */
interface AbuseResult {
  attack: string;
  item: number;
  idleMb: number;
  peakAboveIdleMb: number;
  healthP99Ms: number;
  healthFailures: string;
  survived: boolean;
  seconds: number;
  outcome: string;
}

async function loadAttacks(): Promise<Attack[]> {
  const attacks: Attack[] = [];
  const names = [...Deno.readDirSync(ATTACKS_DIR)].map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && n !== "attack.ts").sort();
  for (const name of names) {
    const module = await import(new URL(name, ATTACKS_DIR).href);
    attacks.push(...(module.attacks as Attack[] ?? []));
  }
  return attacks.sort((a, b) => a.item - b.item);
}

async function runOne(attack: Attack): Promise<AbuseResult> {
  const dataDir = await Deno.makeTempDir({ prefix: `abuse-${attack.name}-` });
  const logFile = `${dataDir}.log`;
  const server = await startServer({
    kind: "real",
    dataDir,
    logFile,
    databaseUrl: Deno.env.get("BENCH_DATABASE_URL") || undefined,
    // The service's own defaults, not the load benchmarks' (whose candidates share one address).
    env: {
      MAX_CONNECTIONS_PER_USER: "4",
      MAX_CONNECTIONS_PER_ADDRESS: "256",
      AUTH_ATTEMPTS_PER_ADDRESS: "30",
      ...attack.env,
    },
  });
  // Let start-up allocations settle before taking the idle figure.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = readTreeRss(server.pid);
  let peak = idle;
  let alive = true;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, readTreeRss(server.pid));
    } catch {
      alive = false;
    }
  }, SAMPLE_MS);
  const watch = watchHealth(server.base, { intervalMs: 100, deadlineMs: 5000 });
  const started = performance.now();
  let outcome: string;
  try {
    outcome = await attack.run({ base: server.base, pid: server.pid }, "full");
  } catch (error) {
    outcome = `attack stopped: ${error instanceof Error ? error.message : error}`;
  }
  const seconds = (performance.now() - started) / 1000;
  const health = await watch.stop();
  clearInterval(sampler);
  let survived = alive;
  if (survived) {
    try {
      const response = await fetch(`${server.base}/health`, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      survived = response.ok;
    } catch {
      survived = false;
    }
  }
  await server.stop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  if (survived) await Deno.remove(logFile).catch(() => {});
  return {
    attack: attack.name,
    item: attack.item,
    idleMb: Math.round(idle / MB),
    peakAboveIdleMb: Math.round((peak - idle) / MB),
    healthP99Ms: Math.round(health.p99Ms),
    healthFailures: `${health.failures}/${health.requests}`,
    survived,
    seconds: Math.round(seconds * 10) / 10,
    outcome: survived ? outcome : `${outcome} (log: ${logFile})`,
  };
}

const only = (() => {
  const index = Deno.args.indexOf("--only");
  return index >= 0 ? new Set(Deno.args[index + 1].split(",")) : undefined;
})();

const results: AbuseResult[] = [];
for (const attack of await loadAttacks()) {
  if (only && !only.has(attack.name)) continue;
  console.error(`== ${attack.item}. ${attack.name}`);
  const result = await runOne(attack);
  console.error(JSON.stringify(result));
  results.push(result);
}
console.log(
  "| item | attack | idle RSS MB | peak above idle MB | /health p99 ms | /health failed | survived | s | what the attacker got |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.item} | ${r.attack} | ${r.idleMb} | ${r.peakAboveIdleMb} | ${r.healthP99Ms} | ${r.healthFailures} | ${
      r.survived ? "yes" : "**no**"
    } | ${r.seconds} | ${r.outcome} |`,
  );
}
