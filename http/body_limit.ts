/**
 * Reads a request body up to a size limit, refusing larger ones with 413
 * without reading them: by `Content-Length` when it is declared, and by
 * counting while streaming when it is not (or lies).
 *
 * @module
 */
import { HttpError } from "./errors.ts";
import { readStreamCapped } from "../media/bytes.ts";

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KiB`;
  return `${Math.round(bytes / 1024 / 102.4) / 10} MB`;
}

/** The 413 error for a body over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    `The request body is larger than the ${
      formatSize(maxBytes)
    } allowed here. Send a smaller body or upload a smaller file.`,
  );
}

/**
 * Refuses a request whose declared `Content-Length` exceeds `maxBytes` with a
 * 413 {@link HttpError}, before anything reads the body.
 */
export async function refuseDeclaredOversize(request: Request, maxBytes: number): Promise<void> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw bodyTooLarge(maxBytes);
  }
}

/** Returns the body's bytes, or throws a 413 {@link HttpError} past `maxBytes`. */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  await refuseDeclaredOversize(request, maxBytes);
  if (!request.body) return new Uint8Array();
  return await readStreamCapped(request.body, maxBytes, () => bodyTooLarge(maxBytes));
}
