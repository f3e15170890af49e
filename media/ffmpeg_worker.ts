/**
 * Worker that runs exactly one ffmpeg.wasm job and is then terminated by
 * {@link FfmpegPool}. Every job gets a fresh core instance because a reused
 * instance leaks state between runs and eventually fails.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import createFFmpegCore from "@ffmpeg/core";

/** A job posted to the worker by the pool. */
export interface FfmpegWorkerJob {
  /** The compiled `ffmpeg-core.wasm`, shared by all workers. */
  module: WebAssembly.Module;
  /** Which entry point of the core to run. */
  program: "ffmpeg" | "ffprobe";
  /** Arguments after the program name. */
  args: string[];
  /** Files written into the instance's MEMFS before the run, by name. */
  inputs: Record<string, Uint8Array>;
  /** Files read back from MEMFS after the run; missing ones are left out. */
  outputs: string[];
}

/** What the worker posts back: the run's result, or why it could not run. */
export type FfmpegWorkerReply =
  | {
    ok: true;
    exitCode: number;
    outputs: Record<string, Uint8Array>;
    /** The last {@link LOG_TAIL_CHARS} characters of ffmpeg's log. */
    log: string;
  }
  | { ok: false; error: string; log: string };

/** How much of ffmpeg's log is kept and posted back. */
export const LOG_TAIL_CHARS = 4096;

/** The parts of the Emscripten module of `@ffmpeg/core` 0.12 used here. */
interface FfmpegCore {
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
  };
  exec(...args: string[]): number;
  ffprobe(...args: string[]): number;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
}

/** Keeps only the end of a growing log so a chatty job cannot grow memory. */
class LogTail {
  #lines: string[] = [];
  #chars = 0;

  push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    while (this.#chars > LOG_TAIL_CHARS * 2 && this.#lines.length > 1) {
      this.#chars -= this.#lines.shift()!.length + 1;
    }
  }

  toString(): string {
    return this.#lines.join("\n").slice(-LOG_TAIL_CHARS);
  }
}

async function instantiate(module: WebAssembly.Module): Promise<FfmpegCore> {
  const factory = createFFmpegCore as (options: object) => Promise<FfmpegCore>;
  // Emscripten never settles its promise when the hook fails, so the failure races it.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => fail = reject);
  const ready = factory({
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module))
        .catch(fail);
      // Emscripten takes an empty object to mean "exports arrive via receive()".
      return {};
    },
  });
  return await Promise.race([ready, failed]);
}

function runJob(core: FfmpegCore, job: FfmpegWorkerJob, log: LogTail): FfmpegWorkerReply {
  for (const [name, bytes] of Object.entries(job.inputs)) core.FS.writeFile(name, bytes);
  const exitCode = job.program === "ffprobe" ? core.ffprobe(...job.args) : core.exec(...job.args);
  const outputs: Record<string, Uint8Array> = {};
  for (const name of job.outputs) {
    try {
      const bytes = core.FS.readFile(name);
      // Only a buffer the view covers whole can be transferred without leaking extra bytes.
      outputs[name] = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    } catch {
      // A missing output is reported by the pool, which knows the exit code.
    }
  }
  return { ok: true, exitCode, outputs, log: log.toString() };
}

self.onmessage = async (event: MessageEvent<FfmpegWorkerJob>) => {
  const log = new LogTail();
  let reply: FfmpegWorkerReply;
  try {
    const core = await instantiate(event.data.module);
    core.setLogger(({ message }) => log.push(message));
    reply = runJob(core, event.data, log);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { ok: false, error: message, log: log.toString() };
  }
  const transfer = reply.ok ? Object.values(reply.outputs).map((bytes) => bytes.buffer) : [];
  self.postMessage(reply, transfer as ArrayBuffer[]);
};
