/**
 * Reads a request body up to a size limit, refusing larger ones with 413
 * without reading them: by `Content-Length` when it is declared, and by
 * counting while streaming when it is not (or lies).
 *
 * @module
 */
import { HttpError } from "./errors.ts";
import { readStreamCapped } from "../media/bytes.ts";

/** The 413 error for a body over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): HttpError {
  const mb = Math.round(maxBytes / 1024 / 102.4) / 10;
  return new HttpError(
    413,
    `The request body is larger than the ${mb} MB allowed. Upload a smaller file.`,
  );
}

/** Returns the body's bytes, or throws a 413 {@link HttpError} past `maxBytes`. */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw bodyTooLarge(maxBytes);
  }
  if (!request.body) return new Uint8Array();
  return await readStreamCapped(request.body, maxBytes, () => bodyTooLarge(maxBytes));
}
