/**
 * The {@link InterviewEngine} backed by a language model. Models write
 * questions, judge which rubric points an answer meets, and word follow-ups
 * and reports; our code computes every score and recommendation. Failures
 * throw a {@link ProviderError}; pair it with `FallbackEngine` so callers
 * always get a result.
 *
 * @module
 */

import type { LanguageModel } from "ai";
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
import { COMPLETE_SCORE } from "./follow_up.ts";
import {
  acceptFollowUp,
  acceptMetPoints,
  acceptPlan,
  acceptRemark,
  acceptReport,
  evaluationSchema,
  followUpSchema,
  planSchema,
  reportSchema,
} from "./llm_output.ts";
import { resolveDifficulty, resolveLanguage } from "./plan_options.ts";
import { evaluationPrompt, followUpPrompt, planPrompt, reportPrompt } from "./prompts.ts";
import { assertQuestionCount } from "./question_planner.ts";
import { averageScore, offlineReport, recommendationFor } from "./report.ts";
import type { RetryPolicy } from "./retry.ts";
import { evaluateByRubric, rubricFor } from "./rubric.ts";
import { generateStructured } from "./structured_call.ts";
import {
  cleanUntrusted,
  newBoundary,
  PROMPT_LIMITS,
  withoutGraderInstructions,
} from "./untrusted.ts";

/** Most answered questions one report prompt carries. */
const MAX_REPORT_ITEMS = 30;

/** What an {@link LlmEngine} needs. */
export interface LlmEngineOptions {
  /** Stored with results, e.g. "openai:gpt-4.1-mini". */
  name: string;
  model: LanguageModel;
  policy: RetryPolicy;
}

/**
 * Cleans candidate text for a prompt, then cuts grader-directed sentences as
 * the offline scorer does; cleaning first, so invisible characters cannot
 * hide them.
 */
function prepareText(text: string, maxChars: number): { text: string; removed: number } {
  return withoutGraderInstructions(cleanUntrusted(text, maxChars));
}

/** An interview engine that asks a language model through the Vercel AI SDK. */
export class LlmEngine implements InterviewEngine {
  readonly name: string;
  readonly #model: LanguageModel;
  readonly #policy: RetryPolicy;

  constructor(options: LlmEngineOptions) {
    this.name = options.name;
    this.#model = options.model;
    this.#policy = options.policy;
  }

  /**
   * Plans `count` questions with rubrics and hidden reference answers.
   *
   * @throws {RangeError} for an invalid count, difficulty or language.
   * @throws {ProviderError} when the provider fails.
   */
  async planQuestions(request: PlanRequest): Promise<PlannedQuestion[]> {
    assertQuestionCount(request.count);
    const difficulty = resolveDifficulty(request.difficulty);
    const language = resolveLanguage(request.language);
    const prompt = planPrompt({
      jdText: prepareText(request.jdText, PROMPT_LIMITS.jobDescription).text,
      resumeText: prepareText(request.resumeText, PROMPT_LIMITS.resume).text,
      count: request.count,
      difficulty,
      language,
      boundary: newBoundary(),
    });
    return await generateStructured(
      this.#model,
      this.name,
      this.#policy,
      // Room for about 700 tokens per question plus reasoning models' overhead.
      {
        ...prompt,
        name: "interview_plan",
        schema: planSchema,
        maxOutputTokens: 2000 + 700 * request.count,
      },
      (reply) => acceptPlan(reply, request.count, this.name),
    );
  }

  /**
   * Asks the model which rubric points the answer meets; the score is
   * computed from their weights. An empty answer scores 0 without a call.
   *
   * @throws {ProviderError} when the provider fails.
   */
  async evaluateAnswer(question: QuestionToEvaluate, answerText: string): Promise<Evaluation> {
    const rubric = rubricFor(question);
    const answer = prepareText(answerText, PROMPT_LIMITS.answer);
    if (!answer.text) {
      return evaluateByRubric(rubric, [], {
        engine: this.name,
        note: answer.removed > 0
          ? "The answer held nothing but text addressed to the grader."
          : "No answer was given.",
        removed: answer.removed,
      });
    }
    const prompt = evaluationPrompt({
      question,
      rubric,
      answer: answer.text,
      boundary: newBoundary(),
    });
    const { met, note } = await generateStructured(
      this.#model,
      this.name,
      this.#policy,
      { ...prompt, name: "answer_evaluation", schema: evaluationSchema, maxOutputTokens: 2000 },
      (reply) => ({ met: acceptMetPoints(reply, rubric.length), note: acceptRemark(reply) }),
    );
    return evaluateByRubric(rubric, met, { engine: this.name, note, removed: answer.removed });
  }

  /**
   * A follow-up probing what was vague or missing, or null. Complete answers
   * (score 8 or more with nothing missing) get null without a call.
   *
   * @throws {RangeError} for an invalid language.
   * @throws {ProviderError} when the provider fails.
   */
  async followUp(
    question: QuestionToEvaluate,
    answerText: string,
    evaluation: Evaluation,
    context: InterviewContext,
  ): Promise<PlannedQuestion | null> {
    const language = resolveLanguage(context.language);
    if (evaluation.score >= COMPLETE_SCORE && evaluation.missing.length === 0) return null;
    const answer = prepareText(answerText, PROMPT_LIMITS.answer);
    const prompt = followUpPrompt({
      question,
      answer: answer.text,
      evaluation,
      language,
      boundary: newBoundary(),
    });
    const base = { topic: question.topic, kind: question.kind, source: question.source ?? "jd" };
    return await generateStructured(
      this.#model,
      this.name,
      this.#policy,
      { ...prompt, name: "follow_up", schema: followUpSchema, maxOutputTokens: 2000 },
      (reply) => acceptFollowUp(reply, base, this.name),
    );
  }

  /**
   * Strengths, gaps and summary written by the model; the recommendation is
   * computed from the scores.
   *
   * @throws {RangeError} for an invalid language.
   * @throws {ProviderError} when the provider fails.
   */
  async summarize(items: ReportItem[], context: InterviewContext): Promise<InterviewReport> {
    const language = resolveLanguage(context.language);
    if (items.length === 0) return { ...offlineReport(items), engine: this.name };
    const answered = items.filter((item) => item.answerText.trim() !== "").length;
    const recommendation = recommendationFor(averageScore(items), answered);
    const prompt = reportPrompt({
      items: items.slice(0, MAX_REPORT_ITEMS).map((item) => ({
        item,
        answer: prepareText(item.answerText, PROMPT_LIMITS.reportAnswer).text,
      })),
      language,
      boundary: newBoundary(),
    });
    const report = await generateStructured(
      this.#model,
      this.name,
      this.#policy,
      { ...prompt, name: "interview_report", schema: reportSchema, maxOutputTokens: 3000 },
      acceptReport,
    );
    return { ...report, recommendation, engine: this.name };
  }
}
