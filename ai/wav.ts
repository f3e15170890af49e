/**
 * Reads a PCM WAV file as smaller WAV files, so long answers fit the upload
 * limit of transcription APIs (25 MB at OpenAI, about 13 minutes of the
 * 16 kHz mono audio finalization produces). Only one piece is in memory at a
 * time, whatever the file's size (32 KB per second of audio: 500 MB for a
 * 2 GB answer of one stream).
 *
 * @module
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** A longer `fmt ` chunk is not one of the plain PCM formats this splits. */
const MAX_FMT_BYTES = 1024;

/** Fills `into` from `position` of `file`; returns the bytes read, fewer only at its end. */
async function readAt(file: Deno.FsFile, position: number, into: Uint8Array): Promise<number> {
  await file.seek(position, Deno.SeekMode.Start);
  let done = 0;
  while (done < into.length) {
    const read = await file.read(into.subarray(done));
    if (read === null) break;
    done += read;
  }
  return done;
}

/**
 * Where the format and the samples of a WAV file are; null when it is not a
 * WAV we can split. The `data` chunk is clamped to the file, so a header
 * left unpatched by an interrupted writer reads what is there.
 */
async function layout(
  file: Deno.FsFile,
  size: number,
): Promise<{ fmt: Uint8Array; dataAt: number; dataBytes: number; blockAlign: number } | null> {
  const header = new Uint8Array(12);
  if (await readAt(file, 0, header) < 12) return null;
  if (decoder.decode(header.subarray(0, 4)) !== "RIFF") return null;
  if (decoder.decode(header.subarray(8, 12)) !== "WAVE") return null;
  let fmt: Uint8Array | null = null;
  const chunk = new Uint8Array(8);
  for (let at = 12; at + 8 <= size;) {
    await readAt(file, at, chunk);
    const id = decoder.decode(chunk.subarray(0, 4));
    const length = new DataView(chunk.buffer).getUint32(4, true);
    if (id === "fmt ") {
      if (length < 16 || length > MAX_FMT_BYTES) return null;
      fmt = new Uint8Array(8 + length);
      if (await readAt(file, at, fmt) < fmt.length) return null;
    }
    if (id === "data" && fmt) {
      const blockAlign = new DataView(fmt.buffer).getUint16(8 + 12, true);
      const dataBytes = Math.min(length, size - at - 8);
      return { fmt, dataAt: at + 8, dataBytes, blockAlign: Math.max(1, blockAlign) };
    }
    at += 8 + length + (length % 2); // chunks are padded to an even length
  }
  return null;
}

/**
 * The WAV file at `path` as pieces of at most `maxBytes` each, cut on
 * sample-frame boundaries and read one at a time. A file that fits is read
 * whole; a WAV without samples gives no pieces.
 *
 * @throws {RangeError} when the file is larger than `maxBytes` and not a PCM
 * WAV that can be cut (no `fmt ` chunk before its `data` chunk): it is
 * refused rather than read into memory whole.
 */
export async function* readWavPieces(
  path: string,
  maxBytes: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const parts = await layout(file, size);
    if (parts?.dataBytes === 0) return;
    if (size <= maxBytes) {
      const whole = new Uint8Array(size);
      await readAt(file, 0, whole);
      yield whole;
      return;
    }
    const headerBytes = 12 + (parts?.fmt.length ?? 0) + 8;
    const step = parts
      ? Math.floor((maxBytes - headerBytes) / parts.blockAlign) * parts.blockAlign
      : 0;
    if (!parts || step <= 0) {
      throw new RangeError(
        `${path} has ${size} bytes, more than the ${maxBytes} of one upload, and is not a PCM ` +
          `WAV that can be cut into pieces; extract the audio as a WAV (as finalization does)`,
      );
    }
    for (let at = 0; at < parts.dataBytes; at += step) {
      const samples = Math.min(step, parts.dataBytes - at);
      const piece = wavHeader(parts.fmt, samples);
      await readAt(file, parts.dataAt + at, piece.subarray(headerBytes));
      yield piece;
    }
  } finally {
    file.close();
  }
}

/** A WAV file of `samples` bytes of samples in format `fmt`, header filled, samples still zero. */
function wavHeader(fmt: Uint8Array, samples: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + fmt.length + 8 + samples);
  const view = new DataView(out.buffer);
  out.set(encoder.encode("RIFF"), 0);
  view.setUint32(4, out.length - 8, true);
  out.set(encoder.encode("WAVE"), 8);
  out.set(fmt, 12);
  const dataAt = 12 + fmt.length;
  out.set(encoder.encode("data"), dataAt);
  view.setUint32(dataAt + 4, samples, true);
  return out;
}
