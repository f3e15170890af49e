/**
 * Argon2id password hashing on a small pool of Workers.
 *
 * Each worker runs one job at a time: hash-wasm gives every hash its own
 * 19 MiB of WebAssembly memory, so jobs running side by side in one worker
 * would multiply that. Jobs wait in a bounded queue in this thread, where a
 * waiting job holds only its inputs; when the queue is full, a new job is
 * refused at once with {@link PasswordQueueFullError}. So that one client
 * cannot take all of it, a place may name its owner (a client address), and
 * one owner may hold at most a quarter of the places (running and waiting).
 * Waiting jobs are served one owner at a time in turn, so that a client's
 * waiting jobs delay another client's by at most one each.
 *
 * A request takes its place with {@link PasswordHasher.admit} before it does
 * any other work, and holds it until its job ends: requests that would find
 * the queue full are then refused before they cost a database statement,
 * which also counts the ones still on their way to the queue.
 *
 * @module
 */
import type { PasswordJob, PasswordJobResult, PasswordRequest } from "./password_worker.ts";

/** Hashing and verifying, by the hasher or on a place taken in its queue. */
export interface PasswordOperations {
  /** Returns an encoded Argon2id hash (PHC string format). */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`; false for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Spends the same time as a real verification, for unknown usernames, so
   * that response time does not reveal which usernames exist.
   */
  verifyDummy(password: string): Promise<void>;
}

/**
 * A place held in the hashing queue, for one job of its operations; the
 * place is given back when that job ends, or by {@link PasswordPlace.release}
 * if it is not needed after all (harmless once the job has started).
 */
export interface PasswordPlace extends PasswordOperations {
  release(): void;
}

/** Hashes and verifies passwords; each operation takes a place when it is called. */
export interface PasswordHasher extends PasswordOperations {
  /**
   * Takes a place for a job of `owner`, without waiting: throws
   * {@link PasswordQueueFullError} when the queue or the owner's share is full.
   */
  admit(owner?: string): PasswordPlace;
  /** Stops the workers. */
  close(): void;
}

/**
 * The queue is full (the caller should answer 503), or the job's owner
 * already holds its share of it (`ownerLimit`; the caller should answer 429).
 */
export class PasswordQueueFullError extends Error {
  override name = "PasswordQueueFullError";
  /** A hint for `Retry-After`. */
  readonly retryAfterSeconds = 1;
  constructor(readonly ownerLimit: boolean) {
    super(
      ownerLimit
        ? "Too many password checks from your address at once. Wait for them to finish."
        : "Too many password checks are waiting. Try again in a second.",
    );
  }
}

/** Settings of {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /** Workers, and so hashes running at once (default: cores - 1, from 1 to 4). */
  workers?: number;
  /** Jobs that may wait for a worker; more are refused. */
  maxQueued?: number;
}

interface Job {
  request: PasswordRequest;
  owner?: string;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

/** A place before its job: `run` submits the job on it, once. */
interface HeldPlace {
  run(request: PasswordRequest): Promise<string | boolean>;
  release(): void;
}

/**
 * Starts the hashing workers: by default one per core but one, up to four,
 * so that hashing never takes the core the event loop needs.
 */
export function createPasswordHasher(
  {
    workers: size = Math.min(4, Math.max(1, navigator.hardwareConcurrency - 1)),
    maxQueued = 32,
  }: PasswordHasherOptions = {},
): PasswordHasher {
  // Waiting jobs by owner; the first owner is served next, then goes to the back.
  const waiting = new Map<string | undefined, Job[]>();
  let queued = 0;
  const running = new Map<Worker, Job>();
  const idle: Worker[] = [];
  const perOwner = new Map<string, number>();
  const places = size + maxQueued;
  const maxPerOwner = Math.max(1, Math.floor(places / 4));
  // Places admitted whose job is not running or queued yet: they count as taken.
  let reserved = 0;
  let nextId = 1;
  let closed = false;

  function start(worker: Worker, job: Job): void {
    running.set(worker, job);
    worker.postMessage({ ...job.request, id: nextId++ } satisfies PasswordJob);
  }

  function releaseOwner(owner: string | undefined): void {
    if (owner === undefined) return;
    const held = perOwner.get(owner)! - 1;
    if (held > 0) perOwner.set(owner, held);
    else perOwner.delete(owner);
  }

  function nextWaiting(): Job | undefined {
    for (const [owner, jobs] of waiting) {
      const job = jobs.shift()!;
      waiting.delete(owner);
      if (jobs.length > 0) waiting.set(owner, jobs);
      queued--;
      return job;
    }
  }

  function finish(worker: Worker): Job | undefined {
    const job = running.get(worker);
    running.delete(worker);
    releaseOwner(job?.owner);
    const next = nextWaiting();
    if (next) start(worker, next);
    else idle.push(worker);
    return job;
  }

  for (let i = 0; i < size; i++) {
    const worker = new Worker(new URL("./password_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<PasswordJobResult>) => {
      const result = event.data;
      const job = finish(worker);
      if (result.ok) job?.resolve(result.value);
      else job?.reject(new Error(`password hashing failed: ${result.error}`));
    };
    // An uncaught error in the worker would otherwise leave its job waiting forever.
    worker.onerror = (event) => {
      event.preventDefault();
      finish(worker)?.reject(new Error(`password worker failed: ${event.message}`));
    };
    idle.push(worker);
  }

  /** Starts or queues a job, without looking at the bound: its place was taken before. */
  function submit(request: PasswordRequest, owner?: string): Promise<string | boolean> {
    if (closed) return Promise.reject(new Error("password hasher closed"));
    return new Promise((resolve, reject) => {
      const job = { request, owner, resolve, reject };
      const worker = idle.pop();
      if (worker) return start(worker, job);
      // An owner already waiting keeps its turn.
      const jobs = waiting.get(owner);
      if (jobs) jobs.push(job);
      else waiting.set(owner, [job]);
      queued++;
    });
  }

  function hold(owner?: string): HeldPlace {
    if (closed) throw new Error("password hasher closed");
    const held = owner === undefined ? 0 : perOwner.get(owner) ?? 0;
    if (held >= maxPerOwner) throw new PasswordQueueFullError(true);
    if (running.size + queued + reserved >= places) throw new PasswordQueueFullError(false);
    reserved++;
    if (owner !== undefined) perOwner.set(owner, held + 1);
    let holding = true;
    function take(): void {
      if (!holding) throw new Error("a password place serves one job");
      holding = false;
      reserved--;
    }
    return {
      run(request) {
        take();
        // The owner's count is given back when the job finishes.
        return submit(request, owner);
      },
      release() {
        if (!holding) return;
        take();
        releaseOwner(owner);
      },
    };
  }

  let dummyHash: Promise<string> | undefined;
  /**
   * The hash unknown usernames are checked against, made once per process.
   * It takes no place: it is one job, and a full queue must not fail the
   * login that happens to need it first.
   */
  function dummy(): Promise<string> {
    if (!dummyHash) {
      dummyHash = submit({ op: "hash", password: crypto.randomUUID() }).then(String);
      // A failed hash must not stay cached as the answer for later calls.
      dummyHash.catch(() => dummyHash = undefined);
    }
    return dummyHash;
  }

  /** The operations over `run`, which is called only when a job is submitted. */
  function operations(run: HeldPlace["run"]): PasswordOperations {
    const verify = async (password: string, hash: string) => {
      if (!hash.startsWith("$argon2id$")) return false;
      return (await run({ op: "verify", password, hash })) === true;
    };
    return {
      hash: async (password) => String(await run({ op: "hash", password })),
      verify,
      verifyDummy: async (password) => {
        await verify(password, await dummy());
      },
    };
  }

  return {
    ...operations((request) => hold().run(request)),
    admit(owner) {
      const place = hold(owner);
      return { ...operations(place.run), release: place.release };
    },
    close: () => {
      closed = true;
      for (const worker of [...idle, ...running.keys()]) worker.terminate();
      const pending = [...running.values(), ...[...waiting.values()].flat()];
      running.clear();
      waiting.clear();
      queued = 0;
      idle.length = 0;
      perOwner.clear();
      reserved = 0;
      for (const job of pending) job.reject(new Error("password hasher closed"));
    },
  };
}
