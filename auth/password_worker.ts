/// <reference lib="deno.worker" />
/**
 * Worker that hashes and verifies passwords, so that Argon2id's ~70 ms of
 * WebAssembly work per call never blocks the server's event loop. The pool
 * in `passwords.ts` sends it one job at a time.
 *
 * @module
 */
import { argon2id, argon2Verify } from "hash-wasm";

/** What the worker is asked to do. */
export type PasswordRequest =
  | { op: "hash"; password: string }
  | { op: "verify"; password: string; hash: string };

/** A request to the worker, with the id its answer will carry. */
export type PasswordJob = PasswordRequest & { id: number };

/** The worker's answer to a {@link PasswordJob}. */
export type PasswordJobResult =
  | { id: number; ok: true; value: string | boolean }
  | { id: number; ok: false; error: string };

// OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
const MEMORY_KIB = 19 * 1024;
const ITERATIONS = 2;

self.onmessage = async (event: MessageEvent<PasswordJob>) => {
  const job = event.data;
  try {
    const value = job.op === "hash"
      ? await argon2id({
        password: job.password,
        salt: crypto.getRandomValues(new Uint8Array(16)),
        parallelism: 1,
        iterations: ITERATIONS,
        memorySize: MEMORY_KIB,
        hashLength: 32,
        outputType: "encoded",
      })
      : await argon2Verify({ password: job.password, hash: job.hash });
    self.postMessage({ id: job.id, ok: true, value } satisfies PasswordJobResult);
  } catch (error) {
    self.postMessage({ id: job.id, ok: false, error: String(error) } satisfies PasswordJobResult);
  }
};
