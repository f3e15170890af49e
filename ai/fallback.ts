/**
 * Falls back to another engine (the offline one) whenever the primary
 * engine's provider fails, and records it: every result says which engine
 * produced it and, after a fallback, why.
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
import { resolveDifficulty, resolveLanguage } from "./plan_options.ts";
import { ProviderError } from "./provider_error.ts";
import { assertQuestionCount } from "./question_planner.ts";
import { log } from "../log.ts";

/**
 * An engine that tries `primary` and, when it throws, answers with
 * `fallback`, setting `fallbackReason` on the result. Invalid input is
 * rejected up front: it is the caller's mistake, and falling back would
 * hide it.
 */
export class FallbackEngine implements InterviewEngine {
  /** The primary engine's name: what the service is configured to use. */
  readonly name: string;
  readonly #primary: InterviewEngine;
  readonly #fallback: InterviewEngine;

  constructor(primary: InterviewEngine, fallback: InterviewEngine) {
    this.name = primary.name;
    this.#primary = primary;
    this.#fallback = fallback;
  }

  /** Why the primary failed, in one line, logged once here. */
  #reason(operation: string, error: unknown): string {
    if (error instanceof ProviderError) {
      const reason = error.describe();
      log.warn("AI provider failed; used the fallback engine", {
        engine: this.name,
        fallback: this.#fallback.name,
        operation,
        reason,
      });
      return reason;
    }
    // Not a provider failure: a bug worth a stack trace, but the interview goes on.
    const reason = `unexpected: ${error instanceof Error ? error.message : String(error)}`;
    log.error("AI engine failed unexpectedly; used the fallback engine", {
      engine: this.name,
      fallback: this.#fallback.name,
      operation,
      error,
    });
    return reason;
  }

  /** @throws {RangeError} for an invalid count, difficulty or language. */
  async planQuestions(request: PlanRequest): Promise<PlannedQuestion[]> {
    assertQuestionCount(request.count);
    resolveDifficulty(request.difficulty);
    resolveLanguage(request.language);
    try {
      return await this.#primary.planQuestions(request);
    } catch (error) {
      const fallbackReason = this.#reason("planQuestions", error);
      const questions = await this.#fallback.planQuestions(request);
      return questions.map((q) => ({ ...q, fallbackReason }));
    }
  }

  async evaluateAnswer(
    question: QuestionToEvaluate,
    answerText: string,
    owner?: string,
  ): Promise<Evaluation> {
    try {
      return await this.#primary.evaluateAnswer(question, answerText, owner);
    } catch (error) {
      const fallbackReason = this.#reason("evaluateAnswer", error);
      return {
        ...await this.#fallback.evaluateAnswer(question, answerText, owner),
        fallbackReason,
      };
    }
  }

  /** @throws {RangeError} for an invalid language. */
  async followUp(
    question: QuestionToEvaluate,
    answerText: string,
    evaluation: Evaluation,
    context: InterviewContext,
  ): Promise<PlannedQuestion | null> {
    resolveLanguage(context.language);
    try {
      return await this.#primary.followUp(question, answerText, evaluation, context);
    } catch (error) {
      const fallbackReason = this.#reason("followUp", error);
      const next = await this.#fallback.followUp(question, answerText, evaluation, context);
      return next && { ...next, fallbackReason };
    }
  }

  /** @throws {RangeError} for an invalid language. */
  async summarize(items: ReportItem[], context: InterviewContext): Promise<InterviewReport> {
    resolveLanguage(context.language);
    try {
      return await this.#primary.summarize(items, context);
    } catch (error) {
      const fallbackReason = this.#reason("summarize", error);
      return { ...await this.#fallback.summarize(items, context), fallbackReason };
    }
  }
}
