/**
 * What an answer says, by meaning rather than by its words, measured with the
 * sentence encoder (`sentence_encoder.ts`):
 *
 * - whether it is about what the question asks: an expert names the trade's
 *   things ("a digital block with lignocaine, phenol to the matrix") where
 *   the question named the duty ("nail surgery under local anaesthetic");
 * - how much of it is stock claims ("I always make sure everything is done
 *   properly", "I'm a real team player"), in whatever trade's words.
 *
 * How close is close enough differs from question to question, so a
 * question is measured against texts about everyday life: an answer is about
 * the question when it lies clearly closer to it than the closest of them.
 *
 * @module
 */

import { EVERYDAY_TEXTS, STOCK_CLAIMS } from "./meaning_references.ts";
import { cosine, embed } from "./sentence_encoder.ts";
import { MAX_ANSWER_CHARS, sanitizeText, splitSentences, tokenize } from "./text.ts";

/**
 * How much closer to the question than the closest everyday text an answer
 * must be (cosine) to be about it, and how much farther to be about something
 * else. Measured on the quality corpus: docs/ai_quality.md, rounds 12 and 13.
 */
export const RELEVANCE_MARGIN = 0.1;

/** Characters of an answer the encoder reads; the rest changes nothing. */
export const MEANING_CHARS = 1_500;

/** Sentences of an answer weighed for stock claims. */
export const MEANING_SENTENCES = 12;

/** From this cosine to a stock claim, a sentence is one. */
export const STOCK_SIMILARITY = 0.55;

/** What an answer means, next to the question it answers. */
export interface AnswerMeaning {
  /** Cosine similarity of the answer to the question's first sentence. */
  similarity: number;
  /** The highest similarity of an everyday text to that sentence. */
  baseline: number;
  /** `similarity` is at least {@link RELEVANCE_MARGIN} above `baseline`. */
  related: boolean;
  /** `similarity` is more than {@link RELEVANCE_MARGIN} below `baseline`: everyday life is closer. */
  elsewhere: boolean;
  /** Share of the answer's words (0 to 1) in sentences that are stock claims. */
  stockShare: number;
}

let references: Promise<{ everyday: number[][]; stock: number[][] }> | undefined;

function referenceVectors(): Promise<{ everyday: number[][]; stock: number[][] }> {
  references ??= Promise.all([embed(EVERYDAY_TEXTS), embed(STOCK_CLAIMS)])
    .then(([everyday, stock]) => ({ everyday, stock }))
    .catch((error) => {
      references = undefined;
      throw error;
    });
  return references;
}

/**
 * The part of a question that names its subject: its first sentence ("The
 * role asks you to…", "On your resume you wrote: …"), without the template
 * that follows.
 */
export function askedPart(questionText: string): string {
  return questionText.split(/(?<=[.?!"”])\s+(?=[A-Z])/)[0];
}

/**
 * Measures an answer's meaning against its question; `owner` is whose answer
 * it is, for the encoder's fair share (see `sentence_encoder.ts`).
 */
export async function readMeaning(
  questionText: string,
  answerText: string,
  owner?: string,
): Promise<AnswerMeaning> {
  const { everyday, stock } = await referenceVectors();
  // The encoder's time grows faster than the text: the opening of a long answer says what it
  // is about, and its first sentences whether it is stock claims (bench/answer_meaning.ts).
  const text = sanitizeText(answerText, MEANING_CHARS);
  const sentences = splitSentences(text).slice(0, MEANING_SENTENCES);
  const [asked, answer, ...vectors] = await embed([
    askedPart(sanitizeText(questionText, MAX_ANSWER_CHARS)),
    text,
    ...sentences,
  ], owner);
  const baseline = Math.max(...everyday.map((text) => cosine(asked, text)));
  const similarity = cosine(asked, answer);
  let words = 0;
  let stockWords = 0;
  sentences.forEach((sentence, i) => {
    const count = tokenize(sentence).length;
    words += count;
    if (stock.some((claim) => cosine(vectors[i], claim) >= STOCK_SIMILARITY)) stockWords += count;
  });
  return {
    similarity,
    baseline,
    related: similarity - baseline >= RELEVANCE_MARGIN,
    elsewhere: baseline - similarity > RELEVANCE_MARGIN,
    stockShare: words === 0 ? 0 : stockWords / words,
  };
}
