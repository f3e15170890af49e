/**
 * Summarizes a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions
 * with the most self time and the most total time (callees included).
 *
 * `deno run --allow-read bench/cpu_profile_top.ts <file.cpuprofile> [rows]`
 *
 * @module
 */

const BUCKET_US = 5_000_000;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\/.*?\/work\/main\//, "").replace(/^.*\/node_modules\//, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

function print(title: string, times: Map<string, number>, total: number, rows: number): void {
  console.log(`\n${title}\n| ms | % | function |\n|--:|--:|---|`);
  const sorted = [...times].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [name, us] of sorted) {
    console.log(`| ${(us / 1000).toFixed(0)} | ${(100 * us / total).toFixed(1)} | ${name} |`);
  }
}

const [path, rowsArg] = Deno.args;
if (!path) throw new Error("usage: cpu_profile_top.ts <file.cpuprofile> [rows]");
const profile: Profile = JSON.parse(await Deno.readTextFile(path));
const rows = Number(rowsArg ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parent.set(child, node.id);
}

const selfTime = new Map<string, number>();
const totalTime = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i] ?? 0;
  const node = byId.get(profile.samples[i])!;
  total += us;
  selfTime.set(label(node), (selfTime.get(label(node)) ?? 0) + us);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const name = label(byId.get(id)!);
    if (seen.has(name)) continue;
    seen.add(name);
    totalTime.set(name, (totalTime.get(name) ?? 0) + us);
  }
}
const idle = selfTime.get("(idle)") ?? 0;
const buckets: { busy: number; all: number }[] = [];
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  const bucket = buckets[Math.floor(clock / BUCKET_US)] ??= { busy: 0, all: 0 };
  bucket.all += profile.timeDeltas[i] ?? 0;
  if (label(byId.get(profile.samples[i])!) !== "(idle)") bucket.busy += profile.timeDeltas[i] ?? 0;
}
console.log(
  `${path}: ${(total / 1e6).toFixed(1)} s sampled, ${(idle / 1e6).toFixed(1)} s idle, ` +
    `${((total - idle) / 1e6).toFixed(1)} s busy on the main thread`,
);
console.log(
  `Main thread busy per ${BUCKET_US / 1e6} s: ` +
    buckets.map((b) => `${Math.round(100 * b.busy / Math.max(1, b.all))}%`).join(" "),
);
print("Self time", selfTime, total, rows);
print("Total time (callees included)", totalTime, total, rows);
