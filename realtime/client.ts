/**
 * Typed client for the candidate side of the live interview channel
 * (protocol v1, see `protocol.ts`). It uploads media chunks with
 * backpressure, survives dropped connections by resuming from the offsets
 * the server reports in its `session` message, and queues transcripts and
 * proctoring events while offline.
 *
 * Uses only web-standard APIs, so the same module runs in browsers, in Deno
 * and in tests.
 *
 * @example
 * ```ts ignore
 * const client = new InterviewClient({ url: `wss://${location.host}/realtime/interviews/${id}`, token });
 * const session = await client.connect();
 * const questionId = session.question!.question_id;
 * await client.startAnswer(questionId, ["camera"]);
 * recorder.ondataavailable = async (event) => {
 *   await client.sendChunk(questionId, "camera", new Uint8Array(await event.data.arrayBuffer()));
 * };
 * recorder.onstop = () => client.endAnswer(questionId);
 * ```
 *
 * @module
 */
import { crc32 } from "../media/bytes.ts";
import { encodeFrame, FRAME_HEADER_BYTES, sealFrame, type StreamName } from "./frame.ts";
import type { ClientMessage, QuestionMessage, ServerMessage, SessionMessage } from "./protocol.ts";

/** Frames wait in the client while the socket already buffers this much, so a slow link holds little. */
const SOCKET_HIGH_WATER = 1 << 20;
const PUMP_RETRY_MS = 20;
const OVERLOAD_BACKOFF_MS = 100;
const OVERLOAD_BACKOFF_MAX_MS = 3_200;
const OPEN = 1;
const CLOSE_REPLACED = 4000;
const CLOSE_LIMIT = 4008;
/** Errors after which the server will not take more of the answer. */
const FATAL_ANSWER_ERRORS = new Set([
  "not_current_question",
  "answer_too_large",
  "answer_time_exceeded",
]);

type Message<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/** Connection state reported in `state` events. */
export type ConnectionState =
  | "connecting"
  | "open"
  | "reconnecting"
  | "resumed"
  | "closed"
  | "failed";

/** Detail of a `state` event. */
export interface StateDetail {
  state: ConnectionState;
  /** Consecutive connection attempts that never reached a `session` message. */
  failedAttempts: number;
  /** Bytes given to `sendChunk` that the server has not committed yet. */
  unackedBytes: number;
  /** Transcript and proctoring messages waiting for a connection. */
  queuedMessages: number;
  /** Close code of the connection that just ended, when one did. */
  closeCode?: number;
}

/** Detail of a `progress` event: one stream of one answer. */
export interface ProgressDetail {
  question_id: number;
  stream: StreamName;
  /** Bytes given to `sendChunk` so far. */
  sent: number;
  /** Bytes the server has durably written. */
  committed: number;
  /** The server needs bytes this client no longer has; the stream cannot complete. */
  failed: boolean;
}

/** Detail of an `error` event: a server error message, or `data_lost` detected by the client. */
export type ErrorDetail = Message<"error"> | {
  type: "client_error";
  code: "data_lost";
  message: string;
  question_id: number;
  stream: StreamName;
};

/** Events of {@link InterviewClient} and their details. */
export interface InterviewClientEventMap {
  session: SessionMessage;
  question: QuestionMessage;
  "answer.started": Message<"answer.started">;
  ack: Message<"ack">;
  "stream.ended": Message<"stream.ended">;
  "answer.accepted": Message<"answer.accepted">;
  finalized: Message<"finalized">;
  completed: Message<"interview.completed">;
  error: ErrorDetail;
  state: StateDetail;
  progress: ProgressDetail;
  pong: Message<"pong">;
}

/** A transcript segment of the current answer. */
export type Transcript = Omit<Extract<ClientMessage, { type: "transcript" }>, "type">;

/** A proctoring event kind. */
export type ProctoringKind = Extract<ClientMessage, { type: "event" }>["kind"];

/** When and how often to reconnect after a connection is lost. */
export interface ReconnectOptions {
  /** Delay before the first attempt; doubles per failed attempt, with jitter. */
  initialDelayMs: number;
  /** Upper bound of the delay. */
  maxDelayMs: number;
  /** Consecutive attempts that never reach a `session` message before giving up. */
  maxFailedAttempts: number;
}

/** Options of {@link InterviewClient}. */
export interface InterviewClientOptions {
  /** `ws(s)://host/realtime/interviews/{id}` (http(s) works too), without the token. */
  url: string | URL;
  /**
   * The candidate's JWT; sent as the subprotocol `bearer.<token>` so that it
   * never appears in a URL (and so in no access log or browser history).
   */
  token: string;
  /** Defaults to `globalThis.WebSocket`. */
  WebSocketImpl?: typeof WebSocket;
  /** Uncommitted media bytes the client holds before `sendChunk` waits; default 16 MiB. */
  maxBufferedBytes?: number;
  /** Send a CRC-32 over every frame, header and payload; default true. */
  checksums?: boolean;
  /** Transcript and proctoring messages kept while offline; default 1000. */
  maxQueuedMessages?: number;
  /** Defaults: 250 ms, 5 s, 20 attempts. */
  reconnect?: Partial<ReconnectOptions>;
}

interface Deferred<T> {
  promise: Promise<T>;
  settled: boolean;
  resolve(value: T): void;
  reject(error: Error): void;
}

interface Chunk {
  seq: number;
  offset: number;
  bytes: Uint8Array;
  /** Inside the window; only admitted chunks are transmitted. */
  admitted: boolean;
}

interface OutStream {
  answer: Answer;
  name: StreamName;
  /** Chunks not yet fully committed, in offset order, contiguous. */
  chunks: Chunk[];
  nextSeq: number;
  sent: number;
  admittedEnd: number;
  committed: number;
  /** Next offset to transmit on the current connection. */
  cursor: number;
  /**
   * Last offset the server said it expects on this connection. Frames that
   * were in flight when it said so all fail with the same offset, and those
   * errors must not trigger a second resend.
   */
  expected?: number;
  end: "open" | "requested" | "sent" | "ended";
  failed: boolean;
  ended: Deferred<void>;
}

interface Answer {
  questionId: number;
  start: Extract<ClientMessage, { type: "answer.start" }>;
  streams: Map<StreamName, OutStream>;
  /** The server has the answer started, as far as this connection knows. */
  confirmed: boolean;
  started: Deferred<Message<"answer.started">>;
  end: "open" | "requested" | "sent" | "done";
  accepted: Deferred<void>;
}

interface Waiting {
  out: OutStream;
  chunk: Chunk;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Client of the candidate channel. Events carry their payload in
 * `CustomEvent.detail`; {@link InterviewClient.on} and
 * {@link InterviewClient.waitFor} unwrap it with types.
 */
export class InterviewClient extends EventTarget {
  readonly #url: URL;
  readonly #protocols: string[];
  readonly #WebSocket: typeof WebSocket;
  readonly #maxBufferedBytes: number;
  readonly #checksums: boolean;
  readonly #maxQueuedMessages: number;
  readonly #reconnect: ReconnectOptions;

  #ws: WebSocket | null = null;
  #state: ConnectionState | "idle" = "idle";
  /** The current socket delivered its `session` message. */
  #live = false;
  /** Some earlier socket delivered a `session`, so the next one resumes. */
  #everLive = false;
  #failedAttempts = 0;
  #completed = false;
  #connected: Deferred<SessionMessage> | null = null;
  /** Largest frame payload the server takes; known from the first `session`, before any frame is sent. */
  #maxPayload = 0;
  #questionId: number | null = null;
  #answers = new Map<number, Answer>();
  #waiting: Waiting[] = [];
  #outbox: ClientMessage[] = [];
  #overloads = 0;
  #pingId = 0;
  #reconnectTimer?: ReturnType<typeof setTimeout>;
  #pumpTimer?: ReturnType<typeof setTimeout>;
  #overloadTimer?: ReturnType<typeof setTimeout>;

  /** Creates a client; nothing happens until {@link InterviewClient.connect}. */
  constructor(options: InterviewClientOptions) {
    super();
    this.#url = new URL(options.url);
    this.#url.protocol = this.#url.protocol.replace(/^http/, "ws");
    if (this.#url.protocol !== "ws:" && this.#url.protocol !== "wss:") {
      throw new TypeError(`The channel URL must be ws(s) or http(s); got ${this.#url.protocol}`);
    }
    this.#protocols = ["interviewer.v1", `bearer.${options.token}`];
    this.#WebSocket = options.WebSocketImpl ?? globalThis.WebSocket;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.#checksums = options.checksums ?? true;
    this.#maxQueuedMessages = options.maxQueuedMessages ?? 1000;
    this.#reconnect = {
      initialDelayMs: 250,
      maxDelayMs: 5_000,
      maxFailedAttempts: 20,
      ...options.reconnect,
    };
  }

  /** Connection state; "idle" before {@link InterviewClient.connect}. */
  get state(): ConnectionState | "idle" {
    return this.#state;
  }

  /** Bytes given to `sendChunk`, over all answers, that the server has not committed. */
  get unackedBytes(): number {
    let total = 0;
    for (const out of this.#streams()) total += out.sent - out.committed;
    return total;
  }

  /** Bytes of a stream the server has committed, as far as the client knows. */
  committedBytes(questionId: number, stream: StreamName): number {
    return this.#answers.get(questionId)?.streams.get(stream)?.committed ?? 0;
  }

  /** Bytes of a stream given to `sendChunk`. */
  sentBytes(questionId: number, stream: StreamName): number {
    return this.#answers.get(questionId)?.streams.get(stream)?.sent ?? 0;
  }

  /** Adds a typed listener; returns a function that removes it. */
  on<K extends keyof InterviewClientEventMap>(
    type: K,
    listener: (detail: InterviewClientEventMap[K]) => void,
  ): () => void {
    const handler = (event: Event) =>
      listener((event as CustomEvent<InterviewClientEventMap[K]>).detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  /** Resolves with the next event of `type` that matches `predicate`; rejects after `timeoutMs`. */
  waitFor<K extends keyof InterviewClientEventMap>(
    type: K,
    predicate?: (detail: InterviewClientEventMap[K]) => boolean,
    timeoutMs?: number,
  ): Promise<InterviewClientEventMap[K]> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = this.on(type, (detail) => {
        if (predicate && !predicate(detail)) return;
        off();
        clearTimeout(timer);
        resolve(detail);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`No "${type}" event within ${timeoutMs} ms.`));
        }, timeoutMs);
      }
    });
  }

  /**
   * Opens the channel and resolves with the first `session` message. Lost
   * connections are re-established until the client gives up; the promise
   * rejects then, or when the server closes the channel for good.
   */
  connect(): Promise<SessionMessage> {
    if (this.#state === "closed" || this.#state === "failed") {
      return Promise.reject(new Error(`The client is ${this.#state}; create a new one.`));
    }
    if (!this.#connected) {
      this.#connected = deferred();
      this.#setState("connecting");
      this.#open();
    }
    return this.#connected.promise;
  }

  /**
   * Starts the answer to `questionId` with the given streams; resolves on
   * `answer.started`. Called while offline, it is sent after connecting.
   * A page that reloaded mid-answer passes `segment`, one past the
   * `session` message's `answer.segment`, to continue that answer with new
   * recorders (their streams start again at offset 0).
   */
  startAnswer(
    questionId: number,
    streams: StreamName[],
    mimeTypes?: Partial<Record<StreamName, string>>,
    segment?: number,
  ): Promise<Message<"answer.started">> {
    const existing = this.#answers.get(questionId);
    if (existing) return existing.started.promise;
    const answer: Answer = {
      questionId,
      start: {
        type: "answer.start",
        question_id: questionId,
        streams: [...streams],
        mime_types: mimeTypes,
        segment,
      },
      streams: new Map(),
      confirmed: false,
      started: deferred(),
      end: "open",
      accepted: deferred(),
    };
    for (const name of streams) {
      answer.streams.set(name, {
        answer,
        name,
        chunks: [],
        nextSeq: 0,
        sent: 0,
        admittedEnd: 0,
        committed: 0,
        cursor: 0,
        end: "open",
        failed: false,
        ended: deferred(),
      });
    }
    this.#answers.set(questionId, answer);
    this.#sendJson(answer.start);
    return answer.started.promise;
  }

  /**
   * Queues `bytes` (copied) as the next chunk of a stream. Resolves once the
   * chunk fits in the `maxBufferedBytes` window of uncommitted bytes, so
   * awaiting each call bounds memory; the client keeps the bytes and
   * resends them as needed until the server commits them. A MediaRecorder
   * fires `dataavailable` whether or not the last call settled, so a page
   * that must bound memory pauses the recorder while a call is pending.
   */
  sendChunk(questionId: number, stream: StreamName, bytes: Uint8Array): Promise<void> {
    const out = this.#answers.get(questionId)?.streams.get(stream);
    if (!out) {
      return Promise.reject(
        new Error(`Start the answer to question ${questionId} with "${stream}" first.`),
      );
    }
    if (out.end !== "open" || out.failed || this.#state === "closed" || this.#state === "failed") {
      return Promise.reject(
        new Error(`Stream "${stream}" of question ${questionId} takes no more data.`),
      );
    }
    if (bytes.byteLength === 0) return Promise.resolve();
    const chunk: Chunk = {
      seq: out.nextSeq++,
      offset: out.sent,
      bytes: bytes.slice(),
      admitted: false,
    };
    out.sent += chunk.bytes.byteLength;
    out.chunks.push(chunk);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#waiting.push({ out, chunk, resolve, reject });
    this.#admit();
    this.#progress(out);
    this.#pump();
    return promise;
  }

  /** Ends a stream once all its chunks are sent; resolves on `stream.ended`. */
  endStream(questionId: number, stream: StreamName): Promise<void> {
    const out = this.#answers.get(questionId)?.streams.get(stream);
    if (!out) return Promise.reject(new Error(`No stream "${stream}" in question ${questionId}.`));
    if (out.end === "open") out.end = "requested";
    this.#pump();
    return out.ended.promise;
  }

  /** Ends every stream still open, then the answer; resolves on `answer.accepted`. */
  endAnswer(questionId: number): Promise<void> {
    const answer = this.#answers.get(questionId);
    if (!answer) {
      return Promise.reject(new Error(`No answer to question ${questionId} was started.`));
    }
    if (answer.end === "open") answer.end = "requested";
    for (const out of answer.streams.values()) if (out.end === "open") out.end = "requested";
    this.#pump();
    return answer.accepted.promise;
  }

  /**
   * Ends an answer this client did not start, at the bytes the server has
   * (`answer.end` with `force`): a page reloaded mid-answer finishing with
   * what was saved. Resolves on `answer.accepted`.
   */
  async endSavedAnswer(questionId: number): Promise<void> {
    const accepted = this.waitFor(
      "answer.accepted",
      (message) => message.question_id === questionId,
    );
    const refused = this.waitFor(
      "error",
      (error) => error.code === "not_current_question" && error.question_id === questionId,
    ).then((error) => Promise.reject(new Error(error.message)));
    this.#sendOrQueue({ type: "answer.end", question_id: questionId, force: true });
    await Promise.race([accepted, refused]);
  }

  /** Sends a transcript segment; queued while offline, partial segments dropped first. */
  sendTranscript(transcript: Transcript): void {
    this.#sendOrQueue({ type: "transcript", ...transcript });
  }

  /** Reports a proctoring event, stamped now and with the current question. */
  sendEvent(kind: ProctoringKind, detail?: string): void {
    this.#sendOrQueue({
      type: "event",
      kind,
      at: Date.now(),
      question_id: this.#questionId ?? undefined,
      detail,
    });
  }

  /** Resolves with the round-trip time in milliseconds; rejects when offline or after `timeoutMs`. */
  async ping(timeoutMs = 10_000): Promise<number> {
    const id = String(++this.#pingId);
    const started = performance.now();
    if (!this.#sendJson({ type: "ping", id })) throw new Error("Not connected.");
    await this.waitFor("pong", (message) => message.id === id, timeoutMs);
    return performance.now() - started;
  }

  /** Closes the channel for good; pending promises reject. */
  close(): void {
    if (this.#state !== "closed" && this.#state !== "failed") this.#finish("closed");
  }

  #open(): void {
    const ws = new this.#WebSocket(this.#url, this.#protocols);
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event) => {
      if (this.#ws !== ws || typeof event.data !== "string") return;
      this.#onMessage(JSON.parse(event.data));
      this.#pump();
    };
    ws.onclose = (event) => {
      if (this.#ws === ws) this.#onClose(event.code);
    };
    this.#ws = ws;
  }

  #onClose(code: number): void {
    const reachedSession = this.#live;
    this.#ws = null;
    this.#live = false;
    this.#stopTimers();
    if (code === CLOSE_REPLACED || code === CLOSE_LIMIT || (code === 1000 && this.#completed)) {
      this.#finish("closed", code);
      return;
    }
    if (!reachedSession) this.#failedAttempts++;
    if (this.#failedAttempts >= this.#reconnect.maxFailedAttempts) {
      this.#finish("failed", code);
      return;
    }
    this.#setState("reconnecting", code);
    const { initialDelayMs, maxDelayMs } = this.#reconnect;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.#failedAttempts);
    // Jitter keeps a crowd of candidates from reconnecting in lockstep after a server restart.
    this.#reconnectTimer = setTimeout(() => this.#open(), delay * (0.5 + Math.random() / 2));
  }

  #finish(state: "closed" | "failed", closeCode?: number): void {
    this.#stopTimers();
    clearTimeout(this.#reconnectTimer);
    const ws = this.#ws;
    this.#ws = null;
    this.#live = false;
    ws?.close(1000);
    this.#setState(state, closeCode);
    const error = new Error(
      state === "failed"
        ? "Gave up reaching the interview server."
        : `The interview channel closed${closeCode ? ` (code ${closeCode})` : ""}.`,
    );
    this.#connected?.reject(error);
    for (const answer of this.#answers.values()) this.#dropAnswer(answer, error);
    this.#outbox = [];
  }

  #stopTimers(): void {
    clearTimeout(this.#pumpTimer);
    clearTimeout(this.#overloadTimer);
    this.#pumpTimer = this.#overloadTimer = undefined;
    this.#overloads = 0;
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "session":
        this.#onSession(message);
        break;
      case "question":
        this.#questionId = message.question_id;
        this.#emit("question", message);
        break;
      case "answer.started": {
        const answer = this.#answers.get(message.question_id);
        if (answer) {
          answer.confirmed = true;
          answer.started.resolve(message);
        }
        this.#emit("answer.started", message);
        break;
      }
      case "ack": {
        const out = this.#stream(message.question_id, message.stream);
        if (out) this.#commit(out, message.committed);
        this.#emit("ack", message);
        break;
      }
      case "stream.ended": {
        const out = this.#stream(message.question_id, message.stream);
        if (out) {
          this.#commit(out, message.committed);
          this.#streamEnded(out);
        }
        this.#emit("stream.ended", message);
        break;
      }
      case "answer.accepted": {
        const answer = this.#answers.get(message.question_id);
        if (answer) this.#dropAnswer(answer, null);
        this.#emit("answer.accepted", message);
        break;
      }
      case "finalized":
        this.#emit("finalized", message);
        break;
      case "interview.completed":
        this.#completed = true;
        this.#emit("completed", message);
        break;
      case "error":
        this.#onError(message);
        this.#emit("error", message);
        break;
      case "pong":
        this.#emit("pong", message);
        break;
    }
  }

  #onSession(session: SessionMessage): void {
    this.#live = true;
    this.#failedAttempts = 0;
    this.#maxPayload = session.limits.max_frame_bytes - FRAME_HEADER_BYTES;
    this.#questionId = session.question?.question_id ?? null;
    for (const answer of this.#answers.values()) {
      if (answer.end === "done") continue;
      if (session.question?.question_id !== answer.questionId) {
        // The server moved on: after our answer.end that means accepted, otherwise the answer is lost.
        this.#dropAnswer(
          answer,
          answer.end === "sent"
            ? null
            : new Error(`Question ${answer.questionId} is no longer the current question.`),
        );
        continue;
      }
      const current = session.answer?.question_id === answer.questionId ? session.answer : null;
      // A continuation whose answer.start the server never saw: its counts are another segment's.
      const server = current && (answer.start.segment ?? current.segment) === current.segment
        ? current
        : null;
      answer.confirmed = server !== null;
      if (!server || !answer.started.settled) this.#sendJson(answer.start);
      for (const out of answer.streams.values()) {
        this.#resume(out, server?.streams[out.name] ?? { committed: 0, ended: false });
      }
      if (answer.end === "sent") answer.end = "requested";
    }
    this.#setState(this.#everLive ? "resumed" : "open");
    this.#everLive = true;
    this.#connected?.resolve(session);
    for (const message of this.#outbox.splice(0)) this.#sendJson(message);
    this.#emit("session", session);
  }

  #resume(out: OutStream, server: { committed: number; ended: boolean }): void {
    out.expected = undefined;
    if (out.end === "ended" || out.failed) return;
    if (server.ended) {
      out.committed = server.committed;
      this.#streamEnded(out);
      return;
    }
    if (!this.#rewind(out, server.committed)) return;
    // The server may have persisted less than it received before it went away.
    out.committed = server.committed;
    this.#trim(out);
    if (out.end === "sent") out.end = "requested";
    this.#progress(out);
  }

  #onError(error: Message<"error">): void {
    const out = error.question_id !== undefined && error.stream
      ? this.#stream(error.question_id, error.stream)
      : undefined;
    switch (error.code) {
      case "wrong_offset":
        if (out && error.expected_offset !== undefined && error.expected_offset !== out.expected) {
          out.expected = error.expected_offset;
          this.#rewind(out, error.expected_offset);
        }
        break;
      case "checksum_mismatch":
      case "incomplete_stream":
        if (out) {
          out.expected = error.expected_offset ?? out.committed;
          this.#rewind(out, out.expected);
          if (out.end === "sent") out.end = "requested";
        }
        break;
      case "overloaded":
        this.#backOff();
        break;
      default: {
        const answer = error.question_id === undefined
          ? undefined
          : this.#answers.get(error.question_id);
        if (answer && FATAL_ANSWER_ERRORS.has(error.code)) {
          this.#dropAnswer(answer, new Error(`${error.code}: ${error.message}`));
        }
      }
    }
  }

  /** Moves the send cursor to `offset`, or fails the stream if those bytes are gone. */
  #rewind(out: OutStream, offset: number): boolean {
    const oldest = out.chunks[0]?.offset ?? out.sent;
    if (offset >= oldest && offset <= out.sent) {
      out.cursor = offset;
      return true;
    }
    const message =
      `The server expects ${out.name} of question ${out.answer.questionId} from byte ${offset}; ` +
      `the client holds bytes ${oldest} to ${out.sent}.`;
    out.failed = true;
    this.#dropChunks(out, new Error(message));
    out.ended.reject(new Error(message));
    out.answer.accepted.reject(new Error(message));
    this.#progress(out);
    this.#emit("error", {
      type: "client_error",
      code: "data_lost",
      message,
      question_id: out.answer.questionId,
      stream: out.name,
    });
    return false;
  }

  #backOff(): void {
    if (this.#overloadTimer !== undefined) return;
    const delay = Math.min(OVERLOAD_BACKOFF_MAX_MS, OVERLOAD_BACKOFF_MS * 2 ** this.#overloads++);
    this.#overloadTimer = setTimeout(() => {
      this.#overloadTimer = undefined;
      // The dropped frame cannot be identified, so every stream restarts from what the server confirmed.
      for (const out of this.#streams()) {
        out.expected = Math.max(out.committed, out.expected ?? 0);
        this.#rewind(out, out.expected);
        if (out.end === "sent") out.end = "requested";
      }
      this.#pump();
    }, delay);
  }

  #commit(out: OutStream, committed: number): void {
    if (committed <= out.committed) return;
    out.committed = committed;
    out.cursor = Math.max(out.cursor, committed);
    this.#overloads = 0;
    this.#trim(out);
    this.#admit();
    this.#progress(out);
  }

  #trim(out: OutStream): void {
    const keep = out.chunks.findIndex((chunk) =>
      chunk.offset + chunk.bytes.byteLength > out.committed
    );
    out.chunks.splice(0, keep === -1 ? out.chunks.length : keep);
  }

  /** Lets waiting chunks into the window in call order; a chunk larger than the window goes alone. */
  #admit(): void {
    let used = 0;
    for (const out of this.#streams()) used += Math.max(0, out.admittedEnd - out.committed);
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0];
      const size = next.chunk.bytes.byteLength;
      if (used > 0 && used + size > this.#maxBufferedBytes) return;
      this.#waiting.shift();
      next.chunk.admitted = true;
      next.out.admittedEnd = next.chunk.offset + size;
      used += size;
      next.resolve();
    }
  }

  #streamEnded(out: OutStream): void {
    out.end = "ended";
    this.#dropChunks(out, new Error(`Stream "${out.name}" has ended.`));
    out.ended.resolve();
    this.#progress(out);
  }

  #dropChunks(out: OutStream, error: Error): void {
    out.chunks = [];
    this.#waiting = this.#waiting.filter((waiting) => {
      if (waiting.out === out) waiting.reject(error);
      return waiting.out !== out;
    });
    this.#admit();
  }

  /** Settles everything of an answer: resolved when `error` is null, rejected otherwise. */
  #dropAnswer(answer: Answer, error: Error | null): void {
    answer.end = "done";
    const failure = error ?? new Error(`The answer to question ${answer.questionId} is complete.`);
    for (const out of answer.streams.values()) {
      this.#dropChunks(out, failure);
      if (error) out.ended.reject(error);
      else out.ended.resolve();
    }
    answer.started.reject(failure);
    if (error) answer.accepted.reject(error);
    else answer.accepted.resolve();
  }

  /** Sends frames and pending end messages while the socket buffer has room. */
  #pump(): void {
    const ws = this.#ws;
    if (!ws || !this.#live || this.#overloadTimer !== undefined) return;
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const answer of this.#answers.values()) {
        if (!answer.confirmed || answer.end === "done") continue;
        // One frame per stream per round, so the camera cannot starve the audio.
        for (const out of answer.streams.values()) {
          if (ws.bufferedAmount >= SOCKET_HIGH_WATER) {
            this.#pumpTimer ??= setTimeout(() => {
              this.#pumpTimer = undefined;
              this.#pump();
            }, PUMP_RETRY_MS);
            return;
          }
          progressed = this.#sendNext(ws, out) || progressed;
        }
        const streams = [...answer.streams.values()];
        if (answer.end === "requested" && streams.every((out) => out.end === "ended")) {
          answer.end = "sent";
          this.#sendJson({ type: "answer.end", question_id: answer.questionId });
        }
      }
    }
  }

  /** Sends the next frame of `out`, or its stream.end once everything is sent; true for a frame. */
  #sendNext(ws: WebSocket, out: OutStream): boolean {
    if (out.failed || out.end === "ended") return false;
    const chunk = out.chunks.find((chunk) => chunk.offset + chunk.bytes.byteLength > out.cursor);
    if (!chunk?.admitted) {
      if (!chunk && out.end === "requested" && out.cursor === out.sent) {
        out.end = "sent";
        this.#sendJson({
          type: "stream.end",
          question_id: out.answer.questionId,
          stream: out.name,
          final_offset: out.sent,
        });
      }
      return false;
    }
    const start = out.cursor - chunk.offset;
    const payload = chunk.bytes.subarray(
      start,
      Math.min(chunk.bytes.byteLength, start + this.#maxPayload),
    );
    const frame = encodeFrame({
      stream: out.name,
      questionId: out.answer.questionId,
      seq: chunk.seq,
      offset: out.cursor,
      payload,
    });
    ws.send(this.#checksums ? sealFrame(frame, crc32) : frame);
    out.cursor += payload.byteLength;
    return true;
  }

  #sendOrQueue(message: ClientMessage): void {
    if (this.#state === "closed" || this.#state === "failed" || this.#sendJson(message)) return;
    this.#outbox.push(message);
    if (this.#outbox.length > this.#maxQueuedMessages) {
      const partial = this.#outbox.findIndex((queued) =>
        queued.type === "transcript" && !queued.is_final
      );
      this.#outbox.splice(Math.max(partial, 0), 1);
    }
  }

  #sendJson(message: ClientMessage): boolean {
    if (!this.#ws || !this.#live || this.#ws.readyState !== OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  #stream(questionId: number, stream: StreamName): OutStream | undefined {
    const answer = this.#answers.get(questionId);
    return answer?.end === "done" ? undefined : answer?.streams.get(stream);
  }

  /** Streams that still carry data; only these count against the window. */
  *#streams(): Generator<OutStream> {
    for (const answer of this.#answers.values()) {
      if (answer.end === "done") continue;
      for (const out of answer.streams.values()) {
        if (!out.failed && out.end !== "ended") yield out;
      }
    }
  }

  #progress(out: OutStream): void {
    this.#emit("progress", {
      question_id: out.answer.questionId,
      stream: out.name,
      sent: out.sent,
      committed: out.committed,
      failed: out.failed,
    });
  }

  #setState(state: ConnectionState, closeCode?: number): void {
    this.#state = state;
    this.#emit("state", {
      state,
      failedAttempts: this.#failedAttempts,
      unackedBytes: this.unackedBytes,
      queuedMessages: this.#outbox.length,
      closeCode,
    });
  }

  #emit<K extends keyof InterviewClientEventMap>(
    type: K,
    detail: InterviewClientEventMap[K],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** A promise with its settle functions; its rejection only matters to those who await it. */
function deferred<T>(): Deferred<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  promise.catch(() => {});
  const result: Deferred<T> = {
    promise,
    settled: false,
    resolve(value) {
      result.settled = true;
      resolve(value);
    },
    reject(error) {
      result.settled = true;
      reject(error);
    },
  };
  return result;
}
