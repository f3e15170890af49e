/**
 * Splits a PCM WAV file into smaller WAV files, so long answers fit the
 * upload limit of transcription APIs (25 MB at OpenAI, about 13 minutes of
 * the 16 kHz mono audio finalization produces).
 *
 * @module
 */

const decoder = new TextDecoder();

function tag(bytes: Uint8Array, at: number): string {
  return decoder.decode(bytes.subarray(at, at + 4));
}

/** Where the format and the samples of a WAV file are; null when it is not a WAV we can split. */
function layout(wav: Uint8Array): { fmt: Uint8Array; data: Uint8Array; blockAlign: number } | null {
  if (wav.length < 12 || tag(wav, 0) !== "RIFF" || tag(wav, 8) !== "WAVE") return null;
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let fmt: Uint8Array | null = null;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = tag(wav, at);
    const size = view.getUint32(at + 4, true);
    const body = wav.subarray(at + 8, Math.min(wav.length, at + 8 + size));
    if (id === "fmt " && body.length >= 16) fmt = wav.subarray(at, at + 8 + body.length);
    if (id === "data" && fmt) {
      const blockAlign = new DataView(fmt.buffer, fmt.byteOffset + 8 + 12, 2).getUint16(0, true);
      return { fmt, data: body, blockAlign: Math.max(1, blockAlign) };
    }
    at += 8 + size + (size % 2); // chunks are padded to an even length
  }
  return null;
}

function wavFile(fmt: Uint8Array, samples: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + fmt.length + 8 + samples.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode("RIFF"), 0);
  view.setUint32(4, out.length - 8, true);
  out.set(new TextEncoder().encode("WAVE"), 8);
  out.set(fmt, 12);
  const dataAt = 12 + fmt.length;
  out.set(new TextEncoder().encode("data"), dataAt);
  view.setUint32(dataAt + 4, samples.length, true);
  out.set(samples, dataAt + 8);
  return out;
}

/**
 * The WAV as pieces of at most `maxBytes` each, cut on sample-frame
 * boundaries. A file that fits, or that is not a WAV we understand, is
 * returned whole; a WAV without samples gives no pieces.
 */
export function splitWav(wav: Uint8Array, maxBytes: number): Uint8Array[] {
  const parts = layout(wav);
  if (!parts) return [wav];
  if (parts.data.length === 0) return [];
  if (wav.length <= maxBytes) return [wav];
  const room = maxBytes - (12 + parts.fmt.length + 8);
  const step = Math.floor(room / parts.blockAlign) * parts.blockAlign;
  if (step <= 0) return [wav];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < parts.data.length; at += step) {
    pieces.push(wavFile(parts.fmt, parts.data.subarray(at, at + step)));
  }
  return pieces;
}
