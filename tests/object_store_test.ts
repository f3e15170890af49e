/**
 * One contract for every {@linkcode ObjectStore}: run on `STORAGE=fs` always
 * and on the test S3 server when `TEST_S3_ENDPOINT` is set.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../config.ts";
import {
  createObjectStore,
  type ObjectStore,
  RangeNotSatisfiableError,
} from "../media/object_store.ts";
import { testDataDir } from "./helpers/app.ts";
import { readObject, TEST_S3_ENDPOINT, testStorageEnv } from "./helpers/storage.ts";

const encoder = new TextEncoder();

/** A store of `kind` in a fresh folder or bucket, and its `DATA_DIR`. */
async function freshStore(kind: "fs" | "s3"): Promise<{ store: ObjectStore; dataDir: string }> {
  const dataDir = await testDataDir();
  const env = kind === "s3" ? await testStorageEnv() : {};
  return { store: await createObjectStore(parseConfig({ DATA_DIR: dataDir, ...env })), dataDir };
}

/** `length` bytes that differ from part to part, so a misplaced part shows. */
function patterned(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 16)) & 0xff;
  return bytes;
}

/** A stream of `bytes` in pieces of `pieceBytes`, as a recording arrives. */
function streamOf(bytes: Uint8Array, pieceBytes: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + pieceBytes));
      offset += pieceBytes;
    },
  });
}

const kinds: ("fs" | "s3")[] = TEST_S3_ENDPOINT ? ["fs", "s3"] : ["fs"];

for (const kind of kinds) {
  Deno.test(`${kind}: put, get, stat, ranges and overwrite`, async () => {
    const { store } = await freshStore(kind);
    await store.put("uploads/jd/1/a.txt", encoder.encode("hello world"));
    assert.deepEqual(await store.stat("uploads/jd/1/a.txt"), { size: 11 });
    assert.deepEqual(await readObject(store, "uploads/jd/1/a.txt"), encoder.encode("hello world"));

    const range = await store.get("uploads/jd/1/a.txt", { start: 0, end: 4 });
    assert.ok(range);
    assert.deepEqual([range.size, range.start, range.end], [11, 0, 4]);
    assert.deepEqual(
      new Uint8Array(await new Response(range.body).arrayBuffer()),
      encoder.encode("hello"),
    );
    assert.deepEqual(
      await readObject(store, "uploads/jd/1/a.txt", { start: 6 }),
      encoder.encode("world"),
    );
    const pastEnd = await store.get("uploads/jd/1/a.txt", { start: 6, end: 100 });
    assert.deepEqual([pastEnd?.start, pastEnd?.end], [6, 10], "the end is clamped");
    await pastEnd?.body.cancel();
    await assert.rejects(
      () => store.get("uploads/jd/1/a.txt", { start: 11 }),
      RangeNotSatisfiableError,
    );

    await store.put("uploads/jd/1/a.txt", encoder.encode("new"));
    assert.deepEqual(await readObject(store, "uploads/jd/1/a.txt"), encoder.encode("new"));
  });

  Deno.test(`${kind}: missing keys read as null and delete quietly`, async () => {
    const { store } = await freshStore(kind);
    assert.equal(await store.get("uploads/none"), null);
    assert.equal(await store.get("uploads/none", { start: 0, end: 1 }), null);
    assert.equal(await store.stat("uploads/none"), null);
    await store.delete("uploads/none");
    await store.deleteByPrefix("uploads/none/");
    assert.deepEqual(await store.list("uploads/"), []);
  });

  Deno.test(`${kind}: list and delete by prefix stay within the prefix`, async () => {
    const { store } = await freshStore(kind);
    const keys = [
      "recordings/1/1/camera.webm",
      "recordings/1/2/audio.wav",
      "recordings/12/1/camera.webm",
      "uploads/jd/1/x.pdf",
    ];
    for (const key of keys) await store.put(key, encoder.encode(key));
    assert.deepEqual(await store.list(""), keys);
    assert.deepEqual(await store.list("recordings/1/"), keys.slice(0, 2));
    assert.deepEqual(await store.list("recordings/1"), keys.slice(0, 3), "a plain prefix");
    await store.deleteByPrefix("recordings/1/");
    assert.deepEqual(await store.list(""), keys.slice(2));
    await store.delete("uploads/jd/1/x.pdf");
    assert.deepEqual(await store.list(""), ["recordings/12/1/camera.webm"]);
  });

  Deno.test(`${kind}: a stream and a file over 5 MiB are stored whole (multipart on S3)`, async () => {
    const { store } = await freshStore(kind);
    const bytes = patterned(17 * 1024 * 1024 + 10);
    await store.put("recordings/1/1/camera.webm", streamOf(bytes, 256 * 1024));
    assert.deepEqual(await store.stat("recordings/1/1/camera.webm"), { size: bytes.byteLength });
    assert.deepEqual(await readObject(store, "recordings/1/1/camera.webm"), bytes);

    const local = join(await testDataDir(), "combined.webm");
    await Deno.writeFile(local, bytes.subarray(0, 6 * 1024 * 1024));
    await store.putFile("recordings/1/1/combined.webm", local);
    const tail = await readObject(store, "recordings/1/1/combined.webm", {
      start: 5 * 1024 * 1024 - 3,
    });
    assert.deepEqual(tail, bytes.subarray(5 * 1024 * 1024 - 3, 6 * 1024 * 1024));
  });

  Deno.test(`${kind}: moveFile stores a local file over 5 MiB and removes it`, async () => {
    const { store } = await freshStore(kind);
    const bytes = patterned(6 * 1024 * 1024 + 3);
    const local = join(await testDataDir(), "camera.webm");
    await Deno.writeFile(local, bytes);
    await store.moveFile("recordings/1/1/camera.webm", local);
    await assert.rejects(Deno.stat(local), Deno.errors.NotFound, "the local file was kept");
    assert.deepEqual(await readObject(store, "recordings/1/1/camera.webm"), bytes);
    assert.deepEqual(await store.list(""), ["recordings/1/1/camera.webm"]);
  });

  Deno.test(`${kind}: a moveFile that fails keeps the local file`, async () => {
    const { store } = await freshStore(kind);
    const local = join(await testDataDir(), "audio.wav");
    await Deno.writeFile(local, patterned(100));
    await assert.rejects(() => store.moveFile("../escape.wav", local), /object key/);
    await assert.rejects(
      () => store.moveFile("recordings/1/1/audio.wav", `${local}.missing`),
      Deno.errors.NotFound,
    );
    assert.deepEqual(await Deno.readFile(local), patterned(100));
    assert.deepEqual(await store.list(""), []);
  });

  Deno.test(`${kind}: a failed stream leaves nothing under its key`, async () => {
    const { store } = await freshStore(kind);
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(patterned(1024));
        controller.error(new Error("the client went away"));
      },
    });
    await assert.rejects(() => store.put("uploads/jd/1/broken.pdf", failing));
    assert.equal(await store.stat("uploads/jd/1/broken.pdf"), null);
    assert.deepEqual(await store.list(""), []);
  });

  Deno.test(`${kind}: keys that are not server-made relative paths are refused`, async () => {
    const { store } = await freshStore(kind);
    for (const key of ["../escape", "/absolute", "a//b", "a/./b", "a\\b", ""]) {
      await assert.rejects(() => store.put(key, new Uint8Array(1)), /object key/, key);
    }
  });
}

Deno.test("fs: files are 0600 and no temporary file is left", async () => {
  if (Deno.build.os === "windows") return;
  const { store, dataDir } = await freshStore("fs");
  await store.put("uploads/jd/1/a.txt", encoder.encode("x"));
  await store.put("uploads/jd/1/b.txt", streamOf(patterned(100), 7));
  for (const name of ["a.txt", "b.txt"]) {
    assert.equal((await Deno.stat(join(dataDir, "uploads/jd/1", name))).mode! & 0o777, 0o600);
  }
  const names = await Array.fromAsync(Deno.readDir(join(dataDir, "uploads/jd/1")), (e) => e.name);
  assert.deepEqual(names.sort(), ["a.txt", "b.txt"]);
});

Deno.test("fs: moveFile renames within DATA_DIR, 0600; from another file system it copies", async () => {
  if (Deno.build.os === "windows") return;
  const { store, dataDir } = await freshStore("fs");
  const local = join(dataDir, "recordings/1/1/staging/out/camera.webm");
  await Deno.mkdir(join(local, ".."), { recursive: true });
  await Deno.writeFile(local, patterned(10), { mode: 0o644 });
  const inode = (await Deno.stat(local)).ino;
  await store.moveFile("recordings/1/1/camera.webm", local);
  const stored = await Deno.stat(join(dataDir, "recordings/1/1/camera.webm"));
  assert.equal(stored.ino, inode, "the same file, renamed rather than copied");
  assert.equal(stored.mode! & 0o777, 0o600);
  await assert.rejects(Deno.stat(local), Deno.errors.NotFound);

  // /dev/shm is a file system of its own on Linux: rename fails with EXDEV there.
  const elsewhere = await Deno.makeTempDir({ dir: "/dev/shm" }).catch(() => null);
  if (!elsewhere) return;
  try {
    const outside = join(elsewhere, "audio.wav");
    await Deno.writeFile(outside, patterned(20));
    await store.moveFile("recordings/1/1/audio.wav", outside);
    assert.deepEqual(await readObject(store, "recordings/1/1/audio.wav"), patterned(20));
    await assert.rejects(Deno.stat(outside), Deno.errors.NotFound);
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("STORAGE=s3 without a bucket or credentials stops the start with one line", () => {
  assert.throws(
    () => parseConfig({ STORAGE: "s3", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }),
    /^ConfigError: Invalid S3_BUCKET: required when STORAGE=s3; set it, or set STORAGE=fs/,
  );
  assert.throws(
    () => parseConfig({ STORAGE: "s3", S3_BUCKET: "media" }),
    /Invalid S3_ACCESS_KEY_ID: required when STORAGE=s3/,
  );
  assert.throws(() => parseConfig({ STORAGE: "gcs" }), /Invalid STORAGE \(got "gcs"\)/);
  assert.equal(parseConfig({}).STORAGE, "fs");
});
