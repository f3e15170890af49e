/**
 * The deterministic offline interview engine: no network, no randomness, no
 * clock. It plans questions from what the JD and resume say (with a software
 * skill catalog for clearly software JDs) and grades answers by explainable
 * key-point coverage and specificity.
 *
 * @module
 */

import type {
  Evaluation,
  InterviewContext,
  InterviewEngine,
  InterviewReport,
  PlannedQuestion,
  PlanRequest,
  QuestionToEvaluate,
  ReportItem,
} from "./engine.ts";
import { gradedSentences, scoreAnswer } from "./answer_scorer.ts";
import { type AnswerMeaning, readMeaning } from "./answer_meaning.ts";
import { log } from "../log.ts";
import { adjustForDifficulty } from "./difficulty.ts";
import { offlineFollowUp } from "./follow_up.ts";
import { resolveDifficulty, resolveLanguage } from "./plan_options.ts";
import { planInterview } from "./question_planner.ts";
import { offlineReport } from "./report.ts";

/** Reads an answer's meaning against its question; see `answer_meaning.ts`. */
export type MeaningReader = (
  questionText: string,
  answerText: string,
  owner?: string,
) => Promise<AnswerMeaning>;

/** Name stored with everything the offline engine produces. */
export const OFFLINE_ENGINE_NAME = "offline";

/**
 * Offline {@link InterviewEngine}. The same input always gives the same
 * questions and the same evaluation, which makes results reproducible and
 * testable. It is also the fallback when an LLM provider fails.
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
  readonly name = OFFLINE_ENGINE_NAME;
  readonly #readMeaning: MeaningReader;

  /** `readMeaning` replaces the sentence encoder, for tests of its failure. */
  constructor({ readMeaning: reader = readMeaning }: { readMeaning?: MeaningReader } = {}) {
    this.#readMeaning = reader;
  }

  /**
   * Plans exactly `count` distinct questions grounded in the JD and resume.
   * `difficulty` trims (junior) or extends (senior) the rubrics. `language`
   * is validated but ignored: the engine writes English only.
   *
   * @throws {RangeError} when `count` is not an integer from 1 to 20, or
   * `difficulty` or `language` is malformed.
   */
  planQuestions(request: PlanRequest): Promise<PlannedQuestion[]> {
    try {
      const difficulty = resolveDifficulty(request.difficulty);
      resolveLanguage(request.language);
      return Promise.resolve(
        planInterview(request).map((q) => ({
          ...adjustForDifficulty(q, difficulty),
          engine: this.name,
        })),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Scores an answer from 0 to 10 with a remark naming covered and missing
   * key points. Should the sentence encoder fail, the answer is still scored,
   * by its words and grammar alone, and a warning is logged.
   */
  async evaluateAnswer(
    question: QuestionToEvaluate,
    answerText: string,
    owner?: string,
  ): Promise<Evaluation> {
    let meaning: AnswerMeaning | undefined;
    try {
      const graded = gradedSentences(answerText).kept.join("\n");
      meaning = await this.#readMeaning(question.text, graded, owner);
    } catch (error) {
      log.warn("sentence encoder failed; scored the answer by its words alone", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return { ...scoreAnswer(question, answerText, meaning), engine: this.name };
  }

  /**
   * Asks about the most important missing key point; null when the answer
   * scored 8 or more or missed nothing. English only, whatever `context.language`.
   */
  followUp(
    question: QuestionToEvaluate,
    _answerText: string,
    evaluation: Evaluation,
    _context: InterviewContext,
  ): Promise<PlannedQuestion | null> {
    const next = offlineFollowUp(question, evaluation);
    return Promise.resolve(next && { ...next, engine: this.name });
  }

  /** A deterministic report from the scores and the covered and missing key points. English only. */
  summarize(items: ReportItem[], _context: InterviewContext): Promise<InterviewReport> {
    return Promise.resolve({ ...offlineReport(items), engine: this.name });
  }
}
