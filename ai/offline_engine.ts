/**
 * The deterministic offline interview engine: no network, no randomness, no
 * clock. It plans questions from a built-in skill catalog and grades answers
 * by explainable key-point coverage and specificity.
 *
 * @module
 */

import type {
  Evaluation,
  InterviewEngine,
  PlannedQuestion,
  PlanRequest,
  QuestionToEvaluate,
} from "./engine.ts";
import { scoreAnswer } from "./answer_scorer.ts";
import { planInterview } from "./question_planner.ts";

/**
 * Offline {@link InterviewEngine}. The same input always gives the same
 * questions and the same evaluation, which makes results reproducible and
 * testable.
 *
 * @example
 * ```ts
 * const engine = new OfflineEngine();
 * const [question] = await engine.planQuestions({ jdText, resumeText, count: 1 });
 * const evaluation = await engine.evaluateAnswer(question, "In my last project I…");
 * ```
 */
export class OfflineEngine implements InterviewEngine {
  /** Stored with results so reports show which engine graded them. */
  readonly name = "offline";

  /**
   * Plans exactly `count` distinct questions grounded in the JD and resume.
   *
   * @throws {RangeError} when `count` is not an integer from 1 to 20.
   */
  planQuestions(request: PlanRequest): Promise<PlannedQuestion[]> {
    try {
      return Promise.resolve(planInterview(request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Scores an answer from 0 to 10 with a remark naming covered and missing key points. */
  evaluateAnswer(question: QuestionToEvaluate, answerText: string): Promise<Evaluation> {
    return Promise.resolve(scoreAnswer(question, answerText));
  }
}
