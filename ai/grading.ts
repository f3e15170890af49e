import type { Grade } from "./engine.ts";

/**
 * Maps a 0–10 score to a letter grade. Used for single answers and for
 * interview averages, so both always agree.
 */
export function gradeForScore(score: number): Grade {
  if (score >= 8.5) return "A";
  if (score >= 7) return "B";
  if (score >= 5.5) return "C";
  if (score >= 4) return "D";
  return "F";
}
