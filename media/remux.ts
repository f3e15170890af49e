/**
 * Post-processing of recorded interview answers with ffmpeg.wasm: browser
 * MediaRecorder WebM has its header in the first chunk only and no duration
 * or cues, so players cannot seek in it until it is remuxed.
 *
 * Every function throws {@link FfmpegError} whose message says which
 * recording was wrong and why, e.g. "The camera recording could not be read:
 * invalid data found when processing input".
 *
 * @module
 */
import { FfmpegError, type FfmpegJob, type FfmpegPool } from "./ffmpeg.ts";

/** Options shared by the functions of this module. */
export interface MediaOptions {
  /** How error messages name the input, e.g. "camera recording". Default "recording". */
  label?: string;
  /** Overrides the pool's size-scaled timeout. */
  timeoutMs?: number;
}

/**
 * A recording in memory, or a host file that ffmpeg reads in place, never
 * holding it whole (use this for recordings of unbounded size).
 */
export type MediaInput = Uint8Array | { path: string };

/** Writes the result into the host file `outputPath` (created or truncated) instead of memory. */
export interface ToFile {
  outputPath: string;
}

/** What {@link probeMedia} found in a file. */
export interface MediaInfo {
  /** From the container's header; null when it has none, as in live WebM. */
  durationSeconds: number | null;
  /** Video and audio streams in file order; other kinds are left out. */
  streams: { kind: "video" | "audio"; codec: string }[];
}

// Random segment and track UIDs and a "Lavf" version string would make every
// remux of the same bytes differ; bitexact output can be compared and hashed.
const BITEXACT = ["-fflags", "+bitexact"];

/**
 * Rewrites a live WebM (e.g. the concatenated MediaRecorder chunks) into a
 * seekable one with a duration and cues, copying the packets unchanged.
 * Plain `-c copy` suffices, also for Chromium's own MediaRecorder output; no
 * `-fflags +genpts` is needed.
 *
 * A recording cut short (chunks lost at the end) is remuxed up to the cut:
 * the duration is that of what arrived, and the last, partial packet is kept
 * truncated. Cut inside its header, it fails with "the file ends before its
 * header is complete".
 */
export function remuxWebm(
  pool: FfmpegPool,
  input: MediaInput,
  options?: MediaOptions,
): Promise<Uint8Array>;
export function remuxWebm(
  pool: FfmpegPool,
  input: MediaInput,
  options: MediaOptions & ToFile,
): Promise<void>;
export async function remuxWebm(
  pool: FfmpegPool,
  input: MediaInput,
  options: MediaOptions & Partial<ToFile> = {},
): Promise<Uint8Array | void> {
  const label = options.label ?? "recording";
  return await runToOutput(pool, `Remuxing the ${label}`, { "in.webm": label }, {
    args: [
      "-hide_banner",
      ...["-i", "in.webm"],
      ...["-map", "0:v?", "-map", "0:a?", "-c", "copy"],
      ...BITEXACT,
      ...["-y", "-f", "webm", "out.webm"],
    ],
    inputs: { "in.webm": input },
    output: "out.webm",
    outputPath: options.outputPath,
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Joins seekable WebM recordings one after the other into one seekable WebM,
 * copying the packets: the segments of a stream that successive recorders
 * made (a page reloaded mid-answer starts a new recorder). Each input's
 * timestamps are shifted to start where the one before it ends, so the
 * result lasts the sum of their durations. The inputs must have the same
 * streams and codecs, as recordings of one recorder setup do; remux live
 * WebM first ({@link remuxWebm}), since the join needs each input's duration.
 */
export async function concatWebm(
  pool: FfmpegPool,
  inputs: MediaInput[],
  options: MediaOptions & ToFile,
): Promise<void> {
  const label = options.label ?? "recording";
  const named: Record<string, MediaInput> = {};
  const labels: Record<string, string> = {};
  inputs.forEach((input, index) => {
    named[`part${index}.webm`] = input;
    labels[`part${index}.webm`] = `${label} (part ${index + 1})`;
  });
  const list = ["ffconcat version 1.0", ...Object.keys(named).map((name) => `file ${name}`)];
  named["list.txt"] = new TextEncoder().encode(list.join("\n") + "\n");
  await runToOutput(pool, `Joining the parts of the ${label}`, labels, {
    args: [
      "-hide_banner",
      ...["-f", "concat", "-safe", "0", "-i", "list.txt"],
      ...["-map", "0:v?", "-map", "0:a?", "-c", "copy"],
      ...BITEXACT,
      ...["-y", "-f", "webm", "out.webm"],
    ],
    inputs: named,
    output: "out.webm",
    outputPath: options.outputPath,
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Makes one seekable WebM from the first video stream of the camera
 * recording and the first audio stream of the microphone recording; without
 * a microphone recording the camera's own audio is kept, if it has any.
 * Packets are copied, so both must hold WebM codecs (VP8/VP9/AV1, Opus/Vorbis).
 * Both keep their own timestamps, which start at 0 in each recording: if the
 * two recorders were started apart, that offset stays in the result.
 */
export function muxCombined(
  pool: FfmpegPool,
  video: MediaInput,
  audio: MediaInput | null,
  options?: Omit<MediaOptions, "label">,
): Promise<Uint8Array>;
export function muxCombined(
  pool: FfmpegPool,
  video: MediaInput,
  audio: MediaInput | null,
  options: Omit<MediaOptions, "label"> & ToFile,
): Promise<void>;
export async function muxCombined(
  pool: FfmpegPool,
  video: MediaInput,
  audio: MediaInput | null,
  options: Omit<MediaOptions, "label"> & Partial<ToFile> = {},
): Promise<Uint8Array | void> {
  const inputs: Record<string, MediaInput> = { "camera.webm": video };
  const args = ["-hide_banner", "-i", "camera.webm"];
  if (audio) {
    inputs["microphone.webm"] = audio;
    args.push("-i", "microphone.webm", "-map", "0:v:0", "-map", "1:a:0");
  } else {
    args.push("-map", "0:v:0", "-map", "0:a:0?");
  }
  args.push("-c", "copy", ...BITEXACT, "-y", "-f", "webm", "out.webm");
  const labels = { "camera.webm": "camera recording", "microphone.webm": "microphone recording" };
  return await runToOutput(pool, "Combining the camera and microphone recordings", labels, {
    args,
    inputs,
    output: "out.webm",
    outputPath: options.outputPath,
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Decodes the first audio stream into a 16 kHz mono 16-bit PCM WAV, the
 * input speech-to-text engines expect.
 */
export function extractWav(
  pool: FfmpegPool,
  audio: MediaInput,
  options?: MediaOptions,
): Promise<Uint8Array>;
export function extractWav(
  pool: FfmpegPool,
  audio: MediaInput,
  options: MediaOptions & ToFile,
): Promise<void>;
export async function extractWav(
  pool: FfmpegPool,
  audio: MediaInput,
  options: MediaOptions & Partial<ToFile> = {},
): Promise<Uint8Array | void> {
  const label = options.label ?? "recording";
  return await runToOutput(pool, `Extracting the audio of the ${label}`, { "in.webm": label }, {
    args: [
      "-hide_banner",
      ...["-i", "in.webm"],
      ...["-map", "0:a:0", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"],
      // Without bitexact the WAV gets a LIST chunk and no longer has the plain 44-byte header.
      ...BITEXACT,
      ...["-y", "-f", "wav", "out.wav"],
    ],
    inputs: { "in.webm": audio },
    output: "out.wav",
    outputPath: options.outputPath,
    timeoutMs: options.timeoutMs ?? decodeTimeoutMs(await sizeOf(audio)),
  });
}

/**
 * Reads the duration and streams of a media file with the ffprobe built into
 * `@ffmpeg/core` 0.12.10 (its JSON report, written with `-o`), so no parsing
 * of ffmpeg's human-readable log is needed. A live WebM has no duration in
 * its header, so it reports null until it is remuxed.
 */
export async function probeMedia(
  pool: FfmpegPool,
  input: MediaInput,
  options: MediaOptions = {},
): Promise<MediaInfo> {
  const label = options.label ?? "recording";
  const labels = { "in.media": label };
  const what = `Probing the ${label}`;
  let result;
  try {
    result = await pool.run({
      program: "ffprobe",
      args: [
        ...["-v", "error", "-print_format", "json", "-show_format", "-show_streams"],
        ...["-o", "probe.json", "in.media"],
      ],
      ...placeInputs({ "in.media": input }),
      outputs: ["probe.json"],
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    throw explain(error, what, labels);
  }
  const report = parseProbeReport(result.outputs["probe.json"]);
  // ffprobe's exit code is meaningless here, so a report without a format is the failure signal.
  if (!report?.format) {
    throw explain(new FfmpegError("ffprobe printed no report", { log: result.log }), what, labels);
  }
  const duration = Number(report.format.duration);
  return {
    durationSeconds: report.format.duration !== undefined && Number.isFinite(duration)
      ? duration
      : null,
    streams: (report.streams ?? []).flatMap((stream) =>
      stream.codec_type === "video" || stream.codec_type === "audio"
        ? [{ kind: stream.codec_type, codec: stream.codec_name ?? "unknown" }]
        : []
    ),
  };
}

interface ProbeReport {
  format?: { duration?: string };
  streams?: { codec_type?: string; codec_name?: string }[];
}

function parseProbeReport(bytes: Uint8Array): ProbeReport | null {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as ProbeReport;
  } catch {
    return null;
  }
}

/**
 * Decoding costs time per second of audio, not per byte: 1 MB of Opus at
 * 32 kbit/s is about 4 minutes and took about 0.6 s to decode here, so the
 * pool's default of 1 s per MB (meant for copying packets) leaves too little
 * room on a busy machine or at lower bitrates.
 */
function decodeTimeoutMs(inputBytes: number): number {
  return 30_000 + 3_000 * inputBytes / 1e6;
}

async function sizeOf(input: MediaInput): Promise<number> {
  return input instanceof Uint8Array ? input.byteLength : (await Deno.stat(input.path)).size;
}

/** Splits inputs into the job's in-memory files and the host files ffmpeg reads in place. */
function placeInputs(inputs: Record<string, MediaInput>): Pick<FfmpegJob, "inputs" | "inputFiles"> {
  const placed = {
    inputs: {} as Record<string, Uint8Array>,
    inputFiles: {} as Record<string, string>,
  };
  for (const [name, input] of Object.entries(inputs)) {
    if (input instanceof Uint8Array) placed.inputs[name] = input;
    else placed.inputFiles[name] = input.path;
  }
  return placed;
}

/** Runs a job with one output, returned in memory or written in place to `outputPath`. */
async function runToOutput(
  pool: FfmpegPool,
  what: string,
  labels: Record<string, string>,
  job: {
    args: string[];
    inputs: Record<string, MediaInput>;
    output: string;
    outputPath?: string;
    timeoutMs?: number;
  },
): Promise<Uint8Array | void> {
  try {
    const result = await pool.run({
      args: job.args,
      ...placeInputs(job.inputs),
      ...(job.outputPath
        ? { outputFiles: { [job.output]: job.outputPath } }
        : { outputs: [job.output] }),
      timeoutMs: job.timeoutMs,
    });
    if (!job.outputPath) return result.outputs[job.output];
  } catch (error) {
    throw explain(error, what, labels);
  }
}

/**
 * Turns ffmpeg's log into a sentence about the input that was wrong.
 * `labels` maps the in-memory file names, in input order, to how the user
 * knows them.
 */
function explain(error: unknown, what: string, labels: Record<string, string>): unknown {
  if (!(error instanceof FfmpegError)) return error;
  const options = { exitCode: error.exitCode, log: error.log, cause: error };
  const names = Object.keys(labels);
  const lines = error.log.split("\n").map((line) => line.trim()).filter(Boolean).reverse();
  for (const line of lines) {
    const separator = line.indexOf(": ");
    const name = line.slice(0, separator);
    if (separator > 0 && Object.hasOwn(labels, name)) {
      let reason = lowerFirst(line.slice(separator + 2));
      // The demuxer's bare "I/O error" means it hit the end of the data inside the header.
      if (reason === "I/O error" && error.log.includes("File ended prematurely")) {
        reason = "the file ends before its header is complete";
      }
      return new FfmpegError(`The ${labels[name]} could not be read: ${reason}`, options);
    }
    const unmatched = /^Stream map '(\d+):([va])/.exec(line);
    if (unmatched && names[Number(unmatched[1])]) {
      const kind = unmatched[2] === "v" ? "video" : "audio";
      const label = labels[names[Number(unmatched[1])]];
      return new FfmpegError(`The ${label} has no ${kind} stream`, options);
    }
  }
  // Without an exit code (timeout, worker crash, closed pool) the error's own message says more.
  const detail = error.exitCode === null
    ? undefined
    : lines.find((line) => !/^(Conversion failed!|Exiting normally|Aborted\(\))/.test(line));
  return new FfmpegError(`${what} failed: ${detail ?? error.message}`, options);
}

/** "Invalid data" becomes "invalid data" inside a sentence; "I/O error" stays. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
