/// <reference lib="dom" />
/**
 * Records one answer: a MediaRecorder per stream, each chunk handed to the
 * live client in order, with the recorders paused while the client's window
 * of unsaved bytes is full.
 *
 * @module
 */
import type { InterviewClient } from "../realtime/client.ts";
import type { StreamName } from "../realtime/frame.ts";

/** One chunk a second: small enough to lose little on a crash, large enough to keep frames few. */
const TIMESLICE_MS = 1000;

/** Bytes not yet saved by the server that the page lets the client hold; the client's default. */
export const WINDOW_BYTES = 16 * 1024 * 1024;

/** A stream to record. */
export interface Source {
  stream: StreamName;
  media: MediaStream;
  mimeType: string;
}

function supported(candidates: string[]): string {
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
}

/**
 * The streams of an answer: camera video with the microphone as "camera",
 * the microphone alone as "audio", and the screen as "screen" when shared.
 */
export function answerSources(camera: MediaStream, screen: MediaStream | null): Source[] {
  const sources: Source[] = [
    {
      stream: "camera",
      media: new MediaStream([...camera.getVideoTracks(), ...camera.getAudioTracks()]),
      mimeType: supported(["video/webm;codecs=vp8,opus", "video/webm"]),
    },
    {
      stream: "audio",
      media: new MediaStream(camera.getAudioTracks()),
      mimeType: supported(["audio/webm;codecs=opus", "audio/webm"]),
    },
  ];
  const screenTrack = screen?.getVideoTracks().find((track) => track.readyState === "live");
  if (screenTrack) {
    sources.push({
      stream: "screen",
      media: new MediaStream([screenTrack]),
      mimeType: supported(["video/webm;codecs=vp8", "video/webm"]),
    });
  }
  return sources;
}

interface Entry {
  source: Source;
  recorder: MediaRecorder;
  /** Chunks are forwarded one after the other, so offsets follow recording order. */
  chain: Promise<void>;
}

/** The recording of one answer. */
export class AnswerRecording {
  readonly #client: InterviewClient;
  readonly #questionId: number;
  readonly #entries: Entry[];
  readonly #onProblem: (message: string) => void;
  #startedAt = 0;
  #stoppedAt = 0;
  /** Sends waiting for room in the window; the recorders stay paused while any does. */
  #waiting = 0;
  /** The server takes no more bytes for this answer. */
  #closed = false;

  /** Prepares a recorder per source; `onProblem` hears why the server stopped taking bytes. */
  constructor(
    client: InterviewClient,
    questionId: number,
    sources: Source[],
    onProblem: (message: string) => void,
  ) {
    this.#client = client;
    this.#questionId = questionId;
    this.#onProblem = onProblem;
    this.#entries = sources.map((source) => {
      const recorder = new MediaRecorder(
        source.media,
        source.mimeType ? { mimeType: source.mimeType } : {},
      );
      const entry: Entry = { source, recorder, chain: Promise.resolve() };
      recorder.addEventListener("dataavailable", (event) => {
        entry.chain = entry.chain.then(() => this.#forward(entry, event.data));
      });
      return entry;
    });
  }

  /** The streams being recorded. */
  get streams(): StreamName[] {
    return this.#entries.map((entry) => entry.source.stream);
  }

  /** Their MIME types, for `answer.start`. */
  get mimeTypes(): Partial<Record<StreamName, string>> {
    return Object.fromEntries(
      this.#entries.filter((entry) => entry.recorder.mimeType)
        .map((entry) => [entry.source.stream, entry.recorder.mimeType]),
    );
  }

  /** Milliseconds recorded so far (or in total, once stopped). */
  get elapsedMs(): number {
    return (this.#stoppedAt || performance.now()) - this.#startedAt;
  }

  /** Starts every recorder. */
  start(): void {
    this.#startedAt = performance.now();
    for (const { recorder } of this.#entries) recorder.start(TIMESLICE_MS);
  }

  /** Stops the recorders and resolves once every chunk they made was handed to the client. */
  async stop(): Promise<void> {
    this.#stoppedAt ||= performance.now();
    await Promise.all(this.#entries.map(async ({ recorder }) => {
      if (recorder.state === "inactive") return;
      const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve));
      recorder.stop();
      await stopped;
    }));
    await Promise.all(this.#entries.map((entry) => entry.chain));
  }

  async #forward(entry: Entry, blob: Blob): Promise<void> {
    if (blob.size === 0 || this.#closed) return;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const sending = this.#client.sendChunk(this.#questionId, entry.source.stream, bytes);
    // A MediaRecorder keeps delivering while a send waits; pausing all of them bounds memory
    // and keeps the streams of the answer in step.
    const full = this.#client.unackedBytes > WINDOW_BYTES;
    if (full && this.#waiting++ === 0) {
      for (const { recorder } of this.#entries) {
        if (recorder.state === "recording") recorder.pause();
      }
    }
    try {
      await sending;
    } catch (error) {
      this.#closed = true;
      this.#onProblem(error instanceof Error ? error.message : String(error));
    } finally {
      if (full && --this.#waiting === 0) {
        for (const { recorder } of this.#entries) {
          if (recorder.state === "paused") recorder.resume();
        }
      }
    }
  }
}
