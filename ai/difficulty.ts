/**
 * Adapts the offline engine's questions to a difficulty: junior rubrics keep
 * only the most important points, senior questions also probe trade-offs and
 * scale. "mid" is the catalog as written.
 *
 * @module
 */

import type { Difficulty, KeyPoint, PlannedQuestion, QuestionKind } from "./engine.ts";

/** Junior answers are judged on the essentials only. */
const JUNIOR_POINTS = 3;

const SENIOR_TECHNICAL: KeyPoint = {
  point: "weighs trade-offs, failure modes and behaviour at scale",
  keywords: [
    "trade off",
    "tradeoff",
    "failure",
    "fails",
    "scale",
    "bottleneck",
    "alternative",
    "risk",
    "throughput",
    "capacity",
  ],
  weight: 1,
};

const SENIOR_BEHAVIORAL: KeyPoint = {
  point: "changed how the team works as a result",
  keywords: [
    "process",
    "the team",
    "introduced",
    "mentored",
    "coached",
    "retrospective",
    "standard",
    "culture",
    "playbook",
  ],
  weight: 1,
};

const SENIOR_PROMPTS: Record<QuestionKind, string> = {
  technical: "How does your approach change at large scale, and which trade-offs matter most?",
  experience: "Which trade-offs did you weigh, and what would change at ten times the scale?",
  project: "Which trade-offs did you weigh, and what would change at ten times the scale?",
  behavioral: "What did you change in how the team works as a result?",
};

/** The `limit` heaviest points, in their original order (which the catalog chose deliberately). */
function heaviest(points: readonly KeyPoint[], limit: number): KeyPoint[] {
  const kept = new Set(
    points.map((p, i) => ({ p, i })).sort((a, b) => b.p.weight - a.p.weight || a.i - b.i)
      .slice(0, limit).map(({ p }) => p),
  );
  return points.filter((p) => kept.has(p));
}

/** Returns the question adapted to `difficulty`; "mid" returns it unchanged. */
export function adjustForDifficulty(
  question: PlannedQuestion,
  difficulty: Difficulty,
): PlannedQuestion {
  if (difficulty === "junior") {
    return { ...question, keyPoints: heaviest(question.keyPoints, JUNIOR_POINTS) };
  }
  if (difficulty === "senior") {
    const extra = question.kind === "behavioral" ? SENIOR_BEHAVIORAL : SENIOR_TECHNICAL;
    return {
      ...question,
      text: `${question.text} ${SENIOR_PROMPTS[question.kind]}`,
      keyPoints: [...question.keyPoints, extra],
      referenceAnswer: `${question.referenceAnswer} At senior level it also ${extra.point}.`,
    };
  }
  return question;
}
