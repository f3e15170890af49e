/**
 * The {@linkcode ObjectStore} in an S3-compatible bucket (AWS S3, MinIO,
 * Cloudflare R2, GCS's S3 API), through `@aws-sdk/client-s3`. Streams and
 * files go up with `@aws-sdk/lib-storage`'s multipart upload, a few 8 MiB
 * parts at a time, so no file is ever held whole in memory.
 *
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  type ByteRange,
  checkKey,
  type ObjectStore,
  RangeNotSatisfiableError,
  resolveRange,
} from "./object_store.ts";

/** Where the bucket is and how to sign in to it. */
export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** API root of a service other than AWS, e.g. `http://minio:9000`. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, s3rver). */
  forcePathStyle: boolean;
}

/** Size of each part of a multipart upload; S3 wants at least 5 MiB but the last. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded at once, so an upload holds at most this many parts in memory. */
const PARTS_AT_ONCE = 2;

/** Longest wait for a connection to the bucket. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest silence of the bucket on an open request (no byte sent or received). */
const IDLE_TIMEOUT_MS = 60_000;

/** An {@linkcode ObjectStore} in the bucket `options` names. */
export function createS3ObjectStore(options: S3StoreOptions): ObjectStore {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Checksums only where S3 demands them: the default adds CRC32 trailers to
    // every upload, which several S3-compatible servers store as part of the data.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // A bucket that stops answering fails the request instead of holding it, and the HTTP
    // request or job waiting on it, for ever.
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: IDLE_TIMEOUT_MS,
    },
  });
  const Bucket = options.bucket;

  const upload = async (key: string, body: ReadableStream<Uint8Array>) => {
    checkKey(key);
    // Upload sends a small body with one PutObject, a larger one in parts; a
    // failed multipart upload is aborted, so nothing is left under the key.
    await new Upload({
      client,
      params: { Bucket, Key: key, Body: body },
      partSize: PART_BYTES,
      queueSize: PARTS_AT_ONCE,
    }).done();
  };
  const list = async (prefix: string): Promise<string[]> => {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort();
  };
  const putFile = async (key: string, path: string) => {
    // Closed here too if the upload fails before reading the file to its end.
    using file = await Deno.open(path, { read: true });
    await upload(key, file.readable);
  };
  const remove = async (key: string) => {
    checkKey(key);
    await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
  };

  return {
    async put(key, body) {
      if (!(body instanceof Uint8Array)) return await upload(key, body);
      checkKey(key);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
    },
    putFile,
    async moveFile(key, path) {
      await putFile(key, path);
      // Only once the bucket has confirmed the whole object: a failed upload keeps the file.
      await Deno.remove(path);
    },
    async get(key, range?: ByteRange, signal?: AbortSignal) {
      checkKey(key);
      try {
        const response = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: key,
            Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
          }),
          { abortSignal: signal },
        );
        const body = response.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
        // "bytes 0-4/11" when a range was served, else the whole object.
        const total = /\/(\d+)$/.exec(response.ContentRange ?? "");
        const size = total ? Number(total[1]) : response.ContentLength ?? 0;
        return { body, size, ...resolveRange(size, range) };
      } catch (error) {
        if (isStatus(error, 404)) return null;
        if (isStatus(error, 416)) {
          throw new RangeNotSatisfiableError(
            `range starting at byte ${range?.start} is past the end of ${key}`,
          );
        }
        throw error;
      }
    },
    async stat(key) {
      checkKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    },
    delete: remove,
    async deleteByPrefix(prefix) {
      // One DeleteObject per key: DeleteObjects needs a Content-MD5 or checksum
      // header that not every S3-compatible server accepts.
      for (const key of await list(prefix)) await remove(key);
    },
    list,
  };
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}
