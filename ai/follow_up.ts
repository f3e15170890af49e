/**
 * The offline engine's follow-up questions: deterministic, they ask about
 * the most important key point the answer missed.
 *
 * @module
 */

import type { Evaluation, KeyPoint, PlannedQuestion, QuestionToEvaluate } from "./engine.ts";

/** From this score on an answer counts as complete and gets no follow-up. */
export const COMPLETE_SCORE = 8;

/** The heaviest missed point; ties go to the earlier point, which the rubric lists first on purpose. */
function mostImportantMissing(question: QuestionToEvaluate, missing: readonly string[]): KeyPoint {
  const missed = new Set(missing);
  const candidates = (question.keyPoints ?? []).filter((p) => missed.has(p.point));
  if (candidates.length === 0) {
    // Points derived from the reference answer have no stored weight or keywords.
    return { point: missing[0], keywords: [], weight: 1 };
  }
  return candidates.reduce((best, p) => (p.weight > best.weight ? p : best));
}

/** "explains how they chose" → "explain how you chose"; null when the point is not a verb phrase. */
function asSecondPerson(point: string): string | null {
  const [first, ...rest] = point.trim().split(/\s+/);
  if (!first || !/^[a-z]+$/.test(first)) return null;
  let verb: string;
  if (/ies$/.test(first)) verb = `${first.slice(0, -3)}y`;
  else if (/(?:ss|sh|tch|x|z|o)es$/.test(first)) verb = first.slice(0, -2);
  else if (/[^s]s$/.test(first)) verb = first.slice(0, -1);
  else if (/ed$/.test(first)) verb = first;
  else return null;
  const tail = rest.join(" ")
    .replace(/\bthemselves\b/g, "yourself")
    .replace(/\bthey\b/g, "you")
    .replace(/\btheir\b/g, "your")
    .replace(/\bthem\b/g, "you")
    .replace(/\bthe candidate\b/g, "you");
  return tail ? `${verb} ${tail}` : verb;
}

/**
 * A follow-up on the most important missing key point, or null when the
 * answer scored {@link COMPLETE_SCORE} or more or missed nothing. Always in
 * English.
 */
export function offlineFollowUp(
  question: QuestionToEvaluate,
  evaluation: Evaluation,
): PlannedQuestion | null {
  if (evaluation.score >= COMPLETE_SCORE || evaluation.missing.length === 0) return null;
  const target = mostImportantMissing(question, evaluation.missing);
  const request = asSecondPerson(target.point);
  const gap = request
    ? `your answer did not yet show that you ${request}`
    : `your answer did not yet cover this point: "${target.point}"`;
  return {
    text:
      `Following up on ${question.topic}: ${gap}. Can you walk me through that with a concrete example from your own work?`,
    topic: question.topic,
    kind: question.kind,
    source: question.source ?? "jd",
    referenceAnswer:
      `A strong answer ${target.point}, illustrated with a concrete example from the candidate's own work.`,
    keyPoints: [target],
  };
}
