/**
 * Argon2id password hashing on a small pool of Workers.
 *
 * @module
 */
import type { PasswordJob, PasswordJobResult, PasswordRequest } from "./password_worker.ts";

/** Hashes and verifies passwords. */
export interface PasswordHasher {
  /** Returns an encoded Argon2id hash (PHC string format). */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`; false for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Spends the same time as a real verification, for unknown usernames, so
   * that response time does not reveal which usernames exist.
   */
  verifyDummy(password: string): Promise<void>;
  /** Stops the workers. */
  close(): void;
}

type Pending = { resolve: (value: string | boolean) => void; reject: (error: Error) => void };

/** Starts `size` hashing workers; jobs go to the least busy one. */
export function createPasswordHasher(size = 2): PasswordHasher {
  const pending = new Map<number, Pending>();
  const load: number[] = [];
  let nextId = 1;
  const workers = Array.from({ length: size }, (_, index) => {
    const worker = new Worker(new URL("./password_worker.ts", import.meta.url), { type: "module" });
    load.push(0);
    worker.onmessage = (event: MessageEvent<PasswordJobResult>) => {
      const result = event.data;
      const job = pending.get(result.id);
      if (!job) return;
      pending.delete(result.id);
      load[index]--;
      if (result.ok) job.resolve(result.value);
      else job.reject(new Error(`password hashing failed: ${result.error}`));
    };
    return worker;
  });

  function run(job: PasswordRequest): Promise<string | boolean> {
    const id = nextId++;
    const index = load.indexOf(Math.min(...load));
    load[index]++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      workers[index].postMessage({ ...job, id } satisfies PasswordJob);
    });
  }

  let dummyHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: async (password) => String(await run({ op: "hash", password })),
    verify: async (password, hash) => {
      if (!hash.startsWith("$argon2id$")) return false;
      return (await run({ op: "verify", password, hash })) === true;
    },
    verifyDummy: async (password) => {
      dummyHash ??= hasher.hash(crypto.randomUUID());
      await hasher.verify(password, await dummyHash);
    },
    close: () => {
      for (const worker of workers) worker.terminate();
      for (const job of pending.values()) job.reject(new Error("password hasher closed"));
      pending.clear();
    },
  };
  return hasher;
}
