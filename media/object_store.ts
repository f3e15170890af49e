/**
 * Where finished files live: one interface, {@linkcode ObjectStore}, with a
 * folder implementation (`STORAGE=fs`, under `DATA_DIR`) and an S3 one
 * (`STORAGE=s3`, media/s3_object_store.ts). Callers get the store from their
 * dependencies and never ask which one it is.
 *
 * Keys are made by the server (`uploads/jd/7/<uuid>.pdf`), never taken from
 * a client; they are relative paths with `/` separators.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import {
  createFileAtomic,
  filesBelow,
  isTemporaryFileName,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  removeFile,
  syncDirectory,
  writeFileAtomic,
} from "./storage.ts";

/** Bytes `start` to `end` of an object, both included, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  /** Last byte; past the object's end, or omitted, means up to the end. */
  end?: number;
}

/** An object being read by {@linkcode ObjectStore.get}. */
export interface StoredObject {
  /** The requested bytes; read it to the end or cancel it. */
  body: ReadableStream<Uint8Array>;
  /** Size of the whole object. */
  size: number;
  /** First byte in `body`. */
  start: number;
  /** Last byte in `body`, included (`start - 1` for an empty object). */
  end: number;
}

/** Thrown by {@linkcode ObjectStore.get} for a range that starts at or past the object's end. */
export class RangeNotSatisfiableError extends Error {
  override name = "RangeNotSatisfiableError";
}

/** Storage of finished files: uploaded documents, recordings. */
export interface ObjectStore {
  /**
   * Stores `body` under `key`, replacing any object there. A stream is
   * stored piece by piece, never held whole in memory. When it resolves the
   * object is durable; on failure nothing is left under `key`.
   */
  put(key: string, body: Uint8Array | ReadableStream<Uint8Array>): Promise<void>;
  /** Stores a copy of the local file at `path` under `key`, as {@linkcode ObjectStore.put} does. */
  putFile(key: string, path: string): Promise<void>;
  /**
   * Stores the local file at `path` under `key`, then removes `path`: how a
   * file made on local disk (a finalized recording) is handed to the store.
   * When it resolves the object is durable; when it throws, `path` is still
   * there, so the caller can try again.
   */
  moveFile(key: string, path: string): Promise<void>;
  /**
   * Reads `key`, or the bytes of `range`; `null` when there is no such object.
   * When `signal` aborts (the viewer went away), a read still under way stops.
   *
   * @throws {RangeNotSatisfiableError} when `range` starts at or past the end.
   */
  get(key: string, range?: ByteRange, signal?: AbortSignal): Promise<StoredObject | null>;
  /** Size of `key`, or `null` when there is no such object. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes `key`; a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (end it with `/` for a folder). */
  deleteByPrefix(prefix: string): Promise<void>;
  /** Keys that start with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** The store `config` selects: `STORAGE=fs` (default) or `STORAGE=s3`. */
export async function createObjectStore(config: Config): Promise<ObjectStore> {
  if (config.STORAGE === "fs") return createFsObjectStore(config.DATA_DIR);
  // Loaded only when used, so a deployment on `fs` never loads the AWS SDK.
  const { createS3ObjectStore } = await import("./s3_object_store.ts");
  return createS3ObjectStore({
    // config.ts has checked that these are set when STORAGE=s3.
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}

/**
 * Checks that `key` is one the server made: relative, `/`-separated, no
 * `.` or `..` parts. A bad key is a bug, so it throws rather than escaping
 * `DATA_DIR` or the bucket's folders.
 */
export function checkKey(key: string): void {
  const parts = key.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..") || key.includes("\\")) {
    throw new Error(`object key ${JSON.stringify(key)} is not a relative path of named parts`);
  }
}

/**
 * The part of an object of `size` bytes that `range` asks for.
 *
 * @throws {RangeNotSatisfiableError} when `range` starts at or past the end.
 */
export function resolveRange(size: number, range?: ByteRange): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  if (range.start >= size) {
    throw new RangeNotSatisfiableError(
      `range starts at byte ${range.start} but the object has ${size} bytes`,
    );
  }
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/**
 * Files under `dataDir`, keyed by their path relative to it: what the service
 * has always done, with atomic writes and 0600 files (media/storage.ts).
 */
export function createFsObjectStore(dataDir: string): ObjectStore {
  const pathOf = (key: string) => {
    checkKey(key);
    return join(dataDir, key);
  };
  const list = async (prefix: string): Promise<string[]> => {
    // Walk only the folder the prefix names, then match the rest of the prefix by name.
    const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    if (folder) checkKey(folder);
    return (await filesBelow(dataDir, folder))
      .filter((key) =>
        key.startsWith(prefix) && !isTemporaryFileName(key.slice(key.lastIndexOf("/") + 1))
      )
      .sort();
  };
  const putFile = async (key: string, path: string) => {
    checkKey(key);
    await createFileAtomic(dataDir, key, async (temporary) => {
      // copyFile would also copy the source's mode; writing keeps the 0600 file.
      using source = await Deno.open(path, { read: true });
      const target = await Deno.open(temporary, { write: true });
      await source.readable.pipeTo(target.writable); // closes both
    });
  };
  return {
    async put(key, body) {
      checkKey(key);
      if (body instanceof Uint8Array) return await writeFileAtomic(dataDir, key, body);
      await createFileAtomic(dataDir, key, async (temporary) => {
        const file = await Deno.open(temporary, { write: true });
        await body.pipeTo(file.writable); // closes the file
      });
    },
    putFile,
    async moveFile(key, path) {
      const target = pathOf(key);
      {
        // The data is made durable before the name points at it, so a crash
        // never leaves a stored object with missing bytes.
        using file = await Deno.open(path, { read: true, write: true });
        await file.syncData();
        if (Deno.build.os !== "windows") await Deno.chmod(path, PRIVATE_FILE_MODE);
      }
      await Deno.mkdir(dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
      try {
        // Local work files are made inside DATA_DIR, so this is a rename, not a copy.
        await Deno.rename(path, target);
      } catch (error) {
        if ((error as { code?: string }).code !== "EXDEV") throw error;
        // `path` is on another file system: copy, then remove the original.
        await putFile(key, path);
        await Deno.remove(path);
        return;
      }
      await syncDirectory(dirname(target));
    },
    async get(key, range) {
      let file: Deno.FsFile;
      try {
        file = await Deno.open(pathOf(key), { read: true });
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
      try {
        const size = (await file.stat()).size;
        const { start, end } = resolveRange(size, range);
        await file.seek(start, Deno.SeekMode.Start);
        return { body: fileSlice(file, end - start + 1), size, start, end };
      } catch (error) {
        file.close();
        throw error;
      }
    },
    async stat(key) {
      try {
        const info = await Deno.stat(pathOf(key));
        return info.isFile ? { size: info.size } : null;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
    },
    async delete(key) {
      checkKey(key);
      await removeFile(dataDir, key);
    },
    async deleteByPrefix(prefix) {
      for (const key of await list(prefix)) await removeFile(dataDir, key);
    },
    list,
  };
}

/** A stream of the next `length` bytes of `file`, which it closes when done or cancelled. */
function fileSlice(file: Deno.FsFile, length: number): ReadableStream<Uint8Array> {
  let left = length;
  const close = () => {
    try {
      file.close();
    } catch { /* closed already */ }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left <= 0) {
        close();
        return controller.close();
      }
      const buffer = new Uint8Array(Math.min(left, 64 * 1024));
      const read = await file.read(buffer);
      if (read === null) {
        close();
        return controller.error(new Error(`${left} bytes missing: the file was shortened`));
      }
      left -= read;
      controller.enqueue(buffer.subarray(0, read));
    },
    cancel: close,
  });
}
