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
  /** Host files ffmpeg reads in place (positioned reads, never loaded whole), by name. */
  inputFiles: Record<string, string>;
  /** Host files ffmpeg writes in place under the given names; they are created or truncated. */
  outputFiles: Record<string, string>;
}

/** What the worker posts back: the run's result, or why it could not run. */
export type FfmpegWorkerReply =
  | {
    ok: true;
    exitCode: number;
    outputs: Record<string, Uint8Array>;
    /** Names of the job's `outputFiles` that ffmpeg opened. */
    writtenFiles: string[];
    /** The last {@link LOG_TAIL_CHARS} characters of ffmpeg's log. */
    log: string;
  }
  | { ok: false; error: string; log: string };

/** How much of ffmpeg's log is kept and posted back. */
export const LOG_TAIL_CHARS = 4096;

/** An open file of Emscripten's FS, as device operations see it. */
interface FsStream {
  position: number;
}

/** Operations of a device registered with `FS.registerDevice`. */
interface DeviceOps {
  open(stream: FsStream): void;
  close(stream: FsStream): void;
  read(stream: FsStream, heap: Int8Array, offset: number, length: number, position: number): number;
  write(
    stream: FsStream,
    heap: Int8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  llseek(stream: FsStream, offset: number, whence: number): number;
}

interface FsNode {
  node_ops: { getattr(node: FsNode): { size: number } };
}

/** The parts of Emscripten's FS of `@ffmpeg/core` 0.12.10 used here. */
interface EmscriptenFs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: DeviceOps): void;
  mkdev(path: string, mode: number, dev: number): FsNode;
  ErrnoError: new (errno: number) => Error;
}

/** The parts of the Emscripten module of `@ffmpeg/core` 0.12 used here. */
interface FfmpegCore {
  FS: EmscriptenFs;
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

// Emscripten's errno values (its musl numbering, not Linux's).
const EIO = 29;
const EINVAL = 28;
// Majors below 64 belong to Emscripten's own devices (/dev/null, /dev/tty...).
let nextMajor = 200;

/**
 * Makes host file `file` appear as `name` in ffmpeg's file system without
 * loading it: a device node whose reads and writes go to the file at the
 * position ffmpeg asks for, so memory stays flat whatever the file's size.
 * `stat` reports the host file's real size (ffmpeg's file protocol takes the
 * size from fstat, and muxers seek back to finish headers). Returns whether
 * ffmpeg opened it.
 */
function mountHostFile(fs: EmscriptenFs, name: string, file: Deno.FsFile): () => boolean {
  let opened = false;
  const io = <T>(operation: () => T): T => {
    try {
      return operation();
    } catch {
      // Anything but an ErrnoError would abort the whole wasm instance.
      throw new fs.ErrnoError(EIO);
    }
  };
  const view = (heap: Int8Array, offset: number, length: number) =>
    new Uint8Array(heap.buffer, heap.byteOffset + offset, length);
  const dev = fs.makedev(nextMajor++, 0);
  fs.registerDevice(dev, {
    open() {
      opened = true;
    },
    close() {},
    read: (_stream, heap, offset, length, position) =>
      io(() => {
        file.seekSync(position, Deno.SeekMode.Start);
        return file.readSync(view(heap, offset, length)) ?? 0;
      }),
    write: (_stream, heap, offset, length, position) =>
      io(() => {
        file.seekSync(position, Deno.SeekMode.Start);
        const bytes = view(heap, offset, length);
        for (let done = 0; done < length;) done += file.writeSync(bytes.subarray(done));
        return length;
      }),
    llseek(stream, offset, whence) {
      const base = whence === 1
        ? stream.position
        : whence === 2
        ? io(() => file.statSync().size)
        : 0;
      if (base + offset < 0) throw new fs.ErrnoError(EINVAL);
      return base + offset;
    },
  });
  const node = fs.mkdev(name, 0o666, dev);
  const getattr = node.node_ops.getattr;
  // The node_ops object is shared by every device node, so this node gets its own.
  node.node_ops = {
    ...node.node_ops,
    getattr: (target) => ({ ...getattr(target), size: io(() => file.statSync().size) }),
  };
  return () => opened;
}

function runJob(
  core: FfmpegCore,
  job: FfmpegWorkerJob,
  log: LogTail,
  files: Deno.FsFile[],
): FfmpegWorkerReply {
  for (const [name, bytes] of Object.entries(job.inputs)) core.FS.writeFile(name, bytes);
  for (const [name, path] of Object.entries(job.inputFiles)) {
    const file = Deno.openSync(path, { read: true });
    files.push(file);
    mountHostFile(core.FS, name, file);
  }
  const written = Object.entries(job.outputFiles).map(([name, path]) => {
    const file = Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
    files.push(file);
    return { name, opened: mountHostFile(core.FS, name, file) };
  });
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
  const writtenFiles = written.filter((output) => output.opened()).map((output) => output.name);
  return { ok: true, exitCode, outputs, writtenFiles, log: log.toString() };
}

self.onmessage = async (event: MessageEvent<FfmpegWorkerJob>) => {
  const log = new LogTail();
  let reply: FfmpegWorkerReply;
  const files: Deno.FsFile[] = [];
  try {
    const core = await instantiate(event.data.module);
    core.setLogger(({ message }) => log.push(message));
    reply = runJob(core, event.data, log, files);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { ok: false, error: message, log: log.toString() };
  } finally {
    for (const file of files) file.close();
  }
  const transfer = reply.ok ? Object.values(reply.outputs).map((bytes) => bytes.buffer) : [];
  self.postMessage(reply, transfer as ArrayBuffer[]);
};
