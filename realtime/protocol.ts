/**
 * Protocol v1 of the live interview channel: binary media frames and JSON
 * text messages, shared by the server, the typed client and the tests.
 * `docs/protocol.md` describes it for people; this file is the definition.
 *
 * @module
 */
import { z } from "zod";

export {
  checksumMatches,
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameError,
  type MediaFrame,
  PROTOCOL_VERSION,
  sealFrame,
  type StreamName,
  streamNames,
} from "./frame.ts";
import { type StreamName, streamNames } from "./frame.ts";

// ---- JSON messages, candidate to server ----------------------------------

const questionId = z.int().min(1).max(65535);
/**
 * Segments one stream of an answer may have: each reload of the candidate's
 * page starts one, so this bounds the staging files and joins per answer.
 */
export const MAX_SEGMENTS = 16;
const stream = z.enum(streamNames);
/** Latest `event.at` accepted: 2100-01-01T00:00:00Z. */
export const MAX_EVENT_TIME_MS = Date.UTC(2100, 0, 1);
const timestamp = z.number().finite().min(0).max(MAX_EVENT_TIME_MS)
  .describe("Milliseconds since the Unix epoch");

/**
 * Text that is stored or forwarded: PostgreSQL cannot hold U+0000, and an
 * unpaired surrogate has no UTF-8 form, so either would fail the insert of
 * every row batched with it. Refused here, where the sender is told.
 */
function storableText(max: number) {
  return z.string().max(max).refine(
    (text) => !text.includes("\0") && text.isWellFormed(),
    "must not contain U+0000 or unpaired surrogates",
  );
}

/** Proctoring events the page reports. */
export const proctoringKinds = [
  "tab_hidden",
  "tab_visible",
  "window_blur",
  "window_focus",
  "paste",
  "fullscreen_exit",
  "fullscreen_enter",
] as const;

/** Messages a candidate may send. */
export const clientMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("answer.start"),
    question_id: questionId,
    streams: z.array(stream).min(1).max(3).refine(
      (s) => new Set(s).size === s.length,
      "streams must be distinct",
    ),
    mime_types: z.partialRecord(stream, storableText(200)).optional(),
    /**
     * Continues a recording answer in a new numbered segment: every stream
     * starts again at offset 0, as a new recorder's output. Absent: the
     * answer's current segment (0 for a new answer).
     */
    segment: z.int().min(0).max(MAX_SEGMENTS - 1).optional(),
  }).strict(),
  z.object({
    type: z.literal("stream.end"),
    question_id: questionId,
    stream,
    /** Total bytes the candidate sent on this stream; the server checks it has them all. */
    final_offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  }).strict(),
  z.object({
    type: z.literal("answer.end"),
    question_id: questionId,
    /**
     * End still open streams at the bytes the server has, e.g. after a page
     * reload lost the client's own byte counts. Without it, open streams are refused.
     */
    force: z.boolean().optional(),
  }).strict(),
  z.object({
    type: z.literal("transcript"),
    question_id: questionId,
    text: storableText(10_000),
    is_final: z.boolean(),
    start_ms: z.int().min(0).max(24 * 3600 * 1000).describe("From the start of the answer"),
    end_ms: z.int().min(0).max(24 * 3600 * 1000),
  }).strict(),
  z.object({
    type: z.literal("event"),
    kind: z.enum(proctoringKinds),
    at: timestamp,
    question_id: questionId.optional(),
    detail: storableText(500).optional(),
  }).strict(),
  z.object({ type: z.literal("ping"), id: z.string().max(64).optional() }).strict(),
]);
/** A message from the candidate. */
export type ClientMessage = z.infer<typeof clientMessage>;

// ---- JSON messages, server to candidate and observers --------------------

/** Error codes in `error` messages. */
export const errorCodes = [
  "bad_message",
  "bad_frame",
  "wrong_offset",
  "checksum_mismatch",
  "not_current_question",
  "answer_not_started",
  "stream_not_open",
  "stream_ended",
  "incomplete_stream",
  "streams_open",
  "frame_too_large",
  "answer_too_large",
  "answer_time_exceeded",
  "overloaded",
  "not_stored",
  "internal_error",
  "recording_unavailable",
] as const;
/** An error code. */
export type ErrorCode = typeof errorCodes[number];

/** A question as the candidate sees it. */
export interface QuestionMessage {
  type: "question";
  question_id: number;
  number: number;
  total: number;
  text: string;
  time_limit_s: number;
  /** When the answer was started, if it was (ISO 8601); the time limit counts from there. */
  started_at: string | null;
}

/** State of one stream of the current answer. */
export interface StreamState {
  committed: number;
  ended: boolean;
}

/** First message on every connection: where things stand, so a client can resume. */
export interface SessionMessage {
  type: "session";
  protocol: number;
  interview: { id: number; name: string; status: string };
  question: QuestionMessage | null;
  answer: {
    question_id: number;
    status: string;
    /** The segment being recorded; a page that reloaded continues with the next one. */
    segment: number;
    /** The streams of that segment. */
    streams: Partial<Record<StreamName, StreamState>>;
  } | null;
  limits: {
    max_frame_bytes: number;
    max_answer_bytes: number;
    /**
     * Bytes of frames (headers and a per-message overhead included) the server holds per
     * connection before answering `overloaded`; text messages have a budget of the same size.
     */
    max_queued_bytes: number;
    /** Messages the server holds per connection before refusing more. */
    max_queued_messages: number;
    answer_time_limit_s: number;
    reconnect_grace_s: number;
    /** Segments an answer may have (numbered from 0). */
    max_segments: number;
  };
}

/** Server messages to the candidate. */
export type ServerMessage =
  | SessionMessage
  | QuestionMessage
  | { type: "ack"; question_id: number; stream: StreamName; seq: number; committed: number }
  | { type: "answer.started"; question_id: number; started_at: string; deadline: string }
  | { type: "stream.ended"; question_id: number; stream: StreamName; committed: number }
  | { type: "answer.accepted"; question_id: number }
  | { type: "finalized"; question: Record<string, unknown> }
  | { type: "interview.completed"; interview_id: number; status: string }
  | {
    type: "error";
    code: ErrorCode;
    message: string;
    question_id?: number;
    stream?: StreamName;
    /** The chunk a frame error is about. */
    seq?: number;
    /** Where the server wants the stream to continue. */
    expected_offset?: number;
  }
  | { type: "pong"; id?: string };

/** Parses a text message from a candidate; returns the zod error message on failure. */
export function parseClientMessage(
  text: string,
): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "The message is not valid JSON." };
  }
  const result = clientMessage.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length ? ` at ${issue.path.join(".")}` : "";
  return { ok: false, error: `Invalid message${where}: ${issue.message}` };
}
