/**
 * `deno run -A bench/finalize_media.ts`: what finalizing one 2-minute answer
 * costs with ffmpeg.wasm, through the path the server uses: ffmpeg reads the
 * staged files and writes its outputs in place on disk (`{ path }` inputs,
 * `outputPath` outputs), so no recording is held in memory. Inputs are shaped
 * like MediaRecorder output (live WebM): a camera recording (640x480 15 fps
 * VP8 at ~1 Mbit/s with Opus) and a separate microphone recording (Opus at
 * ~32 kbit/s). They are encoded once and cached under `.test-cache/media/`.
 * Prints a Markdown table of the median of 3 runs and the peak RSS of the
 * process (Workers included).
 *
 * @module
 */
import { join } from "node:path";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { extractWav, muxCombined, remuxWebm } from "../media/remux.ts";
import { twoMinuteRecordings } from "./finalize_latency.ts";

const SECONDS = 120;
const RUNS = 3;

function progress(message: string): void {
  console.error(`[bench] ${message}`);
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Writes the inputs to `dir` as the server stages them; their bytes are not kept in memory. */
async function stageInputs(dir: string) {
  const recordings = await twoMinuteRecordings();
  const camera = { path: join(dir, "camera.raw") };
  const microphone = { path: join(dir, "audio.raw") };
  await Deno.writeFile(camera.path, recordings.camera);
  await Deno.writeFile(microphone.path, recordings.audio);
  return { camera, microphone };
}

const pool = new FfmpegPool();
const dir = await Deno.makeTempDir({ prefix: "finalize-bench-" });
progress("preparing inputs (encoded only on the first run, then cached)");
const { camera, microphone } = await stageInputs(dir);
let outputs = 0;
/** A fresh output file in `dir`, so jobs submitted at once never share one. */
const output = (name: string) => join(dir, `${outputs++}-${name}`);

let peakRss = Deno.memoryUsage().rss;
const baselineRss = peakRss;
const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 10);

// The first job pays for compiling the wasm; the server pays that once per process.
const firstJob = await timed(() =>
  remuxWebm(pool, microphone, { outputPath: output("warm-up.webm") })
);

/** Each step writes a new file and resolves with its size. */
const steps: Record<string, () => Promise<number>> = {
  "remuxWebm(camera)": () =>
    toFile(
      "camera.webm",
      (outputPath) => remuxWebm(pool, camera, { label: "camera recording", outputPath }),
    ),
  "remuxWebm(microphone)": () =>
    toFile(
      "audio.webm",
      (outputPath) => remuxWebm(pool, microphone, { label: "microphone recording", outputPath }),
    ),
  "muxCombined(camera, microphone)": () =>
    toFile("combined.webm", (outputPath) => muxCombined(pool, camera, microphone, { outputPath })),
  "extractWav(microphone)": () =>
    toFile(
      "audio.wav",
      (outputPath) => extractWav(pool, microphone, { label: "microphone recording", outputPath }),
    ),
};

/** Runs `write` into a new file, removes the file and returns its size. */
async function toFile(name: string, write: (path: string) => Promise<void>): Promise<number> {
  const path = output(name);
  await write(path);
  const { size } = await Deno.stat(path);
  await Deno.remove(path);
  return size;
}
const times = new Map<string, number[]>();
const outputSizes = new Map<string, number>();
const record = (name: string, ms: number) => times.set(name, [...times.get(name) ?? [], ms]);
for (let run = 1; run <= RUNS; run++) {
  progress(`run ${run} of ${RUNS}`);
  const runStarted = performance.now();
  for (const [name, step] of Object.entries(steps)) {
    const { ms, value } = await timed(step);
    record(name, ms);
    outputSizes.set(name, value);
  }
  record("total, one after another", performance.now() - runStarted);
  // A finalizer can submit all four at once; the pool runs two at a time.
  const parallel = await timed(() => Promise.all(Object.values(steps).map((step) => step())));
  record(`total, all submitted at once (pool of 2)`, parallel.ms);
}
clearInterval(sampler);
pool.close();
const inputBytes = {
  camera: (await Deno.stat(camera.path)).size,
  microphone: (await Deno.stat(microphone.path)).size,
};
await Deno.remove(dir, { recursive: true });

const cpu = navigator.hardwareConcurrency;
console.log(
  `Inputs: camera ${megabytes(inputBytes.camera)} (${SECONDS} s live WebM, VP8 640x480 15 fps ` +
    `~1 Mbit/s + Opus), microphone ${megabytes(inputBytes.microphone)} (${SECONDS} s Opus ` +
    `~32 kbit/s), read from files; outputs written to files. ${cpu} CPUs, median of ${RUNS} ` +
    `runs.\n`,
);
console.log("| Step | p50 | min | max | Output |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, values] of times) {
  const size = outputSizes.get(name);
  console.log(
    `| ${name} | ${median(values).toFixed(0)} ms | ${Math.min(...values).toFixed(0)} ms | ` +
      `${Math.max(...values).toFixed(0)} ms | ${size === undefined ? "" : megabytes(size)} |`,
  );
}
console.log(
  `\nFirst job including wasm compile: ${firstJob.ms.toFixed(0)} ms. ` +
    `RSS: ${megabytes(baselineRss)} before the jobs, peak ${megabytes(peakRss)}.`,
);
