/**
 * The S3-compatible server the tests may run against: with
 * `TEST_S3_ENDPOINT` set (`.ci/run` starts s3rver, scripts/temp_s3.sh), the
 * storage tests use a fresh bucket there; without it they use `STORAGE=fs`.
 *
 * @module
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { concatBytes } from "../../media/bytes.ts";
import type { ObjectStore } from "../../media/object_store.ts";
import { filesBelow } from "../../media/storage.ts";

/** The test server's endpoint, or `undefined` when the tests run on `fs` only. */
export const TEST_S3_ENDPOINT = Deno.env.get("TEST_S3_ENDPOINT") || undefined;

/**
 * Settings (as environment strings) for `STORAGE=s3` in a new, empty bucket
 * on the test server, so every test sees only its own objects; `{}` (files in
 * `DATA_DIR`) when `TEST_S3_ENDPOINT` is unset.
 */
export async function testStorageEnv(): Promise<Record<string, string>> {
  if (!TEST_S3_ENDPOINT) return {};
  const env = {
    STORAGE: "s3",
    S3_ENDPOINT: TEST_S3_ENDPOINT,
    S3_REGION: Deno.env.get("TEST_S3_REGION") || "us-east-1",
    S3_BUCKET: `test-${crypto.randomUUID()}`,
    // s3rver accepts any credentials; a real server needs its own.
    S3_ACCESS_KEY_ID: Deno.env.get("TEST_S3_ACCESS_KEY_ID") || "S3RVER",
    S3_SECRET_ACCESS_KEY: Deno.env.get("TEST_S3_SECRET_ACCESS_KEY") || "S3RVER",
    S3_FORCE_PATH_STYLE: "true",
  };
  const client = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
  } finally {
    client.destroy();
  }
  return env;
}

/** The whole of `key` (or `range` of it), or `null` when it is missing. */
export async function readObject(
  store: ObjectStore,
  key: string,
  range?: { start: number; end?: number },
): Promise<Uint8Array | null> {
  const object = await store.get(key, range);
  return object && concatBytes(await Array.fromAsync(object.body));
}

/**
 * Every object of `store` under each of `folders` (`"recordings/"`) and
 * every file below the same folders of `dataDir` (staging, anything left
 * behind locally), sorted, without repeats: with `STORAGE=fs` the two are
 * the same files.
 */
export async function storedAndLocalFiles(
  store: ObjectStore,
  dataDir: string,
  folders: string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const folder of folders) {
    if (!folder.endsWith("/")) throw new Error(`folder ${folder} must end with "/"`);
    for (const key of await store.list(folder)) found.add(key);
    for (const path of await filesBelow(dataDir, folder.slice(0, -1))) found.add(path);
  }
  return [...found].sort();
}

/** The methods of an {@linkcode ObjectStore} that write or delete, which {@linkcode breakStore} can break. */
export type StoreWrite = "put" | "putFile" | "moveFile" | "delete" | "deleteByPrefix";

/**
 * Makes `method` of `store` (in place, so whatever already holds the store,
 * such as a running job runner, sees it) throw without touching the store,
 * for the keys `fails` picks (every key by default): a bucket that is down
 * or refuses a key. It fails while `on` is true; `calls` lists refused keys.
 */
export function breakStore(
  store: ObjectStore,
  method: StoreWrite,
  fails: (key: string) => boolean = () => true,
): { on: boolean; calls: string[] } {
  const broken = { on: true, calls: [] as string[] };
  const original = store[method] as (key: string, ...rest: unknown[]) => Promise<void>;
  const replaced = (key: string, ...rest: unknown[]) => {
    if (!broken.on || !fails(key)) return original.call(store, key, ...rest);
    broken.calls.push(key);
    return Promise.reject(new Error(`test double: the store refused ${method} of ${key}`));
  };
  Object.assign(store, { [method]: replaced });
  return broken;
}
