/**
 * Refuses multipart bodies with too many parts before a parser builds them:
 * `Request.formData()` turns 150,000 one-byte fields into 150,000 entries in
 * one synchronous run of the event loop.
 *
 * @module
 */
import { HttpError } from "./errors.ts";

/** RFC 2046: 1 to 70 characters, quoted when it holds characters a token may not. */
const BOUNDARY = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i;

/**
 * Throws a 413 {@link HttpError} if `body`, a multipart body of `contentType`,
 * has more than `maxParts` parts; a 400 if the type names no boundary.
 *
 * Counts the boundary delimiters in the raw bytes with `indexOf` (linear,
 * a few milliseconds for 10 MB) and stops at the first one too many.
 */
export function assertMultipartParts(
  body: Uint8Array,
  contentType: string,
  maxParts: number,
): void {
  const match = BOUNDARY.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) {
    throw new HttpError(
      400,
      'Malformed multipart body: the Content-Type names no boundary. Send multipart/form-data with the field "file".',
    );
  }
  // One character per byte; the boundary is ASCII, so offsets match.
  const text = new TextDecoder("latin1").decode(body);
  const delimiter = `--${boundary}`;
  // Every part opens with a delimiter and the last is followed by the closing one.
  let delimiters = 0;
  for (
    let at = text.indexOf(delimiter);
    at !== -1 && delimiters <= maxParts + 1;
    at = text.indexOf(delimiter, at + delimiter.length)
  ) {
    delimiters++;
  }
  if (delimiters > maxParts + 1) {
    throw new HttpError(
      413,
      `The multipart body has more than ${maxParts} parts. Send only the field "file".`,
    );
  }
}
