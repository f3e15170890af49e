/**
 * One candidate's WebSocket connection to their interview: streams questions
 * out, takes media chunks and transcripts in, acknowledges each chunk once
 * it is durable, and hands finished answers to finalization.
 *
 * Messages of one connection are handled strictly in order, one at a time.
 * What waits for its turn is bounded in messages and bytes (each message
 * counted with its bookkeeping overhead): beyond the bounds chunks are
 * refused with `overloaded` (the client resends them) and a flood of text
 * messages closes the connection. Replies the client does not read, and
 * long runs of error replies, close it too, so one connection's memory
 * stays bounded whatever its client does.
 *
 * @module
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { AuthUser } from "../http/api.ts";
import { findInterview, type QuestionAnswerRow } from "../db/interviews.ts";
import { questionAnswers } from "../db/schema.ts";
import { toQuestionAnswerOut } from "../http/schemas.ts";
import { stagedStream, StreamWriter } from "../media/recordings.ts";
import { queueFinalization } from "../media/finalize.ts";
import { StagingUnavailableError } from "../media/staging_handoff.ts";
// Native CRC-32, about 18 times faster here than the portable one the browser client uses.
import { crc32 } from "node:zlib";
import {
  checksumMatches,
  type ClientMessage,
  decodeFrame,
  type ErrorCode,
  FRAME_HEADER_BYTES,
  FrameError,
  MAX_SEGMENTS,
  type MediaFrame,
  parseClientMessage,
  PROTOCOL_VERSION,
  type QuestionMessage,
  type ServerMessage,
  type SessionMessage,
  type StreamName,
} from "./protocol.ts";
import type { LiveEvent } from "./event_bus.ts";
import type { RealtimeContext } from "./context.ts";
import { log } from "../log.ts";
import { recordAck } from "../metrics.ts";

/** Close codes this server uses after the upgrade. */
export const CloseCode = {
  completed: 1000,
  goingAway: 1001,
  policy: 1008,
  /** The answer's staged media is on another instance that has not handed it over yet. */
  tryAgainLater: 1013,
  replaced: 4000,
} as const;

/** Protocol errors (garbage) tolerated before the connection is closed. */
const MAX_PROTOCOL_ERRORS = 50;
/**
 * Bytes charged per queued message on top of its own, for the event, closure
 * and promises that hold it: without it a flood of 24-byte frames looked
 * small while each cost about a kilobyte.
 */
const MESSAGE_OVERHEAD_BYTES = 1024;
/** Frames dropped within this long of an `overloaded` reply get no reply of their own. */
const OVERLOADED_REPLY_INTERVAL_MS = 100;
/** Replies that show the client's last message achieved something. */
const PROGRESS_REPLIES = new Set<ServerMessage["type"]>([
  "answer.started",
  "stream.ended",
  "answer.accepted",
]);
/** Longest text message read; every valid message is far shorter. */
const MAX_TEXT_MESSAGE_CHARS = 100_000;
const STATS_INTERVAL_MS = 2000;
const FINALIZE_POLL_MS = 3000;

interface OpenAnswer {
  qa: QuestionAnswerRow;
  /** The segment being recorded; `writers` are its streams'. */
  segment: number;
  /** Bytes staged in earlier segments, counted against the answer's size limit. */
  earlierBytes: number;
  writers: Map<StreamName, StreamWriter>;
  deadlineTimer?: ReturnType<typeof setTimeout>;
}

/** Streams of the segment being recorded. */
function segmentStreams(qa: QuestionAnswerRow): StreamName[] {
  return qa.media?.segmentStreams ?? qa.media?.streams ?? [];
}

/** The database's one-line reason for refusing a row, without the statement or its values. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].slice(0, 200);
}

/** Loads the question the candidate is on: the first one not yet final. */
async function currentQuestion(ctx: RealtimeContext, interviewId: number) {
  const rows = await ctx.db.select().from(questionAnswers).where(and(
    eq(questionAnswers.interviewId, interviewId),
    inArray(questionAnswers.status, ["NEW", "RECORDING", "PROCESSING"]),
  )).orderBy(asc(questionAnswers.position)).limit(1);
  return rows[0];
}

/** Where `qa` stands in the order of asking: its number from 1, and the total so far. */
async function placeOf(
  ctx: RealtimeContext,
  qa: QuestionAnswerRow,
): Promise<{ number: number; total: number }> {
  const rows = await ctx.db.select({ id: questionAnswers.id }).from(questionAnswers)
    .where(eq(questionAnswers.interviewId, qa.interviewId)).orderBy(asc(questionAnswers.position));
  return { number: rows.findIndex((r) => r.id === qa.id) + 1, total: rows.length };
}

/** A live connection of the candidate of one interview. */
export class CandidateSession {
  /** Distinguishes this connection from a newer one of the same candidate. */
  readonly id = crypto.randomUUID();
  private queue: Promise<void> = Promise.resolve();
  private queuedMessages = 0;
  private queuedFrameBytes = 0;
  private queuedTextBytes = 0;
  private protocolErrors = 0;
  /** When the last `overloaded` reply was sent (`performance.now()`). */
  private overloadedRepliedAt = -Infinity;
  /** Error replies since the last message that achieved something. */
  private errorStreak = 0;
  private closing = false;
  private answer: OpenAnswer | null = null;
  private handledFinal = new Set<number>();
  private closed = false;
  private replaced = false;
  private statsTimer?: ReturnType<typeof setInterval>;
  private pollTimer?: ReturnType<typeof setInterval>;
  private bytesSinceStats = new Map<StreamName, number>();
  private pendingWrites = new Set<Promise<void>>();
  /** Aborted when the socket closes, so a claim waiting for another instance stops at once. */
  private readonly socketClosed = new AbortController();
  /** The candidate's presence before this connection, for a connection that could not resume. */
  private presenceBefore: { disconnectedAt: Date | null; seenAt: Date | null } | null = null;
  /** When set, the disconnection is recorded as of this time (see stagingUnavailable). */
  private awaySince: Date | null = null;
  private markDone!: () => void;
  /** Settles once the connection is closed and cleaned up. */
  readonly done = new Promise<void>((resolve) => this.markDone = resolve);

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: RealtimeContext,
    readonly user: AuthUser,
    readonly interviewId: number,
  ) {
    socket.binaryType = "arraybuffer";
    socket.onopen = () => this.enqueue(() => this.open());
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      this.socketClosed.abort();
      this.enqueue(() => this.cleanUp());
    };
    socket.onerror = () => {};
  }

  /** Runs `task` after every earlier message of this connection. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const done = this.queue.then(task).catch((error) => {
      if (error instanceof StagingUnavailableError) return this.stagingUnavailable(error);
      // A claim cut short because the client left: nothing to tell anyone.
      if (this.socketClosed.signal.aborted && error === this.socketClosed.signal.reason) return;
      log.error("realtime session error", { interview_id: this.interviewId, error });
      this.send({
        type: "error",
        code: "internal_error",
        message: "The server failed to handle a message; it was logged.",
      });
    });
    this.queue = done;
    return done;
  }

  /** Queues a client message, charged against the connection's bounds until handled. */
  private enqueueMessage(task: () => Promise<void>, frameBytes: number, textBytes: number): void {
    this.queuedMessages++;
    this.queuedFrameBytes += frameBytes;
    this.queuedTextBytes += textBytes;
    this.enqueue(task).finally(() => {
      this.queuedMessages--;
      this.queuedFrameBytes -= frameBytes;
      this.queuedTextBytes -= textBytes;
    });
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    // Replies the client does not read pile up in this process; stop before they do.
    if (this.socket.bufferedAmount > this.ctx.config.MAX_OUTBOUND_KB * 1024) {
      return this.close(
        CloseCode.policy,
        `more than ${this.ctx.config.MAX_OUTBOUND_KB} KiB of replies unread; read them`,
      );
    }
    this.socket.send(JSON.stringify(message));
    if (PROGRESS_REPLIES.has(message.type)) this.progressed();
  }

  private error(
    code: ErrorCode,
    message: string,
    extra: Partial<Extract<ServerMessage, { type: "error" }>> = {},
  ) {
    this.send({ type: "error", code, message, ...extra });
    // `overloaded` answers messages that were never queued; the queue bounds cover those.
    if (code !== "overloaded" && ++this.errorStreak > this.ctx.config.MAX_ERROR_REPLIES) {
      this.close(
        CloseCode.policy,
        `more than ${this.ctx.config.MAX_ERROR_REPLIES} error replies in a row; act on them`,
      );
    }
  }

  /** Notes that a message achieved something, which ends a run of errors. */
  private progressed(): void {
    this.errorStreak = 0;
  }

  /**
   * Closes the connection with `code`; the reason is for logs and debugging.
   * Messages arriving after this are ignored.
   */
  close(code: number, reason: string): void {
    if (code === CloseCode.policy && !this.closing) {
      log.warn("closing a candidate connection", { interview_id: this.interviewId, reason });
    }
    this.closing = true;
    if (
      this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close(code, reason);
    }
  }

  private publish(type: string, fields: Record<string, unknown> = {}): void {
    this.ctx.bus.publish({ interview_id: this.interviewId, type, ...fields });
  }

  private receive(data: unknown): void {
    if (this.closed || this.closing) return;
    const full = this.queuedMessages >= this.ctx.config.MAX_QUEUED_MESSAGES;
    if (typeof data === "string") {
      if (data.length > MAX_TEXT_MESSAGE_CHARS) {
        return this.protocolError(
          "bad_message",
          `A text message may have at most ${MAX_TEXT_MESSAGE_CHARS} characters.`,
        );
      }
      // Strings are held as UTF-16 at worst.
      const size = data.length * 2 + MESSAGE_OVERHEAD_BYTES;
      if (full || this.queuedTextBytes + size > this.ctx.maxQueuedBytes) {
        // A text message cannot be refused and resent like a chunk; resuming on a new connection can.
        return this.close(CloseCode.policy, "too many text messages waiting; slow down");
      }
      this.enqueueMessage(() => this.handleText(data), 0, size);
      return;
    }
    const bytes = new Uint8Array(data as ArrayBuffer);
    const limit = this.ctx.config.MAX_FRAME_KB * 1024;
    if (bytes.byteLength > limit + FRAME_HEADER_BYTES) {
      this.error(
        "frame_too_large",
        `A media frame may carry at most ${limit} payload bytes; send smaller chunks.`,
      );
      return;
    }
    const size = bytes.byteLength + MESSAGE_OVERHEAD_BYTES;
    if (full || this.queuedFrameBytes + size > this.ctx.maxQueuedBytes) {
      // Refusing is what bounds memory: the client keeps the chunk and resends it. The reply
      // names no frame, so one per interval says all there is to say; a reply per dropped frame
      // would let a client that ignores them make the server answer thousands a second.
      const now = performance.now();
      if (now - this.overloadedRepliedAt < OVERLOADED_REPLY_INTERVAL_MS) return;
      this.overloadedRepliedAt = now;
      this.error(
        "overloaded",
        "Too many messages are waiting to be handled; resend from the last acknowledged offset.",
      );
      return;
    }
    // Ack latency counts from here, so it includes the wait behind earlier messages.
    const received = performance.now();
    this.enqueueMessage(() => this.handleFrame(bytes, received), size, 0);
  }

  private protocolError(code: "bad_message" | "bad_frame", message: string): void {
    this.error(code, message);
    if (++this.protocolErrors > MAX_PROTOCOL_ERRORS) {
      this.close(CloseCode.policy, "too many malformed messages");
    }
  }

  private async open(): Promise<void> {
    const now = new Date();
    // Read before this connection counts as present, in case it cannot resume (stagingUnavailable).
    const interview = await findInterview(this.ctx.db, this.interviewId);
    this.presenceBefore = interview
      ? { disconnectedAt: interview.candidateDisconnectedAt, seenAt: interview.candidateSeenAt }
      : null;
    await this.ctx.presence.connected(this.interviewId, this.id, now);
    // Also makes an older connection on another instance close (4000) and release the answer.
    this.publish("candidate.connected", { at: now.toISOString(), connection_id: this.id });
    this.statsTimer = setInterval(() => this.reportStats(), STATS_INTERVAL_MS);
    if (!interview) return this.close(CloseCode.policy, "interview gone");
    const qa = interview.status === "in_progress"
      ? await currentQuestion(this.ctx, this.interviewId)
      : undefined;
    const session: SessionMessage = {
      type: "session",
      protocol: PROTOCOL_VERSION,
      interview: { id: interview.id, name: interview.interviewName, status: interview.status },
      question: qa ? await this.questionMessage(qa) : null,
      answer: null,
      limits: {
        max_frame_bytes: this.ctx.config.MAX_FRAME_KB * 1024,
        max_answer_bytes: this.ctx.config.MAX_ANSWER_MB * 1024 * 1024,
        max_queued_bytes: this.ctx.maxQueuedBytes,
        max_queued_messages: this.ctx.config.MAX_QUEUED_MESSAGES,
        answer_time_limit_s: this.ctx.config.ANSWER_TIME_LIMIT_S,
        reconnect_grace_s: this.ctx.config.RECONNECT_GRACE_S,
        max_segments: MAX_SEGMENTS,
      },
    };
    if (qa && qa.status !== "NEW") {
      // The offsets below must be those of the instance that staged the answer. A PROCESSING
      // answer takes no more bytes and is left to finalization, which claims it itself.
      if (qa.status === "RECORDING") await this.claimStaging(qa, false);
      const segment = qa.media?.segment ?? 0;
      const streams: NonNullable<SessionMessage["answer"]>["streams"] = {};
      for (const stream of segmentStreams(qa)) {
        const staged = await stagedStream(
          this.ctx.config.DATA_DIR,
          this.interviewId,
          qa.questionId,
          stream,
          segment,
        );
        streams[stream] = { committed: staged.committed, ended: staged.ended };
      }
      session.answer = { question_id: qa.questionId, status: qa.status, segment, streams };
      this.answer = {
        qa,
        segment,
        earlierBytes: await this.stagedBytes(qa, segment),
        writers: new Map(),
      };
      if (qa.status === "RECORDING") this.armDeadline();
      else this.watchFinalization();
    }
    this.send(session);
    if (interview.status !== "in_progress") {
      this.send({
        type: "interview.completed",
        interview_id: interview.id,
        status: interview.status,
      });
      this.close(CloseCode.completed, "interview finished");
    } else if (qa?.status === "NEW") {
      this.publish("question.asked", { question_id: qa.questionId, text: qa.questionText });
    }
  }

  private async questionMessage(qa: QuestionAnswerRow): Promise<QuestionMessage> {
    const { number, total } = await placeOf(this.ctx, qa);
    return {
      type: "question",
      question_id: qa.questionId,
      number,
      total,
      text: qa.questionText,
      time_limit_s: this.ctx.config.ANSWER_TIME_LIMIT_S,
      started_at: qa.startedAt?.toISOString() ?? null,
    };
  }

  private async handleText(text: string): Promise<void> {
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return this.protocolError("bad_message", parsed.error);
    const message = parsed.message;
    switch (message.type) {
      case "answer.start":
        return await this.startAnswer(message);
      case "stream.end":
        return await this.endStream(message);
      case "answer.end":
        return await this.endAnswer(message.question_id, message.force === true);
      case "transcript":
        return this.transcript(message);
      case "event":
        return this.proctoring(message);
      case "ping":
        return this.send({ type: "pong", id: message.id });
    }
  }

  /** The open answer for `questionId`, or an error sent to the client. */
  private answerFor(questionId: number): OpenAnswer | null {
    if (this.answer?.qa.questionId === questionId) return this.answer;
    this.error("not_current_question", `Question ${questionId} is not the current question.`, {
      question_id: questionId,
    });
    return null;
  }

  private async startAnswer(
    message: Extract<ClientMessage, { type: "answer.start" }>,
  ): Promise<void> {
    const qa = await currentQuestion(this.ctx, this.interviewId);
    if (!qa || qa.questionId !== message.question_id) {
      return this.error(
        "not_current_question",
        `Question ${message.question_id} is not the current question.`,
        {
          question_id: message.question_id,
        },
      );
    }
    let row = qa;
    const current = qa.media?.segment ?? 0;
    const segment = message.segment ?? current;
    if (qa.status === "NEW" && segment !== 0) {
      return this.error("bad_message", "A new answer starts at segment 0.", {
        question_id: qa.questionId,
      });
    }
    if (qa.status === "NEW") {
      const now = new Date();
      const [started] = await this.ctx.db.update(questionAnswers).set({
        status: "RECORDING",
        startedAt: now,
        deadlineAt: new Date(now.getTime() + this.ctx.config.ANSWER_TIME_LIMIT_S * 1000),
        media: { streams: message.streams, mimeTypes: message.mime_types ?? {} },
        updatedAt: now,
      }).where(and(eq(questionAnswers.id, qa.id), eq(questionAnswers.status, "NEW"))).returning();
      if (!started) return await this.startAnswer(message);
      row = started;
      this.publish("answer.started", {
        question_id: row.questionId,
        started_at: row.startedAt!.toISOString(),
        streams: message.streams,
      });
    } else if (qa.status !== "RECORDING") {
      return this.error(
        "answer_not_started",
        `Question ${qa.questionId} is already being processed.`,
        {
          question_id: qa.questionId,
        },
      );
    } else {
      // Continuing renames the earlier segment's files and counts their bytes: they must be here.
      await this.claimStaging(qa, true);
      if (segment === current + 1) {
        if (!message.streams.every((stream) => qa.media?.streams.includes(stream))) {
          return this.error(
            "stream_not_open",
            "A continued answer may only use the streams it started with.",
            { question_id: qa.questionId },
          );
        }
        const continued = await this.continueAnswer(qa, message.streams, segment);
        if (!continued) return await this.startAnswer(message);
        row = continued;
      } else if (segment !== current) {
        return this.error(
          "bad_message",
          `This answer is recording segment ${current}; continue with ${current} or ${
            current + 1
          }.`,
          { question_id: qa.questionId },
        );
      }
    }
    if (this.answer?.qa.id !== row.id || this.answer.segment !== segment) {
      this.closeWriters();
      this.answer = {
        qa: row,
        segment,
        earlierBytes: await this.stagedBytes(row, segment),
        writers: new Map(),
      };
    } else {
      this.answer.qa = row;
    }
    this.armDeadline();
    this.send({
      type: "answer.started",
      question_id: row.questionId,
      started_at: row.startedAt!.toISOString(),
      deadline: row.deadlineAt!.toISOString(),
    });
  }

  /**
   * Moves a recording answer on to segment `segment`: what the earlier
   * segment staged is ended as it is, and its streams take no more bytes.
   * Returns the updated row, or undefined when the answer changed meanwhile.
   */
  private async continueAnswer(
    qa: QuestionAnswerRow,
    streams: StreamName[],
    segment: number,
  ): Promise<QuestionAnswerRow | undefined> {
    const media = { ...qa.media!, segment };
    if (streams.length < media.streams.length) media.segmentStreams = streams;
    else delete media.segmentStreams;
    for (const stream of segmentStreams(qa)) {
      const writer = await StreamWriter.open(
        this.ctx.config.DATA_DIR,
        this.interviewId,
        qa.questionId,
        stream,
        segment - 1,
      );
      await writer.end();
    }
    const [continued] = await this.ctx.db.update(questionAnswers).set({
      media,
      updatedAt: new Date(),
    }).where(and(eq(questionAnswers.id, qa.id), eq(questionAnswers.status, "RECORDING")))
      .returning();
    return continued;
  }

  /** Bytes staged for `qa` in the segments before `segment`. */
  private async stagedBytes(qa: QuestionAnswerRow, segment: number): Promise<number> {
    let total = 0;
    for (let earlier = 0; earlier < segment; earlier++) {
      for (const stream of qa.media?.streams ?? []) {
        total += (await stagedStream(
          this.ctx.config.DATA_DIR,
          this.interviewId,
          qa.questionId,
          stream,
          earlier,
        )).committed;
      }
    }
    return total;
  }

  private armDeadline(): void {
    const answer = this.answer;
    if (!answer?.qa.deadlineAt) return;
    clearTimeout(answer.deadlineTimer);
    const delay = Math.max(0, answer.qa.deadlineAt.getTime() - Date.now());
    answer.deadlineTimer = setTimeout(() => this.enqueue(() => this.timeUp(answer)), delay);
  }

  private async timeUp(answer: OpenAnswer): Promise<void> {
    if (this.answer !== answer || answer.qa.status !== "RECORDING") return;
    this.error(
      "answer_time_exceeded",
      "The time for this answer is up; what arrived so far is kept and evaluated.",
      {
        question_id: answer.qa.questionId,
      },
    );
    await this.submit(answer, "time limit reached");
  }

  /**
   * The writer of `stream`. The first call opens every declared stream, so
   * the answer's size is known on the hot path without further awaits.
   */
  private async writer(answer: OpenAnswer, stream: StreamName): Promise<StreamWriter> {
    if (answer.writers.size === 0) {
      // The first bytes of an answer make this instance's staging area its holder.
      await this.claimStaging(answer.qa, true);
      for (const declared of segmentStreams(answer.qa)) {
        answer.writers.set(
          declared,
          await StreamWriter.open(
            this.ctx.config.DATA_DIR,
            this.interviewId,
            answer.qa.questionId,
            declared,
            answer.segment,
          ),
        );
      }
    }
    const writer = answer.writers.get(stream);
    if (!writer) throw new Error(`the ${stream} stream was not declared`);
    return writer;
  }

  private async handleFrame(bytes: Uint8Array, received: number): Promise<void> {
    let frame: MediaFrame;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      if (error instanceof FrameError) return this.protocolError("bad_frame", error.message);
      throw error;
    }
    const where = { question_id: frame.questionId, stream: frame.stream, seq: frame.seq };
    // First, so that with a checksum over the header no field of a damaged frame is acted on.
    if (!checksumMatches(bytes, frame, crc32)) return await this.checksumMismatch(frame);
    const answer = this.answerFor(frame.questionId);
    if (!answer) return;
    if (!segmentStreams(answer.qa).includes(frame.stream)) {
      return this.error(
        "stream_not_open",
        `The ${frame.stream} stream was not declared in answer.start.`,
        where,
      );
    }
    const writer = await this.writer(answer, frame.stream);
    const end = frame.offset + frame.payload.byteLength;
    if (end <= writer.committed) {
      recordAck(this.ctx.live, (performance.now() - received) / 1000);
      return this.send({ type: "ack", ...where, committed: writer.committed });
    }
    if (answer.qa.status !== "RECORDING") {
      return this.error(
        "answer_time_exceeded",
        "This answer is closed; its media can no longer change.",
        where,
      );
    }
    if (writer.ended) {
      return this.error("stream_ended", `The ${frame.stream} stream was already ended.`, where);
    }
    // Before the size check: a frame that would leave a hole writes nothing, so it cannot
    // take the answer over its limit, whatever its offset says.
    if (frame.offset > writer.committed) return this.wrongOffset(frame, writer.committed);
    let total = answer.earlierBytes + end - writer.committed;
    for (const other of answer.writers.values()) total += other.committed;
    const maxAnswerBytes = this.ctx.config.MAX_ANSWER_MB * 1024 * 1024;
    if (total > maxAnswerBytes) {
      this.error(
        "answer_too_large",
        `An answer may hold at most ${maxAnswerBytes} bytes of media.`,
        where,
      );
      await this.submit(answer, "answer size limit reached");
      return;
    }
    const before = writer.committed;
    const outcome = await writer.write(frame.offset, frame.payload);
    if (outcome.kind === "gap") return this.wrongOffset(frame, outcome.expected);
    this.bytesSinceStats.set(
      frame.stream,
      (this.bytesSinceStats.get(frame.stream) ?? 0) + writer.committed - before,
    );
    this.ctx.live.receivedBytes[frame.stream] += writer.committed - before;
    if (writer.committed > before) this.progressed();
    recordAck(this.ctx.live, (performance.now() - received) / 1000);
    this.send({ type: "ack", ...where, committed: writer.committed });
  }

  private wrongOffset(frame: MediaFrame, expected: number): void {
    this.error(
      "wrong_offset",
      `Expected offset ${expected} on the ${frame.stream} stream, got ${frame.offset}.`,
      {
        question_id: frame.questionId,
        stream: frame.stream,
        seq: frame.seq,
        expected_offset: expected,
      },
    );
  }

  /**
   * Refuses a damaged frame, naming where the stream it claims to be continues
   * when that is this connection's open answer, so the client resends from there.
   */
  private async checksumMismatch(frame: MediaFrame): Promise<void> {
    const answer = this.answer?.qa.questionId === frame.questionId ? this.answer : null;
    const declared = answer ? segmentStreams(answer.qa).includes(frame.stream) : false;
    const expected = answer && declared
      ? (await this.writer(answer, frame.stream)).committed
      : undefined;
    this.error(
      "checksum_mismatch",
      frame.crcCoversHeader
        ? "The frame's CRC-32 does not match its header and bytes; resend it."
        : "The chunk's CRC-32 does not match its bytes; resend it.",
      {
        question_id: frame.questionId,
        stream: frame.stream,
        seq: frame.seq,
        ...(expected === undefined ? {} : { expected_offset: expected }),
      },
    );
  }

  private async endStream(message: Extract<ClientMessage, { type: "stream.end" }>): Promise<void> {
    const where = { question_id: message.question_id, stream: message.stream };
    const answer = this.answerFor(message.question_id);
    if (!answer) return;
    if (!segmentStreams(answer.qa).includes(message.stream)) {
      return this.error(
        "stream_not_open",
        `The ${message.stream} stream was not declared in answer.start.`,
        where,
      );
    }
    const writer = await this.writer(answer, message.stream);
    if (!writer.ended) {
      if (writer.committed < message.final_offset) {
        return this.error(
          "incomplete_stream",
          `The server has ${writer.committed} of the ${message.final_offset} bytes; send the rest first.`,
          { ...where, expected_offset: writer.committed },
        );
      }
      if (writer.committed > message.final_offset) {
        return this.error(
          "bad_message",
          `final_offset ${message.final_offset} is below the ${writer.committed} bytes received.`,
          where,
        );
      }
      await writer.end();
    }
    this.send({ type: "stream.ended", ...where, committed: writer.committed });
  }

  private async endAnswer(questionId: number, force: boolean): Promise<void> {
    const answer = this.answerFor(questionId);
    if (!answer) return;
    if (answer.qa.status === "RECORDING") {
      const open: StreamName[] = [];
      for (const stream of segmentStreams(answer.qa)) {
        if (!(await this.writer(answer, stream)).ended) open.push(stream);
      }
      if (open.length && !force) {
        return this.error(
          "streams_open",
          `End these streams first, or send force: true: ${open.join(", ")}.`,
          {
            question_id: questionId,
          },
        );
      }
      await this.submit(answer, "answer ended");
    }
    this.send({ type: "answer.accepted", question_id: questionId });
  }

  /** Ends what is open and queues finalization; the answer takes no more media. */
  private async submit(answer: OpenAnswer, reason: string): Promise<void> {
    clearTimeout(answer.deadlineTimer);
    // Finalization reads the transcript: every fragment received so far must be stored first.
    await Promise.allSettled([...this.pendingWrites]);
    for (const stream of segmentStreams(answer.qa)) {
      await (await this.writer(answer, stream)).end();
    }
    if (await queueFinalization(this.ctx.db, answer.qa, reason)) {
      this.publish("answer.processing", { question_id: answer.qa.questionId, reason });
      this.ctx.pokeJobs();
    }
    answer.qa = { ...answer.qa, status: "PROCESSING" };
    this.watchFinalization();
  }

  /**
   * Checks now and then whether the answer was finalized, in case the
   * `finalized` event was lost (e.g. its instance crashed after storing it).
   */
  private watchFinalization(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() =>
      this.enqueue(async () => {
        const qa = this.answer?.qa;
        if (!qa) return clearInterval(this.pollTimer);
        const [row] = await this.ctx.db.select().from(questionAnswers).where(
          eq(questionAnswers.id, qa.id),
        );
        if (row && (row.status === "ANSWERED" || row.status === "FAILED")) {
          await this.finalized(toQuestionAnswerOut(row, { isCandidate: false }));
        }
      }), FINALIZE_POLL_MS);
  }

  private transcript(message: Extract<ClientMessage, { type: "transcript" }>): void {
    const answer = this.answerFor(message.question_id);
    if (!answer) return;
    if (answer.qa.status !== "RECORDING") {
      return this.error(
        "answer_time_exceeded",
        "This answer is closed; its transcript can no longer change.",
        {
          question_id: message.question_id,
        },
      );
    }
    this.progressed();
    if (message.is_final && message.text.trim()) {
      // Not awaited here, so media behind it is not held up; submit() waits for it.
      this.track(
        this.ctx.inserts.transcripts.add({
          questionAnswerId: answer.qa.id,
          text: message.text,
          startMs: message.start_ms,
          endMs: message.end_ms,
        }),
        (error) =>
          this.error(
            "not_stored",
            `The transcript segment ${message.start_ms}-${message.end_ms} ms of question ${message.question_id} was not stored: ${
              reasonOf(error)
            }`,
            { question_id: message.question_id },
          ),
      );
    }
    this.publish("transcript", {
      question_id: message.question_id,
      text: message.text,
      is_final: message.is_final,
      start_ms: message.start_ms,
      end_ms: message.end_ms,
    });
  }

  private proctoring(message: Extract<ClientMessage, { type: "event" }>): void {
    const occurredAt = new Date(message.at);
    this.progressed();
    this.track(
      this.ctx.inserts.proctoring.add({
        interviewId: this.interviewId,
        questionId: message.question_id ?? this.answer?.qa.questionId ?? null,
        kind: message.kind,
        occurredAt,
        detail: message.detail ?? null,
      }),
      (error) =>
        this.error(
          "not_stored",
          `The ${message.kind} event at ${message.at} was not stored: ${reasonOf(error)}`,
          message.question_id === undefined ? {} : { question_id: message.question_id },
        ),
    );
    this.publish("proctoring", {
      question_id: message.question_id ?? this.answer?.qa.questionId ?? null,
      kind: message.kind,
      at: occurredAt.toISOString(),
      detail: message.detail ?? null,
    });
  }

  private reportStats(): void {
    const answer = this.answer;
    if (!answer || this.bytesSinceStats.size === 0) return;
    const streams: Record<string, { committed: number; bitrate_kbps: number }> = {};
    for (const [stream, bytes] of this.bytesSinceStats) {
      streams[stream] = {
        committed: answer.writers.get(stream)?.committed ?? 0,
        bitrate_kbps: Math.round((bytes * 8) / STATS_INTERVAL_MS),
      };
    }
    this.bytesSinceStats.clear();
    this.publish("stream.stats", { question_id: answer.qa.questionId, streams });
  }

  /** Handles an event of this interview from the bus. */
  onEvent(event: LiveEvent): void {
    if (event.type === "finalized") {
      this.enqueue(() => this.finalized(event.question as Record<string, unknown>));
    } else if (event.type === "interview.completed") {
      // Queued behind the finalized message it follows, so the candidate sees that first.
      this.enqueue(() => {
        this.send({
          type: "interview.completed",
          interview_id: this.interviewId,
          status: String(event.status),
        });
        this.close(CloseCode.completed, "interview finished");
        return Promise.resolve();
      });
    } else if (event.type === "candidate.connected" && event.connection_id !== this.id) {
      // Events from other instances may arrive late: the database says who is newest.
      this.enqueue(async () => {
        if (await this.ctx.presence.isCurrent(this.interviewId, this.id)) return;
        this.replaced = true;
        this.close(CloseCode.replaced, "replaced by a newer connection");
      });
    }
  }

  private async finalized(question: Record<string, unknown>): Promise<void> {
    const id = Number(question.id);
    if (this.handledFinal.has(id)) return;
    this.handledFinal.add(id);
    this.send({ type: "finalized", question });
    if (this.answer?.qa.id === id) {
      clearTimeout(this.answer.deadlineTimer);
      clearInterval(this.pollTimer);
      this.closeWriters();
      this.answer = null;
    }
    const next = await currentQuestion(this.ctx, this.interviewId);
    if (next && next.status === "NEW") {
      this.send(await this.questionMessage(next));
      this.publish("question.asked", { question_id: next.questionId, text: next.questionText });
    }
  }

  /**
   * Keeps a database write in view until it settles; `failed` tells the
   * client when it did not store (failures are logged where they happen).
   */
  private track(write: Promise<void>, failed: (error: unknown) => void): void {
    const tracked = write.catch(failed).finally(() => this.pendingWrites.delete(tracked));
    this.pendingWrites.add(tracked);
  }

  /**
   * Brings the answer's staging into this `DATA_DIR`; throws
   * {@link StagingUnavailableError} (handled by {@link enqueue}) when the
   * instance holding it does not hand it over in time.
   */
  private async claimStaging(qa: QuestionAnswerRow, forWriting: boolean): Promise<void> {
    await this.ctx.staging.claim(
      { id: qa.id, interviewId: qa.interviewId, questionId: qa.questionId },
      { forWriting, signal: this.socketClosed.signal },
    );
  }

  /**
   * The answer cannot be resumed here yet: tells the client to come back
   * later (1013). The candidate stays away, as far as the grace period is
   * concerned, since before this connection: a candidate retrying against
   * a dead instance must not keep the answer from being finalized.
   */
  private stagingUnavailable(error: StagingUnavailableError): void {
    log.warn("could not resume an answer: its staging was not handed over", {
      interview_id: this.interviewId,
      error: error.message,
    });
    const before = this.presenceBefore;
    this.awaySince = before?.disconnectedAt ?? before?.seenAt ?? null;
    this.send({
      type: "error",
      code: "recording_unavailable",
      message:
        `The recording of this answer is not reachable from this server yet: ${error.message}. Reconnect in a few seconds.`,
      ...(this.answer ? { question_id: this.answer.qa.questionId } : {}),
    });
    this.close(CloseCode.tryAgainLater, "answer held by another instance; reconnect later");
  }

  /** Whether this connection may still write answer `questionAnswerId`. */
  writes(questionAnswerId: number): boolean {
    return !this.closed && this.answer?.qa.id === questionAnswerId &&
      this.answer.qa.status === "RECORDING";
  }

  private closeWriters(): void {
    for (const writer of this.answer?.writers.values() ?? []) writer.close();
  }

  private async cleanUp(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    clearInterval(this.pollTimer);
    if (this.answer) clearTimeout(this.answer.deadlineTimer);
    this.closeWriters();
    this.ctx.unregister(this);
    try {
      if (!this.replaced) {
        const now = this.awaySince ?? new Date();
        await this.ctx.presence.disconnected(this.interviewId, this.id, now);
        this.publish("candidate.disconnected", { at: now.toISOString(), connection_id: this.id });
      }
    } finally {
      this.markDone();
    }
  }
}
