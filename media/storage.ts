/**
 * Files under `DATA_DIR`: names are made by the server, never taken from a
 * client, and writes are atomic (temporary file, then rename) so a crash
 * never leaves a half-written file under a real name. Everything is private
 * to the service's user: folders 0700, files 0600.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Mode of every folder the service creates under `DATA_DIR`. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file the service creates under `DATA_DIR`. */
export const PRIVATE_FILE_MODE = 0o600;

/** The temporary files of {@link createFileAtomic}: `<name>.<uuid>.tmp`. */
const TEMPORARY_NAME = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Makes the process create files and folders private whatever umask it was
 * started with (this covers libraries that write on their own, such as
 * PGlite's data folder), then creates `dataDir` or tightens an existing one
 * to 0700 so nothing under it is reachable by other users.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  if (Deno.build.os !== "windows") Deno.umask(0o077);
  await Deno.mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (Deno.build.os !== "windows") await Deno.chmod(dataDir, PRIVATE_DIR_MODE);
}

/**
 * Creates `DATA_DIR/relativePath` atomically: `fill` writes the temporary
 * file it is given (already created, 0600, in the target's folder), which is
 * then synced and renamed into place. On failure the temporary file is
 * removed and the target is untouched.
 */
export async function createFileAtomic(
  dataDir: string,
  relativePath: string,
  fill: (temporaryPath: string) => Promise<void>,
): Promise<void> {
  const target = join(dataDir, relativePath);
  await Deno.mkdir(dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = `${target}.${crypto.randomUUID()}.tmp`;
  try {
    (await Deno.open(temporary, { write: true, createNew: true, mode: PRIVATE_FILE_MODE })).close();
    await fill(temporary);
    const file = await Deno.open(temporary, { write: true });
    try {
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

/** Writes `bytes` to `DATA_DIR/relativePath` atomically, creating folders. */
export async function writeFileAtomic(
  dataDir: string,
  relativePath: string,
  bytes: Uint8Array,
): Promise<void> {
  await createFileAtomic(dataDir, relativePath, async (temporary) => {
    const file = await Deno.open(temporary, { write: true });
    try {
      let offset = 0;
      while (offset < bytes.byteLength) offset += await file.write(bytes.subarray(offset));
    } finally {
      file.close();
    }
  });
}

/**
 * Removes the temporary files of {@link createFileAtomic} that a crash left
 * under `DATA_DIR`'s own folders (the database's folder is not touched).
 * Only files unchanged for `olderThanMs` go: a live writer, also one of
 * another instance sharing `DATA_DIR`, keeps changing its file. Returns the
 * removed paths, relative to `dataDir`.
 */
export async function removeStaleTemporaryFiles(
  dataDir: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of OWN_FOLDERS) {
    for (const path of await filesBelow(dataDir, folder)) {
      if (!isTemporaryFileName(path.slice(path.lastIndexOf("/") + 1))) continue;
      const stat = await Deno.lstat(join(dataDir, path)).catch(() => null);
      if (!stat?.mtime || now - stat.mtime.getTime() < olderThanMs) continue;
      await removeFile(dataDir, path);
      removed.push(path);
    }
  }
  return removed;
}

/**
 * Every regular file below `dataDir/folder`, as `/`-separated paths relative
 * to `dataDir`; none when the folder does not exist. Links are not followed.
 */
export async function filesBelow(dataDir: string, folder: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(join(dataDir, relative)));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) await visit(path);
      else if (entry.isFile) found.push(path);
    }
  };
  await visit(folder);
  return found;
}

/** The folders under `DATA_DIR` the service writes itself (`pgdata` belongs to PGlite). */
const OWN_FOLDERS = ["recordings", "uploads", "reports"];

/** Whether `name` is a temporary file of {@link createFileAtomic}, not (yet) a stored file. */
export function isTemporaryFileName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** Removes `DATA_DIR/relativePath` if it exists. */
export async function removeFile(dataDir: string, relativePath: string): Promise<void> {
  await Deno.remove(join(dataDir, relativePath)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** Makes a created or renamed entry of `dir` durable, not only the file's data. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.syncData();
  } finally {
    handle.close();
  }
}

/** Hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
