import assert from "node:assert/strict";
import { concatBytes, crc32 } from "../media/bytes.ts";
import {
  checksumMatches,
  type ClientMessage,
  decodeFrame,
  parseClientMessage,
  type ServerMessage,
  type SessionMessage,
  type StreamName,
} from "../realtime/protocol.ts";
import {
  type ConnectionState,
  InterviewClient,
  type InterviewClientOptions,
} from "../realtime/client.ts";

const TOKEN = "candidate-token";
const INTERVIEW_ID = 7;
/** Close code the fake uses to drop a connection; anything but 4000, 4008 and 1000 means "reconnect". */
const DROP = 4500;
const WAIT_MS = 5_000;

interface ReceivedFrame {
  questionId: number;
  stream: StreamName;
  seq: number;
  offset: number;
  length: number;
}

/**
 * In-memory stand-in for the realtime endpoint, following the protocol in the
 * simplest way: every frame is written (and acked) as it arrives.
 */
class FakeServer {
  readonly data = new Map<string, Uint8Array>();
  readonly ended = new Set<string>();
  readonly frames: ReceivedFrame[] = [];
  /** Frames whose CRC-32 covers the header too. */
  sealedFrames = 0;
  readonly messages: ClientMessage[] = [];
  readonly totalQuestions = 2;
  question = 1;
  streams: StreamName[] | null = null;
  connections = 0;
  /** Per connection in turn: close it when this many more frames arrive (the last is not written). */
  dropAfterFrames: number[] = [];
  /** Acks wait in `heldAcks` instead of being sent. */
  holdAcks = false;
  heldAcks: ServerMessage[] = [];
  /** The next frame is dropped with this error. */
  failNext?: "wrong_offset" | "overloaded" | "checksum_mismatch";
  /** Answer upgrades with 401, like a bad token. */
  refuse = false;
  /** The segment being recorded; a continuation starts the next one with empty streams. */
  segment = 0;
  /** The next text message closes the connection unhandled, as if it was lost. */
  loseNextText = false;
  readonly #sockets = new Set<WebSocket>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  #onFrame?: () => void;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => this.#handle(request),
    );
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#server.addr.port}/realtime/interviews/${INTERVIEW_ID}`;
  }

  bytes(questionId: number, stream: StreamName): Uint8Array {
    return this.data.get(`${questionId}/${stream}`) ?? new Uint8Array();
  }

  /** Resolves once `count` frames in total have arrived. */
  framesReceived(count: number): Promise<void> {
    if (this.frames.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onFrame = () => {
        if (this.frames.length < count) return;
        this.#onFrame = undefined;
        resolve();
      };
    });
  }

  releaseAcks(): void {
    this.holdAcks = false;
    for (const ack of this.heldAcks.splice(0)) {
      for (const socket of this.#sockets) socket.send(JSON.stringify(ack));
    }
  }

  /** Simulates a restart that kept only `committed` bytes per stream; held acks are lost. */
  restart(committed: Partial<Record<StreamName, number>>): void {
    for (const [stream, length] of Object.entries(committed)) {
      const key = `${this.question}/${stream}`;
      this.data.set(key, this.bytes(this.question, stream as StreamName).slice(0, length));
    }
    this.heldAcks = [];
    this.holdAcks = false;
    this.closeAll(DROP);
  }

  closeAll(code: number, error?: ServerMessage): void {
    for (const socket of this.#sockets) {
      if (error) socket.send(JSON.stringify(error));
      socket.close(code);
    }
    this.#sockets.clear();
  }

  async shutdown(): Promise<void> {
    this.closeAll(1000);
    await this.#server.shutdown();
  }

  session(): SessionMessage {
    const done = this.question > this.totalQuestions;
    const answerStreams = (this.streams ?? []).map((stream) => [stream, {
      committed: this.bytes(this.question, stream).length,
      ended: this.ended.has(`${this.question}/${stream}`),
    }]);
    return {
      type: "session",
      protocol: 1,
      interview: { id: INTERVIEW_ID, name: "Fake", status: done ? "completed" : "in_progress" },
      question: done ? null : {
        type: "question",
        question_id: this.question,
        number: this.question,
        total: this.totalQuestions,
        text: `Question ${this.question}`,
        time_limit_s: 120,
        started_at: this.streams ? new Date().toISOString() : null,
      },
      answer: this.streams
        ? {
          question_id: this.question,
          status: "RECORDING",
          segment: this.segment,
          streams: Object.fromEntries(answerStreams),
        }
        : null,
      limits: {
        max_frame_bytes: 64 * 1024,
        max_answer_bytes: 1 << 30,
        max_queued_bytes: 16 << 20,
        max_queued_messages: 4096,
        answer_time_limit_s: 120,
        reconnect_grace_s: 60,
        max_segments: 16,
      },
    };
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    // The token travels as a subprotocol, never in the URL.
    const protocols = (request.headers.get("sec-websocket-protocol") ?? "").split(/,\s*/);
    if (
      this.refuse || url.pathname !== `/realtime/interviews/${INTERVIEW_ID}` ||
      url.search !== "" || !protocols.includes(`bearer.${TOKEN}`)
    ) {
      return new Response("refused", { status: 401 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "interviewer.v1" });
    socket.binaryType = "arraybuffer";
    this.connections++;
    let framesLeft = this.dropAfterFrames.shift() ?? Infinity;
    socket.onopen = () => {
      this.#sockets.add(socket);
      socket.send(JSON.stringify(this.session()));
    };
    socket.onclose = () => this.#sockets.delete(socket);
    socket.onmessage = (event) => {
      if (!this.#sockets.has(socket)) return;
      const send = (message: ServerMessage) => socket.send(JSON.stringify(message));
      if (typeof event.data === "string") return this.#onText(event.data, send, socket);
      if (--framesLeft < 0) return this.closeAll(DROP);
      this.#onFrameData(new Uint8Array(event.data), send);
      this.#onFrame?.();
    };
    return response;
  }

  #onFrameData(data: Uint8Array, send: (message: ServerMessage) => void): void {
    const frame = decodeFrame(data);
    const { questionId, stream, seq, offset, payload } = frame;
    this.frames.push({ questionId, stream, seq, offset, length: payload.length });
    if (frame.crcCoversHeader) this.sealedFrames++;
    const where = { question_id: questionId, stream };
    if (!this.streams || questionId !== this.question) {
      return send({ type: "error", code: "answer_not_started", message: "start first", ...where });
    }
    const key = `${questionId}/${stream}`;
    const have = this.bytes(questionId, stream);
    if (this.failNext) {
      const code = this.failNext;
      this.failNext = undefined;
      const expected = code === "overloaded" ? undefined : have.length;
      return send({ type: "error", code, message: code, ...where, expected_offset: expected });
    }
    if (!checksumMatches(data, frame, crc32)) {
      return send({ type: "error", code: "checksum_mismatch", message: "crc", ...where });
    }
    if (offset + payload.length > have.length) {
      if (offset !== have.length) {
        return send({
          type: "error",
          code: "wrong_offset",
          message: "gap or overlap",
          ...where,
          expected_offset: have.length,
        });
      }
      this.data.set(key, concatBytes([have, payload]));
    }
    const ack: ServerMessage = {
      type: "ack",
      ...where,
      seq,
      committed: this.bytes(questionId, stream).length,
    };
    if (this.holdAcks) this.heldAcks.push(ack);
    else send(ack);
  }

  #onText(text: string, send: (message: ServerMessage) => void, socket: WebSocket): void {
    if (this.loseNextText) {
      this.loseNextText = false;
      return this.closeAll(DROP);
    }
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return send({ type: "error", code: "bad_message", message: parsed.error });
    const message = parsed.message;
    this.messages.push(message);
    switch (message.type) {
      case "answer.start":
        if (message.question_id !== this.question) {
          return send({ type: "error", code: "not_current_question", message: "no" });
        }
        this.streams ??= message.streams;
        if (message.segment === this.segment + 1) {
          this.segment++;
          for (const stream of this.streams) this.data.delete(`${this.question}/${stream}`);
        }
        return send({
          type: "answer.started",
          question_id: message.question_id,
          started_at: new Date().toISOString(),
          deadline: new Date(Date.now() + 120_000).toISOString(),
        });
      case "stream.end": {
        const key = `${message.question_id}/${message.stream}`;
        const committed = this.bytes(message.question_id, message.stream).length;
        if (committed < message.final_offset) {
          return send({
            type: "error",
            code: "incomplete_stream",
            message: "missing bytes",
            question_id: message.question_id,
            stream: message.stream,
            expected_offset: committed,
          });
        }
        this.ended.add(key);
        return send({
          type: "stream.ended",
          question_id: message.question_id,
          stream: message.stream,
          committed,
        });
      }
      case "answer.end":
        send({ type: "answer.accepted", question_id: message.question_id });
        send({ type: "finalized", question: { question_id: message.question_id } });
        this.question++;
        this.streams = null;
        if (this.question <= this.totalQuestions) return send({ ...this.session().question! });
        send({ type: "interview.completed", interview_id: INTERVIEW_ID, status: "completed" });
        this.#sockets.delete(socket);
        return socket.close(1000);
      case "ping":
        return send({ type: "pong", id: message.id });
    }
  }
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

function client(fake: FakeServer, options: Partial<InterviewClientOptions> = {}): InterviewClient {
  return new InterviewClient({
    url: fake.url,
    token: TOKEN,
    ...options,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20, ...options.reconnect },
  });
}

function track(promise: Promise<unknown>): { state: "pending" | "fulfilled" | "rejected" } {
  const tracked = { state: "pending" as "pending" | "fulfilled" | "rejected" };
  promise.then(() => tracked.state = "fulfilled", () => tracked.state = "rejected");
  return tracked;
}

function states(subject: InterviewClient): ConnectionState[] {
  const seen: ConnectionState[] = [];
  subject.on("state", ({ state }) => seen.push(state));
  return seen;
}

/** Sends `chunks` in order, awaiting each call as a MediaRecorder handler would. */
async function sendAll(
  subject: InterviewClient,
  questionId: number,
  stream: StreamName,
  chunks: Uint8Array[],
): Promise<void> {
  for (const chunk of chunks) await subject.sendChunk(questionId, stream, chunk);
}

function chunksOf(sizes: number[]): Uint8Array[] {
  return sizes.map((size) => randomBytes(size));
}

Deno.test("uploads two answers byte-identically and stays closed after close 1000", async () => {
  const fake = new FakeServer();
  const subject = client(fake);
  const seen = states(subject);
  const session = await subject.connect();
  assert.equal(session.question?.question_id, 1);

  const camera = chunksOf([1000, 70_000, 5, 200_000]);
  const audio = chunksOf([300, 300, 300]);
  await subject.startAnswer(1, ["camera", "audio"], { camera: "video/webm" });
  await Promise.all([sendAll(subject, 1, "camera", camera), sendAll(subject, 1, "audio", audio)]);
  const nextQuestion = subject.waitFor("question", undefined, WAIT_MS);
  await subject.endAnswer(1);
  assert.deepEqual(fake.bytes(1, "camera"), concatBytes(camera));
  assert.deepEqual(fake.bytes(1, "audio"), concatBytes(audio));
  assert.equal(subject.committedBytes(1, "camera"), 271_005);
  assert.ok(
    fake.frames.every((frame) => frame.length <= 64 * 1024 - 24),
    "frames respect max_frame_bytes",
  );
  assert.equal(fake.sealedFrames, fake.frames.length, "every frame's checksum covers its header");
  assert.equal((await nextQuestion).question_id, 2);

  const completed = subject.waitFor("completed", undefined, WAIT_MS);
  const closed = subject.waitFor("state", ({ state }) => state === "closed", WAIT_MS);
  await subject.startAnswer(2, ["screen"]);
  await subject.sendChunk(2, "screen", randomBytes(10));
  await subject.endAnswer(2);
  await completed;
  assert.equal((await closed).closeCode, 1000);
  await subject.ping().then(
    () => assert.fail("ping after close"),
    (error: Error) => assert.match(error.message, /Not connected/),
  );
  assert.equal(fake.connections, 1);
  assert.deepEqual(seen, ["connecting", "open", "closed"]);
  await fake.shutdown();
});

Deno.test("resumes across dropped connections without losing or duplicating bytes", async () => {
  const fake = new FakeServer();
  fake.dropAfterFrames = [3, 1, 0, 5, 2];
  const subject = client(fake);
  const seen = states(subject);
  await subject.connect();
  const chunks = chunksOf(Array.from({ length: 30 }, (_, i) => 500 + i * 97));
  await subject.startAnswer(1, ["camera"]);
  await sendAll(subject, 1, "camera", chunks);
  await subject.endStream(1, "camera");
  assert.deepEqual(fake.bytes(1, "camera"), concatBytes(chunks));
  assert.equal(fake.connections, 6);
  assert.equal(seen.filter((state) => state === "resumed").length, 5);
  assert.equal(subject.unackedBytes, 0);
  subject.close();
  await fake.shutdown();
});

Deno.test("continues an answer in a new segment, also when its answer.start is lost", async () => {
  const fake = new FakeServer();
  // An earlier load of the page recorded 100 bytes, then went away.
  fake.streams = ["camera"];
  fake.data.set("1/camera", randomBytes(100));
  const subject = client(fake);
  const session = await subject.connect();
  assert.equal(session.answer?.segment, 0);
  assert.equal(session.answer?.streams.camera?.committed, 100);
  fake.loseNextText = true;
  await subject.startAnswer(1, ["camera"], undefined, session.answer!.segment + 1);
  const chunks = chunksOf([3000, 500, 7000]);
  await sendAll(subject, 1, "camera", chunks);
  await subject.endStream(1, "camera");
  assert.equal(fake.segment, 1);
  assert.equal(fake.connections, 2);
  // The 100 bytes of segment 0 did not count for the new segment: it was sent from offset 0.
  assert.deepEqual(fake.bytes(1, "camera"), concatBytes(chunks));
  subject.close();
  await fake.shutdown();
});

Deno.test("slices a chunk that straddles the committed offset of a restarted server", async () => {
  const fake = new FakeServer();
  const subject = client(fake);
  await subject.connect();
  const chunks = chunksOf([100, 100, 100]);
  await subject.startAnswer(1, ["audio"]);
  fake.holdAcks = true;
  await sendAll(subject, 1, "audio", chunks);
  await fake.framesReceived(3);

  const resumed = subject.waitFor("state", ({ state }) => state === "resumed", WAIT_MS);
  fake.restart({ audio: 250 });
  await resumed;
  await subject.endStream(1, "audio");
  assert.deepEqual(fake.bytes(1, "audio"), concatBytes(chunks));
  assert.deepEqual(fake.frames.slice(3), [
    { questionId: 1, stream: "audio", seq: 2, offset: 250, length: 50 },
  ]);
  subject.close();
  await fake.shutdown();
});

Deno.test("reports data_lost when the server lost bytes it had acknowledged", async () => {
  const fake = new FakeServer();
  const subject = client(fake);
  await subject.connect();
  await subject.startAnswer(1, ["camera"]);
  await sendAll(subject, 1, "camera", chunksOf([100, 100]));
  await subject.waitFor("progress", ({ committed }) => committed === 200, WAIT_MS);
  const lost = subject.waitFor("error", undefined, WAIT_MS);
  const failed = subject.waitFor("progress", (progress) => progress.failed, WAIT_MS);
  const ending = assert.rejects(subject.endStream(1, "camera"), /from byte 50/);
  fake.restart({ camera: 50 });
  assert.equal((await lost).code, "data_lost");
  assert.equal((await failed).committed, 200);
  await ending;
  await assert.rejects(subject.sendChunk(1, "camera", randomBytes(1)), /no more data/);
  subject.close();
  await fake.shutdown();
});

Deno.test("sendChunk waits while the window is full and continues when acks arrive", async () => {
  const fake = new FakeServer();
  const subject = client(fake, { maxBufferedBytes: 1000 });
  await subject.connect();
  await subject.startAnswer(1, ["camera"]);
  fake.holdAcks = true;
  const chunks = chunksOf([400, 400, 400]);
  const sends = chunks.map((chunk) => subject.sendChunk(1, "camera", chunk));
  const third = track(sends[2]);
  await Promise.all(sends.slice(0, 2));
  await fake.framesReceived(2);
  await subject.ping();
  assert.equal(third.state, "pending");
  assert.equal(fake.frames.length, 2, "a chunk outside the window is not transmitted");
  assert.equal(subject.unackedBytes, 1200);

  fake.releaseAcks();
  await sends[2];
  await subject.endStream(1, "camera");
  assert.deepEqual(fake.bytes(1, "camera"), concatBytes(chunks));
  subject.close();
  await fake.shutdown();
});

Deno.test("recovers from wrong_offset, overloaded and checksum_mismatch", async () => {
  const fake = new FakeServer();
  const subject = client(fake);
  await subject.connect();
  const errors: string[] = [];
  subject.on("error", (error) => errors.push(error.code));
  await subject.startAnswer(1, ["screen"]);
  const all: Uint8Array[] = [];
  for (const failure of ["wrong_offset", "overloaded", "checksum_mismatch"] as const) {
    fake.failNext = failure;
    const chunks = chunksOf([700, 800, 900, 1000]);
    all.push(...chunks);
    await sendAll(subject, 1, "screen", chunks);
    const total = all.reduce((sum, chunk) => sum + chunk.length, 0);
    await subject.waitFor("progress", ({ committed }) => committed === total, WAIT_MS);
  }
  assert.equal(fake.frames.length, 24, "each failure costs one resend of the frames in flight");

  // The dropped frame is missing when stream.end arrives, so the server answers incomplete_stream.
  fake.failNext = "checksum_mismatch";
  const last = randomBytes(123);
  all.push(last);
  await subject.sendChunk(1, "screen", last);
  await subject.endStream(1, "screen");
  assert.deepEqual(fake.bytes(1, "screen"), concatBytes(all));
  for (const code of ["wrong_offset", "overloaded", "checksum_mismatch", "incomplete_stream"]) {
    assert.ok(errors.includes(code), `saw ${code}`);
  }
  subject.close();
  await fake.shutdown();
});

Deno.test("does not reconnect after close 4000 or 4008", async () => {
  const fake = new FakeServer();
  for (const code of [4000, 4008]) {
    const before = fake.connections;
    const subject = client(fake, { maxBufferedBytes: 10 });
    await subject.connect();
    await subject.startAnswer(1, ["camera"]);
    fake.holdAcks = true;
    await subject.sendChunk(1, "camera", randomBytes(10));
    const waiting = assert.rejects(subject.sendChunk(1, "camera", randomBytes(10)));
    const closed = subject.waitFor("state", ({ state }) => state === "closed", WAIT_MS);
    const limitError = subject.waitFor("error", undefined, WAIT_MS);
    fake.closeAll(
      code,
      code === 4008
        ? { type: "error", code: "answer_too_large", message: "too large", question_id: 1 }
        : undefined,
    );
    assert.equal((await closed).closeCode, code);
    if (code === 4008) assert.equal((await limitError).code, "answer_too_large");
    await waiting;
    fake.holdAcks = false;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fake.connections, before + 1);
    assert.equal(subject.state, "closed");
  }
  await fake.shutdown();
});

Deno.test("gives up after maxFailedAttempts when the port refuses", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const subject = new InterviewClient({
    url: `ws://127.0.0.1:${port}/realtime/interviews/1`,
    token: TOKEN,
    reconnect: { initialDelayMs: 1, maxDelayMs: 5, maxFailedAttempts: 4 },
  });
  const seen = states(subject);
  await assert.rejects(subject.connect(), /Gave up/);
  assert.deepEqual(seen, ["connecting", "reconnecting", "reconnecting", "reconnecting", "failed"]);
  assert.equal(subject.state, "failed");
});

Deno.test("delivers transcripts queued while disconnected, dropping partial ones first", async () => {
  const fake = new FakeServer();
  const subject = client(fake, { maxQueuedMessages: 3 });
  await subject.connect();
  const reconnecting = subject.waitFor("state", ({ state }) => state === "reconnecting", WAIT_MS);
  fake.refuse = true;
  fake.closeAll(DROP);
  await reconnecting;

  const segment = { question_id: 1, start_ms: 0, end_ms: 10 };
  subject.sendTranscript({ ...segment, text: "par", is_final: false });
  subject.sendTranscript({ ...segment, text: "partial one", is_final: true });
  subject.sendTranscript({ ...segment, text: "sec", is_final: false });
  subject.sendTranscript({ ...segment, text: "second one", is_final: true });
  subject.sendEvent("tab_hidden", "switched tabs");

  const resumed = subject.waitFor("state", ({ state }) => state === "resumed", WAIT_MS);
  fake.refuse = false;
  assert.equal(fake.connections, 1);
  const resumedState = await resumed;
  assert.equal(resumedState.queuedMessages, 3);
  await subject.ping();
  assert.deepEqual(
    fake.messages.filter((message) => message.type !== "ping").map((message) =>
      message.type === "transcript" ? message.text : message.type
    ),
    ["partial one", "second one", "event"],
  );
  const event = fake.messages.find((message) => message.type === "event");
  assert.equal(event?.type === "event" && event.question_id, 1);
  subject.close();
  await fake.shutdown();
});
