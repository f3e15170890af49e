/**
 * Rubric scoring for LLM evaluations: the model only says which rubric
 * points an answer meets; the score is computed here from the points'
 * weights, so nothing the candidate writes and nothing the model claims can
 * set it directly.
 *
 * @module
 */

import type { Evaluation, KeyPoint, QuestionToEvaluate } from "./engine.ts";
import { gradeForScore } from "./grading.ts";
import { sanitizeText, splitSentences } from "./text.ts";

/** A hand-edited question without key points is graded on its reference answer's sentences. */
const MAX_DERIVED_POINTS = 8;

/** The points an answer to `question` is graded on, with usable weights. */
export function rubricFor(question: QuestionToEvaluate): KeyPoint[] {
  const points = (question.keyPoints ?? []).filter((p) =>
    typeof p?.point === "string" && p.point.trim() !== ""
  ).map((p) => ({
    point: p.point.trim(),
    keywords: Array.isArray(p.keywords) ? p.keywords : [],
    weight: Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 1,
  }));
  if (points.length > 0) return points;
  const sentences = splitSentences(sanitizeText(question.referenceAnswer ?? "", 4000));
  if (sentences.length === 0) {
    return [{ point: "answers the question substantively", keywords: [], weight: 1 }];
  }
  return sentences.slice(0, MAX_DERIVED_POINTS).map((point) => ({
    point,
    keywords: [],
    weight: 1,
  }));
}

function listOrNone(items: readonly string[]): string {
  return items.length > 0 ? items.join("; ") : "none";
}

/**
 * The evaluation for an answer that meets the rubric points at indices
 * `met`: score = 10 × met weight ÷ total weight, one decimal.
 *
 * @param note the model's own remark, appended after the computed part.
 * @param removed how many grader-directed sentences were cut from the answer.
 */
export function evaluateByRubric(
  rubric: readonly KeyPoint[],
  met: readonly number[],
  options: { engine: string; note?: string; removed?: number },
): Evaluation {
  const metSet = new Set(met);
  const covered = rubric.filter((_, i) => metSet.has(i)).map((p) => p.point);
  const missing = rubric.filter((_, i) => !metSet.has(i)).map((p) => p.point);
  const total = rubric.reduce((sum, p) => sum + p.weight, 0);
  const earned = rubric.reduce((sum, p, i) => sum + (metSet.has(i) ? p.weight : 0), 0);
  const score = total > 0 ? Math.round((earned / total) * 100) / 10 : 0;
  const weight = (n: number) => String(Math.round(n * 100) / 100);
  const parts = [
    `Covered ${covered.length} of ${rubric.length} key points: ${listOrNone(covered)}.`,
    `Missing: ${listOrNone(missing)}.`,
    `Score ${score.toFixed(1)} = 10 × ${weight(earned)} of ${weight(total)} rubric weight.`,
  ];
  if (options.note) parts.push(`Assessment: ${options.note}`);
  if (options.removed) {
    parts.push(
      `Ignored text addressed to the grader in ${options.removed} sentence${
        options.removed === 1 ? "" : "s"
      }; it earns nothing.`,
    );
  }
  return {
    score,
    grade: gradeForScore(score),
    remark: parts.join(" "),
    covered,
    missing,
    engine: options.engine,
  };
}
