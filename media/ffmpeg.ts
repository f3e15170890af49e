/**
 * A pool that runs ffmpeg.wasm (`@ffmpeg/core` 0.12, single-threaded) in
 * Workers, so no native ffmpeg is needed and the server's event loop never
 * runs ffmpeg itself.
 *
 * @module
 */
import type { FfmpegWorkerJob, FfmpegWorkerReply } from "./ffmpeg_worker.ts";

/** One ffmpeg (or ffprobe) run. */
export interface FfmpegJob {
  /** Arguments after the program name, e.g. `["-i", "in.webm", "-c", "copy", "out.webm"]`. */
  args: string[];
  /** Files to place in the instance's in-memory file system, by name. */
  inputs?: Record<string, Uint8Array>;
  /** Files to read back after a successful run; each must exist. */
  outputs?: string[];
  /**
   * Host files ffmpeg reads in place, by the name the arguments use, e.g.
   * `{ "in.webm": "/data/.../camera.raw" }`. They are never loaded whole, so
   * memory does not grow with their size.
   */
  inputFiles?: Record<string, string>;
  /**
   * Host files ffmpeg writes in place, by name; each is created or truncated
   * before the run (so the arguments need `-y`) and must be opened by ffmpeg.
   */
  outputFiles?: Record<string, string>;
  /**
   * `ffprobe` runs the core's ffprobe entry point instead of ffmpeg. Its exit
   * code means nothing (the 0.12.10 core always reports -1, ffmpegwasm/ffmpeg.wasm#817,
   * and FFmpeg 5.1's ffprobe exits 0 on errors), so it is not checked: judge an
   * ffprobe run by its output (write it with `-o file`) and its log.
   */
  program?: "ffmpeg" | "ffprobe";
  /** Overrides the pool's size-scaled timeout for this job. */
  timeoutMs?: number;
}

/** The result of a job that succeeded. */
export interface FfmpegResult {
  /** The requested in-memory output files, by name (`outputFiles` are on disk). */
  outputs: Record<string, Uint8Array>;
  /** The last 4 KB of ffmpeg's log. */
  log: string;
}

/** What the pool's hooks learn about a job. */
export interface FfmpegJobInfo {
  /** Increases by one per job submitted to this pool. */
  id: number;
  program: "ffmpeg" | "ffprobe";
  args: readonly string[];
  /** Total size of the job's input files, in memory and on the host. */
  inputBytes: number;
}

/** Settings of an {@link FfmpegPool}. */
export interface FfmpegPoolOptions {
  /** Jobs run at once; the rest wait in submission order. Default 2, one per core here. */
  concurrency?: number;
  /** Timeout of a job with no input. Default 30 s. */
  baseTimeoutMs?: number;
  /** Timeout added per MB (10^6 bytes) of input. Default 1 s. */
  timeoutMsPerMegabyte?: number;
  /** Called when a job's worker is started. */
  onJobStart?: (job: FfmpegJobInfo) => void;
  /** Called when a job has finished, failed or timed out, before its promise settles. */
  onJobEnd?: (job: FfmpegJobInfo) => void;
}

/** ffmpeg failed, timed out, or could not run; `log` holds the end of its log. */
export class FfmpegError extends Error {
  /** ffmpeg's exit code, or null if it did not exit by itself. */
  readonly exitCode: number | null;
  /** The last 4 KB of ffmpeg's log (empty if it never ran). */
  readonly log: string;

  /** Creates an error; `options.cause` keeps the lower-level error. */
  constructor(
    message: string,
    options: { exitCode?: number | null; log?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "FfmpegError";
    this.exitCode = options.exitCode ?? null;
    this.log = options.log ?? "";
  }
}

interface Pending {
  info: FfmpegJobInfo;
  job: FfmpegJob;
  resolve: (result: FfmpegResult) => void;
  reject: (error: FfmpegError) => void;
}

interface Running {
  /** Unset while the wasm is still being compiled. */
  worker?: Worker;
  timer?: ReturnType<typeof setTimeout>;
  pending: Pending;
}

/**
 * Runs ffmpeg.wasm jobs in Workers: the 32 MB wasm is compiled once, on first
 * use, and every job gets a new Worker with a fresh instance that is
 * terminated afterwards (a reused instance leaks state). Terminating the
 * Worker is also the only way to stop a job that hangs, hence the timeout.
 *
 * ```ts
 * const pool = new FfmpegPool({ concurrency: 2 });
 * const { outputs } = await pool.run({
 *   args: ["-i", "in.webm", "-c", "copy", "out.webm"],
 *   inputs: { "in.webm": bytes },
 *   outputs: ["out.webm"],
 * });
 * pool.close();
 * ```
 */
export class FfmpegPool {
  readonly #concurrency: number;
  readonly #baseTimeoutMs: number;
  readonly #timeoutMsPerMegabyte: number;
  readonly #onJobStart?: (job: FfmpegJobInfo) => void;
  readonly #onJobEnd?: (job: FfmpegJobInfo) => void;
  #module?: Promise<WebAssembly.Module>;
  #queue: Pending[] = [];
  #running = new Set<Running>();
  #nextId = 1;
  #closed = false;

  /** Creates an idle pool; nothing is compiled until the first job. */
  constructor(options: FfmpegPoolOptions = {}) {
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
    this.#baseTimeoutMs = options.baseTimeoutMs ?? 30_000;
    this.#timeoutMsPerMegabyte = options.timeoutMsPerMegabyte ?? 1_000;
    this.#onJobStart = options.onJobStart;
    this.#onJobEnd = options.onJobEnd;
  }

  /**
   * Queues a job and resolves with its outputs; rejects with
   * {@link FfmpegError} on a non-zero exit, a missing output, a timeout or
   * {@link close}.
   */
  run(job: FfmpegJob): Promise<FfmpegResult> {
    if (this.#closed) return Promise.reject(new FfmpegError("The ffmpeg pool is closed"));
    const info: FfmpegJobInfo = {
      id: this.#nextId++,
      program: job.program ?? "ffmpeg",
      args: [...job.args],
      inputBytes: Object.values(job.inputs ?? {}).reduce((sum, b) => sum + b.byteLength, 0) +
        Object.values(job.inputFiles ?? {}).reduce((sum, path) => sum + hostFileSize(path), 0),
    };
    return new Promise((resolve, reject) => {
      this.#queue.push({ info, job, resolve, reject });
      this.#startNext();
    });
  }

  /** Terminates running jobs and rejects them and all queued ones. */
  close(): void {
    this.#closed = true;
    const error = () => new FfmpegError("The ffmpeg pool was closed before the job finished");
    for (const pending of this.#queue.splice(0)) pending.reject(error());
    for (const running of [...this.#running]) this.#finish(running, () => error());
    this.#module = undefined;
  }

  #compile(): Promise<WebAssembly.Module> {
    if (!this.#module) {
      const compiling = (async () => {
        const url = new URL(import.meta.resolve("@ffmpeg/core/wasm"));
        return await WebAssembly.compile(await Deno.readFile(url));
      })();
      // A failed compile (e.g. missing read permission) may succeed on a later job.
      compiling.catch(() => {
        if (this.#module === compiling) this.#module = undefined;
      });
      this.#module = compiling;
    }
    return this.#module;
  }

  #startNext(): void {
    while (!this.#closed && this.#running.size < this.#concurrency && this.#queue.length > 0) {
      const pending = this.#queue.shift()!;
      // Reserve the slot before the asynchronous compile so the limit holds.
      const running: Running = { pending };
      this.#running.add(running);
      this.#compile()
        .then((module) => this.#launch(running, module))
        .catch((cause) => {
          const message = `ffmpeg.wasm could not be started: ${errorText(cause)}`;
          this.#finish(running, () => new FfmpegError(message, { cause }));
        });
    }
  }

  #launch(running: Running, module: WebAssembly.Module): void {
    if (!this.#running.has(running)) return;
    const { info, job } = running.pending;
    const timeoutMs = job.timeoutMs ??
      this.#baseTimeoutMs + this.#timeoutMsPerMegabyte * info.inputBytes / 1e6;
    const worker = new Worker(new URL("./ffmpeg_worker.ts", import.meta.url), { type: "module" });
    running.worker = worker;
    this.#onJobStart?.(info);
    running.timer = setTimeout(() => {
      this.#finish(running, () =>
        new FfmpegError(
          `${info.program} timed out after ${formatSeconds(timeoutMs)} s running ${
            summarize(info.args)
          }`,
        ));
    }, timeoutMs);
    worker.onmessage = (event: MessageEvent<FfmpegWorkerReply>) => {
      const reply = event.data;
      this.#finish(running, () =>
        reply.ok ? checkReply(info, job, reply) : new FfmpegError(
          `${info.program} could not run ${summarize(info.args)}: ${reply.error}`,
          { log: reply.log },
        ));
    };
    worker.onerror = (event) => {
      // Without preventDefault an error in the worker is rethrown on the main thread.
      event.preventDefault();
      this.#finish(
        running,
        () =>
          new FfmpegError(
            `The ffmpeg worker failed running ${summarize(info.args)}: ${event.message}`,
          ),
      );
    };
    const message: FfmpegWorkerJob = {
      module,
      program: info.program,
      args: info.args.slice(),
      inputs: job.inputs ?? {},
      outputs: job.outputs ?? [],
      inputFiles: job.inputFiles ?? {},
      outputFiles: job.outputFiles ?? {},
    };
    worker.postMessage(message);
  }

  /** Ends a job exactly once, frees its slot and starts the next one. */
  #finish(running: Running, settle: () => FfmpegResult | FfmpegError): void {
    if (!this.#running.delete(running)) return;
    clearTimeout(running.timer);
    running.worker?.terminate();
    const { info, resolve, reject } = running.pending;
    if (running.worker) this.#onJobEnd?.(info);
    const outcome = settle();
    if (outcome instanceof FfmpegError) reject(outcome);
    else resolve(outcome);
    this.#startNext();
  }
}

function checkReply(
  info: FfmpegJobInfo,
  job: FfmpegJob,
  reply: Extract<FfmpegWorkerReply, { ok: true }>,
): FfmpegResult | FfmpegError {
  const { exitCode, log } = reply;
  if (info.program === "ffmpeg" && exitCode !== 0) {
    return new FfmpegError(
      `${info.program} exited with code ${exitCode} running ${summarize(info.args)}:\n${
        lastLines(log, 8)
      }`,
      { exitCode, log },
    );
  }
  const missing = [
    ...(job.outputs ?? []).filter((name) => !(name in reply.outputs)),
    ...Object.keys(job.outputFiles ?? {}).filter((name) => !reply.writtenFiles.includes(name)),
  ];
  if (missing.length > 0) {
    return new FfmpegError(
      `${info.program} wrote no ${missing.join(", ")} running ${summarize(info.args)}`,
      { exitCode, log },
    );
  }
  return { outputs: reply.outputs, log };
}

/** The size of a host input, for the timeout; a missing file fails in the worker with its own message. */
function hostFileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

function summarize(args: readonly string[]): string {
  const text = args.join(" ");
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function lastLines(log: string, count: number): string {
  return log.trimEnd().split("\n").slice(-count).join("\n");
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
