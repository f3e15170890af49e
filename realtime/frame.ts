/**
 * The binary media frame of protocol v1 and the stream names. Free of
 * dependencies, so the browser client can load it as it is.
 *
 * @module
 */

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
// Set together with FLAG_CHECKSUM: the CRC-32 covers the header too, so a flipped offset,
// stream or question id is caught instead of being acted on.
const FLAG_HEADER_CHECKSUM = 2;
const CRC_FIELD = 16;

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
  /**
   * Present (and true) when `crc32` covers the whole frame, header included,
   * with the crc32 field read as zeros (flag bit 1). {@link encodeFrame} only
   * sets the flag; {@link sealFrame} computes such a checksum.
   */
  crcCoversHeader?: true;
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
  view.setUint32(CRC_FIELD, frame.crc32 ?? 0);
  let flags = 0;
  if (frame.crc32 !== undefined) flags = FLAG_CHECKSUM;
  if (frame.crc32 !== undefined && frame.crcCoversHeader) flags |= FLAG_HEADER_CHECKSUM;
  view.setUint8(20, flags);
  bytes.set(frame.payload, FRAME_HEADER_BYTES);
  return bytes;
}

/**
 * Gives an encoded frame a CRC-32 over all of its bytes, header included
 * (flag bits 0 and 1, the crc32 field counted as zeros), so that a corrupted
 * header is refused like a corrupted payload. `crc32` computes CRC-32 (IEEE).
 */
export function sealFrame(
  bytes: Uint8Array<ArrayBuffer>,
  crc32: (data: Uint8Array) => number,
): Uint8Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint8(20, view.getUint8(20) | FLAG_CHECKSUM | FLAG_HEADER_CHECKSUM);
  view.setUint32(CRC_FIELD, 0);
  view.setUint32(CRC_FIELD, crc32(bytes));
  return bytes;
}

/**
 * Whether `frame`, decoded from `bytes`, matches its CRC-32 (true when it
 * carries none). For a checksum over the whole frame this zeroes the crc32
 * field of `bytes`, which the caller must own and no longer read it from.
 */
export function checksumMatches(
  bytes: Uint8Array,
  frame: MediaFrame,
  crc32: (data: Uint8Array) => number,
): boolean {
  if (frame.crc32 === undefined) return true;
  if (!frame.crcCoversHeader) return crc32(frame.payload) === frame.crc32;
  bytes.fill(0, CRC_FIELD, CRC_FIELD + 4);
  return crc32(bytes) === frame.crc32;
}

/** Decodes a binary frame; throws {@link FrameError} for anything malformed. */
export function decodeFrame(data: ArrayBuffer | Uint8Array): MediaFrame {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameError(
      "bad_frame",
      `A media frame needs a ${FRAME_HEADER_BYTES}-byte header; got ${bytes.byteLength} bytes.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new FrameError(
      "bad_frame",
      `Unsupported frame version ${version}; this server speaks version ${PROTOCOL_VERSION}.`,
    );
  }
  const stream = streamById.get(view.getUint8(1));
  if (!stream) {
    throw new FrameError(
      "bad_frame",
      `Unknown stream id ${view.getUint8(1)}; use 1 camera, 2 screen, 3 audio.`,
    );
  }
  const questionId = view.getUint16(2);
  if (questionId === 0) {
    throw new FrameError("bad_frame", "question_id 0 is not a question; numbering starts at 1.");
  }
  const offset = view.getBigUint64(8);
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FrameError("bad_frame", "The byte offset is out of range.");
  }
  const flags = view.getUint8(20);
  if (
    (flags & ~(FLAG_CHECKSUM | FLAG_HEADER_CHECKSUM)) !== 0 || view.getUint8(21) ||
    view.getUint8(22) || view.getUint8(23)
  ) {
    throw new FrameError(
      "bad_frame",
      "Unknown flags or non-zero reserved bytes in the frame header.",
    );
  }
  if (flags === FLAG_HEADER_CHECKSUM) {
    throw new FrameError(
      "bad_frame",
      "Flag bit 1 (checksum covers the header) needs flag bit 0 (checksum present) too.",
    );
  }
  const frame: MediaFrame = {
    stream,
    questionId,
    seq: view.getUint32(4),
    offset: Number(offset),
    crc32: flags & FLAG_CHECKSUM ? view.getUint32(CRC_FIELD) : undefined,
    payload: bytes.subarray(FRAME_HEADER_BYTES),
  };
  if (flags & FLAG_HEADER_CHECKSUM) frame.crcCoversHeader = true;
  return frame;
}
