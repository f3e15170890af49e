/**
 * Protocol v1 of the live interview channel: binary media frames and JSON
 * text messages, shared by the server, the typed client and the tests.
 * `docs/protocol.md` describes it for people; this file is the definition.
 *
 * @module
 */
import { z } from "zod";


/** Protocol version carried in every media frame and in the session message. */
export const PROTOCOL_VERSION = 1;

/** Media streams of one answer. */
export const streamNames = ["camera", "screen", "audio"] as const;
/** A media stream's name. */
export type StreamName = typeof streamNames[number];

const streamIds: Record<StreamName, number> = { camera: 1, screen: 2, audio: 3 };
const streamById = new Map(Object.entries(streamIds).map(([name, id]) => [id, name as StreamName]));

/** Size of the fixed header in front of every media payload. */
export const FRAME_HEADER_BYTES = 24;
const FLAG_CHECKSUM = 1;

/**
 * One media chunk. Layout (big-endian):
 * `u8 version | u8 stream | u16 question_id | u32 seq | u64 offset | u32 crc32 | u8 flags | 3 reserved | payload`.
 */
export interface MediaFrame {
  stream: StreamName;
  questionId: number;
  /** Per-stream chunk counter from 0; for logs and acks only, offsets decide. */
  seq: number;
  /** Byte offset of the payload within the stream. */
  offset: number;
  /** CRC-32 (IEEE) of the payload, when the sender computed one. */
  crc32?: number;
  payload: Uint8Array;
}

/** A frame that cannot be decoded; `code` is the error code sent back. */
export class FrameError extends Error {
  override name = "FrameError";
  constructor(readonly code: "bad_frame", message: string) {
    super(message);
  }
}

/** Encodes a media frame (header + payload) into one buffer. */
export function encodeFrame(frame: MediaFrame): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + frame.payload.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint8(1, streamIds[frame.stream]);
  view.setUint16(2, frame.questionId);
  view.setUint32(4, frame.seq);
  view.setBigUint64(8, BigInt(frame.offset));
  view.setUint32(16, frame.crc32 ?? 0);
  view.setUint8(20, frame.crc32 === undefined ? 0 : FLAG_CHECKSUM);
  bytes.set(frame.payload, FRAME_HEADER_BYTES);
  return bytes;
}

/** Decodes a binary frame; throws {@link FrameError} for anything malformed. */
export function decodeFrame(data: ArrayBuffer | Uint8Array): MediaFrame {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameError("bad_frame", `A media frame needs a ${FRAME_HEADER_BYTES}-byte header; got ${bytes.byteLength} bytes.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new FrameError("bad_frame", `Unsupported frame version ${version}; this server speaks version ${PROTOCOL_VERSION}.`);
  }
  const stream = streamById.get(view.getUint8(1));
  if (!stream) throw new FrameError("bad_frame", `Unknown stream id ${view.getUint8(1)}; use 1 camera, 2 screen, 3 audio.`);
  const questionId = view.getUint16(2);
  if (questionId === 0) throw new FrameError("bad_frame", "question_id 0 is not a question; numbering starts at 1.");
  const offset = view.getBigUint64(8);
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new FrameError("bad_frame", "The byte offset is out of range.");
  const flags = view.getUint8(20);
  if ((flags & ~FLAG_CHECKSUM) !== 0 || view.getUint8(21) || view.getUint8(22) || view.getUint8(23)) {
    throw new FrameError("bad_frame", "Unknown flags or non-zero reserved bytes in the frame header.");
  }
  return {
    stream,
    questionId,
    seq: view.getUint32(4),
    offset: Number(offset),
    crc32: flags & FLAG_CHECKSUM ? view.getUint32(16) : undefined,
    payload: bytes.subarray(FRAME_HEADER_BYTES),
  };
}

// ---- JSON messages, candidate to server ----------------------------------

const questionId = z.int().min(1).max(65535);
const stream = z.enum(streamNames);
const timestamp = z.number().finite().min(0).describe("Milliseconds since the Unix epoch");

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
    streams: z.array(stream).min(1).max(3).refine((s) => new Set(s).size === s.length, "streams must be distinct"),
    mime_types: z.partialRecord(stream, z.string().max(200)).optional(),
  }).strict(),
  z.object({
    type: z.literal("stream.end"),
    question_id: questionId,
    stream,
    /** Total bytes the candidate sent on this stream; the server checks it has them all. */
    final_offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  }).strict(),
  z.object({ type: z.literal("answer.end"), question_id: questionId }).strict(),
  z.object({
    type: z.literal("transcript"),
    question_id: questionId,
    text: z.string().max(10_000),
    is_final: z.boolean(),
    start_ms: z.int().min(0).max(24 * 3600 * 1000).describe("From the start of the answer"),
    end_ms: z.int().min(0).max(24 * 3600 * 1000),
  }).strict(),
  z.object({
    type: z.literal("event"),
    kind: z.enum(proctoringKinds),
    at: timestamp,
    question_id: questionId.optional(),
    detail: z.string().max(500).optional(),
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
  "interview_finished",
  "internal_error",
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
    streams: Partial<Record<StreamName, StreamState>>;
  } | null;
  limits: {
    max_frame_bytes: number;
    max_answer_bytes: number;
    answer_time_limit_s: number;
    reconnect_grace_s: number;
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
  | { type: "error"; code: ErrorCode; message: string; question_id?: number; stream?: StreamName; expected_offset?: number }
  | { type: "pong"; id?: string };

/** Parses a text message from a candidate; returns the zod error message on failure. */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; error: string } {
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
