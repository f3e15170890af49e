/**
 * Counts every call of an interview engine for `/metrics`: by engine,
 * operation and outcome (`ok`, `fallback` when the configured provider
 * failed and the offline engine answered, `error` when the call threw).
 *
 * @module
 */

import type { Counter } from "prom-client";
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

/** The counter calls are recorded in. */
export type AiCallCounter = Counter<"engine" | "operation" | "outcome">;

/** An engine that forwards to another and counts each call's outcome. */
export class MeteredEngine implements InterviewEngine {
  /** The wrapped engine's name. */
  readonly name: string;
  readonly #engine: InterviewEngine;
  readonly #calls: AiCallCounter;

  constructor(engine: InterviewEngine, calls: AiCallCounter) {
    this.name = engine.name;
    this.#engine = engine;
    this.#calls = calls;
  }

  async #count<T>(
    operation: string,
    call: () => Promise<T>,
    fellBack: (result: T) => boolean,
  ): Promise<T> {
    let outcome = "error";
    try {
      const result = await call();
      outcome = fellBack(result) ? "fallback" : "ok";
      return result;
    } finally {
      this.#calls.inc({ engine: this.name, operation, outcome });
    }
  }

  planQuestions(request: PlanRequest): Promise<PlannedQuestion[]> {
    return this.#count(
      "planQuestions",
      () => this.#engine.planQuestions(request),
      (questions) => questions.some((q) => q.fallbackReason !== undefined),
    );
  }

  evaluateAnswer(
    question: QuestionToEvaluate,
    answerText: string,
    owner?: string,
  ): Promise<Evaluation> {
    return this.#count(
      "evaluateAnswer",
      () => this.#engine.evaluateAnswer(question, answerText, owner),
      (evaluation) => evaluation.fallbackReason !== undefined,
    );
  }

  followUp(
    question: QuestionToEvaluate,
    answerText: string,
    evaluation: Evaluation,
    context: InterviewContext,
  ): Promise<PlannedQuestion | null> {
    return this.#count(
      "followUp",
      () => this.#engine.followUp(question, answerText, evaluation, context),
      (next) => next?.fallbackReason !== undefined,
    );
  }

  summarize(items: ReportItem[], context: InterviewContext): Promise<InterviewReport> {
    return this.#count(
      "summarize",
      () => this.#engine.summarize(items, context),
      (report) => report.fallbackReason !== undefined,
    );
  }
}
