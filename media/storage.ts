/**
 * Files under `DATA_DIR`: names are made by the server, never taken from a
 * client, and writes are atomic (temporary file, then rename) so a crash
 * never leaves a half-written file under a real name.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Writes `bytes` to `DATA_DIR/relativePath` atomically, creating folders. */
export async function writeFileAtomic(
  dataDir: string,
  relativePath: string,
  bytes: Uint8Array,
): Promise<void> {
  const target = join(dataDir, relativePath);
  await Deno.mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${crypto.randomUUID()}.tmp`;
  try {
    const file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o640 });
    try {
      let offset = 0;
      while (offset < bytes.byteLength) offset += await file.write(bytes.subarray(offset));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, target);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/** Removes `DATA_DIR/relativePath` if it exists. */
export async function removeFile(dataDir: string, relativePath: string): Promise<void> {
  await Deno.remove(join(dataDir, relativePath)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** Hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
