/**
 * One step of `bench/realtime_load.ts`, run as its own process so that the
 * load and the server each have an event loop. Opens N simulated candidates
 * with `InterviewClient` and ramps them up: each starts its answer and sends
 * a first chunk per stream, whose ack is timed apart (the server opens the
 * stream's file then). Then for D seconds each sends per second a camera
 * chunk (~1 Mbit/s), an audio chunk (~32 kbit/s) and a final transcript
 * segment, at its own phase within the second, and the time from `sendChunk`
 * to the `ack` that covers the chunk is measured. Answers are never ended:
 * this measures ingest only.
 *
 * ```sh
 * deno run -A bench/load_client.ts --base http://127.0.0.1:8000 --n 200 \
 *   [--seconds 20] [--ramp 3] [--grace 10] [--tokens tokens.json]
 * ```
 *
 * With `--tokens` (a JSON array of candidate tokens, one per candidate) it
 * starts a one-question interview per candidate through the HTTP API first;
 * without, it drives a bare server (`bench/bare_ws_server.ts`) that needs no
 * interviews. Prints JSON lines on stdout: `{"event":"streaming"}` when the
 * load starts, `{"event":"measured"}` when it is over and every candidate is
 * still connected (for sampling server memory), then the {@link LoadResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { crc32 } from "node:zlib";
import { InterviewClient } from "../realtime/client.ts";
import { FRAME_HEADER_BYTES, type StreamName } from "../realtime/frame.ts";
import { mapLimited, startInterview } from "./api.ts";

const CAMERA_BYTES = 125_000;
const AUDIO_BYTES = 4_000;
const CONNECT_TIMEOUT_MS = 30_000;
const LAG_INTERVAL_MS = 50;

/** Percentiles in milliseconds. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** What one load step measured; the last line of stdout. */
export interface LoadResult {
  event: "result";
  n: number;
  /** Candidates that reached `answer.started`. */
  connected: number;
  seconds: number;
  chunksSent: number;
  /** Chunks still not covered by an ack at the end of the grace period. */
  lostChunks: number;
  bytesSent: number;
  bytesCommitted: number;
  /** Committed bytes per second of the load window, in MB (10^6). */
  mbPerSecond: number;
  /** Acks of the load window. */
  ack: Latency;
  /** Acks of each stream's first chunk, sent while ramping up (the server opens a file). */
  firstAck: Latency;
  /** Server `error` messages and client-detected losses, by code. */
  errors: Record<string, number>;
  reconnects: number;
  /** How late this process's timers fired during the load window. */
  clientLag: Latency;
  /** Time to start the interviews through the HTTP API. */
  setupMs: number;
}

/**
 * A WebSocket that fills in each media frame's CRC-32 with node:zlib's native
 * code. Every real candidate computes its checksums on its own CPU; here one
 * process plays all of them on the server's cores, and the client's
 * portable JavaScript CRC would take a core of its own at a few hundred
 * candidates. The frames on the wire are the ones a checksumming client
 * sends, and the server verifies each.
 */
class NativeChecksumWebSocket extends WebSocket {
  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (data instanceof Uint8Array && data.byteLength >= FRAME_HEADER_BYTES) {
      const header = new DataView(data.buffer, data.byteOffset, FRAME_HEADER_BYTES);
      header.setUint32(16, crc32(data.subarray(FRAME_HEADER_BYTES)));
      header.setUint8(20, 1);
    }
    super.send(data);
  }
}

interface Candidate {
  client: InterviewClient;
  questionId: number;
  /** Sent chunks not yet acked, per stream, in offset order. */
  pending: Record<"camera" | "audio", { end: number; at: number }[]>;
  sent: Record<"camera" | "audio", number>;
  /** Whether the first chunk of each stream was acked; later acks count as the load's. */
  warm: boolean;
  /** Called when no sent chunk waits for its ack. */
  drained?: () => void;
}

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    n: { type: "string" },
    seconds: { type: "string", default: "20" },
    ramp: { type: "string" },
    grace: { type: "string", default: "10" },
    tokens: { type: "string" },
  },
});
if (!args.base || !args.n) {
  throw new Error("usage: load_client.ts --base http://127.0.0.1:PORT --n N [--tokens file]");
}
const base = args.base;
const n = Number(args.n);
const seconds = Number(args.seconds);
const rampSeconds = Number(args.ramp ?? Math.min(10, Math.max(2, n / 250)));
const graceMs = Number(args.grace) * 1000;

const media = { camera: payloads(CAMERA_BYTES), audio: payloads(AUDIO_BYTES) };
const latencies: number[] = [];
const firstLatencies: number[] = [];
const lags: number[] = [];
const errors: Record<string, number> = {};
let reconnects = 0;
let chunksSent = 0;
let bytesSent = 0;

function progress(message: string): void {
  console.error(`[load n=${n}] ${message}`);
}

function emit(line: object): void {
  console.log(JSON.stringify(line));
}

function sleepUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - performance.now())));
}

function percentiles(values: number[]): Latency {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = values.toSorted((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
}

/** A few random payloads per size; the client copies each chunk it is given. */
function payloads(size: number): Uint8Array[] {
  return Array.from({ length: 4 }, () => {
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; at += 65_536) {
      crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
    }
    return bytes;
  });
}

/** Connects one candidate and starts its answer; null when that fails or times out. */
async function connect(interviewId: number, token: string): Promise<Candidate | null> {
  const client = new InterviewClient({
    url: `${base.replace(/^http/, "ws")}/realtime/interviews/${interviewId}`,
    token,
    WebSocketImpl: NativeChecksumWebSocket,
    checksums: false,
    reconnect: { maxFailedAttempts: 3 },
  });
  const candidate: Candidate = {
    client,
    questionId: 0,
    pending: { camera: [], audio: [] },
    sent: { camera: 0, audio: 0 },
    warm: false,
  };
  client.on("ack", (ack) => {
    const queue = candidate.pending[ack.stream as "camera" | "audio"];
    const now = performance.now();
    while (queue.length > 0 && queue[0].end <= ack.committed) {
      (candidate.warm ? latencies : firstLatencies).push(now - queue.shift()!.at);
    }
    if (candidate.pending.camera.length === 0 && candidate.pending.audio.length === 0) {
      candidate.drained?.();
    }
  });
  client.on("error", (error) => errors[error.code] = (errors[error.code] ?? 0) + 1);
  client.on("state", (state) => {
    if (state.state === "reconnecting") reconnects++;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CONNECT_TIMEOUT_MS);
  });
  try {
    const session = await Promise.race([client.connect(), timeout]);
    candidate.questionId = session.question!.question_id;
    await Promise.race([
      client.startAnswer(candidate.questionId, ["camera", "audio"], {
        camera: "video/webm;codecs=vp8,opus",
        audio: "audio/webm;codecs=opus",
      }),
      timeout,
    ]);
    // The first chunk of a stream makes the server open its file: done during the ramp,
    // and timed apart, so the load measures steady streaming.
    const drained = new Promise<void>((resolve) => candidate.drained = resolve);
    sendChunk(candidate, "camera", media.camera[0]);
    sendChunk(candidate, "audio", media.audio[0]);
    await Promise.race([drained, timeout]);
    candidate.warm = true;
    return candidate;
  } catch (error) {
    progress(`candidate of interview ${interviewId} failed: ${(error as Error).message}`);
    errors.connect_failed = (errors.connect_failed ?? 0) + 1;
    client.close();
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function sendChunk(candidate: Candidate, stream: "camera" | "audio", bytes: Uint8Array): void {
  candidate.sent[stream] += bytes.byteLength;
  candidate.pending[stream].push({ end: candidate.sent[stream], at: performance.now() });
  chunksSent++;
  bytesSent += bytes.byteLength;
  // Rejects only when the channel closed for good; the chunk then counts as lost.
  candidate.client.sendChunk(candidate.questionId, stream, bytes).catch(() => {});
}

/** One candidate's D seconds of media, at its own phase within each second. */
async function stream(candidate: Candidate, start: number): Promise<void> {
  const phase = Math.random() * 1000;
  for (let second = 0; second < seconds; second++) {
    await sleepUntil(start + phase + second * 1000);
    sendChunk(candidate, "camera", media.camera[second % media.camera.length]);
    sendChunk(candidate, "audio", media.audio[second % media.audio.length]);
    candidate.client.sendTranscript({
      question_id: candidate.questionId,
      text:
        `Second ${second} of my answer: I would shard the queue by tenant and batch the writes.`,
      is_final: true,
      start_ms: second * 1000,
      end_ms: second * 1000 + 990,
    });
  }
}

function unacked(candidates: Candidate[]): number {
  let count = 0;
  for (const candidate of candidates) {
    count += candidate.pending.camera.length + candidate.pending.audio.length;
  }
  return count;
}

const watchdog = setTimeout(() => {
  progress("watchdog: the step took far too long; exiting");
  Deno.exit(3);
}, (rampSeconds + seconds + graceMs / 1000 + 180) * 1000);

const tokens: string[] = args.tokens ? JSON.parse(await Deno.readTextFile(args.tokens)) : [];
if (args.tokens && tokens.length < n) {
  throw new Error(`${args.tokens} holds only ${tokens.length} tokens`);
}
const setupStarted = performance.now();
const interviewIds = args.tokens
  ? await mapLimited(tokens.slice(0, n), 8, (token, i) => startInterview(base, token, `Load ${i}`))
  : Array.from({ length: n }, (_, i) => i + 1);
const setupMs = Math.round(performance.now() - setupStarted);
progress(`interviews ready in ${setupMs} ms; connecting over ${rampSeconds} s`);

const rampStart = performance.now();
const connecting: Promise<Candidate | null>[] = [];
for (let i = 0; i < n; i++) {
  await sleepUntil(rampStart + (i * rampSeconds * 1000) / n);
  connecting.push(connect(interviewIds[i], tokens[i] ?? "bare"));
}
const candidates = (await Promise.all(connecting)).filter((c): c is Candidate => c !== null);
progress(`${candidates.length} of ${n} candidates answering; streaming for ${seconds} s`);

const start = performance.now() + 500;
let lastTick = start;
await sleepUntil(start);
emit({ event: "streaming" });
const lagTimer = setInterval(() => {
  const now = performance.now();
  lags.push(Math.max(0, now - lastTick - LAG_INTERVAL_MS));
  lastTick = now;
}, LAG_INTERVAL_MS);
await Promise.all(candidates.map((candidate) => stream(candidate, start)));
await sleepUntil(start + seconds * 1000);
clearInterval(lagTimer);

const graceEnd = performance.now() + graceMs;
while (unacked(candidates) > 0 && performance.now() < graceEnd) {
  await sleepUntil(performance.now() + 100);
}
emit({ event: "measured" });

let bytesCommitted = 0;
const warmUpBytes = candidates.length * (CAMERA_BYTES + AUDIO_BYTES);
for (const candidate of candidates) {
  for (const name of ["camera", "audio"] satisfies StreamName[]) {
    bytesCommitted += candidate.client.committedBytes(candidate.questionId, name);
  }
}
const result: LoadResult = {
  event: "result",
  n,
  connected: candidates.length,
  seconds,
  chunksSent,
  lostChunks: unacked(candidates),
  bytesSent,
  bytesCommitted,
  mbPerSecond: Math.round((bytesCommitted - warmUpBytes) / seconds / 1e4) / 100,
  ack: percentiles(latencies),
  firstAck: percentiles(firstLatencies),
  errors,
  reconnects,
  clientLag: percentiles(lags),
  setupMs,
};
// Give the orchestrator a moment to sample the server with every session open.
await sleepUntil(performance.now() + 1000);
for (const candidate of candidates) candidate.client.close();
clearTimeout(watchdog);
emit(result);
await sleepUntil(performance.now() + 500);
Deno.exit(0);
