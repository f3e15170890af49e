/**
 * End-of-interview reports: the recommendation rule every engine shares,
 * and the offline engine's deterministic report built from scores and
 * covered/missing key points.
 *
 * @module
 */

import type { Recommendation, ReportItem } from "./engine.ts";
import { gradeForScore } from "./grading.ts";

/** Most strengths or gaps a report lists; more is noise for the reader. */
export const MAX_REPORT_POINTS = 5;

const LABELS: Record<Recommendation, string> = {
  strong_hire: "strong hire",
  hire: "hire",
  lean_hire: "lean hire",
  lean_no_hire: "lean no hire",
  no_hire: "no hire",
};

/** Mean score of the items, one decimal; 0 when there are none. */
export function averageScore(items: readonly ReportItem[]): number {
  if (items.length === 0) return 0;
  const total = items.reduce((sum, item) => sum + item.evaluation.score, 0);
  return Math.round((total / items.length) * 10) / 10;
}

/**
 * The recommendation for an average score. It uses the grade thresholds, so
 * a report never contradicts the grades shown next to it, and it is computed
 * here rather than asked of a model, so no answer text can talk it up.
 */
export function recommendationFor(average: number, answered: number): Recommendation {
  if (answered === 0) return "no_hire";
  switch (gradeForScore(average)) {
    case "A":
      return "strong_hire";
    case "B":
      return "hire";
    case "C":
      return "lean_hire";
    case "D":
      return "lean_no_hire";
    default:
      return "no_hire";
  }
}

/** Human wording of a recommendation, e.g. "lean hire". */
export function recommendationLabel(recommendation: Recommendation): string {
  return LABELS[recommendation];
}

function scoreOf(item: ReportItem): string {
  return `${item.evaluation.score.toFixed(1)}/10`;
}

function firstTwo(points: readonly string[]): string {
  return points.slice(0, 2).join("; ");
}

/** Deterministic report: strengths from well-scored answers, gaps from missed points. */
export function offlineReport(items: readonly ReportItem[]): {
  strengths: string[];
  gaps: string[];
  recommendation: Recommendation;
  summary: string;
} {
  const answered = items.filter((item) => item.answerText.trim() !== "");
  const average = averageScore(items);
  const recommendation = recommendationFor(average, answered.length);
  const byScore = [...items].sort((a, b) => b.evaluation.score - a.evaluation.score);
  const worstFirst = [...byScore].reverse();

  const strengths = byScore
    .filter((item) => item.evaluation.score >= 7 && item.evaluation.covered.length > 0)
    .slice(0, MAX_REPORT_POINTS)
    .map((item) =>
      `${item.question.topic} (${scoreOf(item)}): ${firstTwo(item.evaluation.covered)}`
    );
  const gaps = worstFirst
    .filter((item) => item.evaluation.score < 7)
    .slice(0, MAX_REPORT_POINTS)
    .map((item) =>
      item.answerText.trim() === ""
        ? `${item.question.topic}: not answered`
        : item.evaluation.missing.length > 0
        ? `${item.question.topic} (${scoreOf(item)}): missed ${firstTwo(item.evaluation.missing)}`
        : `${item.question.topic} (${scoreOf(item)}): covered the points but without depth`
    );

  if (items.length === 0) {
    return {
      strengths,
      gaps,
      recommendation,
      summary: "No answers were evaluated, so there is nothing to recommend on.",
    };
  }
  const best = byScore[0];
  const worst = worstFirst[0];
  const extremes = best.evaluation.score > worst.evaluation.score
    ? ` Strongest on ${best.question.topic} (${
      scoreOf(best)
    }), weakest on ${worst.question.topic} (${scoreOf(worst)}).`
    : "";
  return {
    strengths,
    gaps,
    recommendation,
    summary: `Average score ${average.toFixed(1)}/10 (grade ${
      gradeForScore(average)
    }) over ${items.length} question${
      items.length === 1 ? "" : "s"
    }, ${answered.length} answered.${extremes} Recommendation: ${
      recommendationLabel(recommendation)
    }.`,
  };
}
