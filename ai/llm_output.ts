/**
 * What we ask models to return (zod schemas, sent as JSON Schema for
 * structured output) and the checks that turn a reply into our types. Model
 * output is untrusted too: every string is cleaned and capped, and a reply
 * that breaks the rules is "malformed" so the call is retried or falls back.
 *
 * @module
 */

import { z } from "zod";
import type { KeyPoint, PlannedQuestion, QuestionKind, TopicSource } from "./engine.ts";
import { ProviderError } from "./provider_error.ts";
import { sanitizeText } from "./text.ts";

const KINDS = [
  "technical",
  "experience",
  "project",
  "behavioral",
] as const satisfies readonly QuestionKind[];
const SOURCES = ["jd", "resume", "both"] as const satisfies readonly TopicSource[];

// Plain numbers, not .int() or bounds: strict structured-output modes reject
// some JSON Schema keywords, and we check ranges ourselves anyway.
const keyPointSchema = z.object({
  point: z.string().describe("What a good answer does, starting with a verb"),
  keywords: z.array(z.string()).describe(
    "2 to 8 lower-case words or short phrases an answer covering the point would use",
  ),
  weight: z.number().describe("Importance from 1 to 3; 3 for the core point"),
});

/** Reply to a planning request. */
export const planSchema = z.object({
  questions: z.array(z.object({
    text: z.string().describe("The question as asked to the candidate"),
    topic: z.string().describe("The skill or subject, in a few words"),
    kind: z.enum(KINDS),
    source: z.enum(SOURCES).describe("Where the topic appears: job description, resume or both"),
    referenceAnswer: z.string().describe("Hidden ideal answer, 3 to 6 sentences"),
    keyPoints: z.array(keyPointSchema).describe("3 to 5 rubric points"),
  })),
});

/** Reply to an evaluation request: which rubric points are met, never a score. */
export const evaluationSchema = z.object({
  metPoints: z.array(z.number()).describe("Indices, from 0, of the rubric points the answer meets"),
  remark: z.string().describe("1 to 3 sentences for the recruiter"),
});

/** Reply to a follow-up request. */
export const followUpSchema = z.object({
  needed: z.boolean().describe("False when the answer was complete and specific"),
  question: z.string().describe("The follow-up question, or empty when not needed"),
  referenceAnswer: z.string().describe("Hidden ideal answer, or empty when not needed"),
  keyPoints: z.array(keyPointSchema).describe("1 to 3 rubric points, or empty when not needed"),
});

/** Reply to a report request; the recommendation is computed by our code. */
export const reportSchema = z.object({
  strengths: z.array(z.string()),
  gaps: z.array(z.string()),
  summary: z.string(),
});

const CAPS = {
  question: 600,
  topic: 80,
  referenceAnswer: 3_000,
  point: 200,
  keyword: 40,
  remark: 600,
  reportLine: 300,
  summary: 2_000,
} as const;
const MAX_KEYWORDS = 10;
const MAX_KEY_POINTS = 6;
const MAX_REPORT_LINES = 5;

function malformed(message: string): ProviderError {
  return new ProviderError("malformed_output", message);
}

/** Cleans one line of model output to a single-spaced string of at most `max` characters. */
export function cleanLine(text: string, max: number): string {
  return sanitizeText(text, max * 2).replace(/\s+/g, " ").trim().slice(0, max).trim();
}

function cleanKeyPoints(points: z.infer<typeof keyPointSchema>[]): KeyPoint[] {
  return points.flatMap((p) => {
    const point = cleanLine(p.point, CAPS.point);
    const keywords = [
      ...new Set(p.keywords.map((k) => cleanLine(k, CAPS.keyword).toLowerCase()).filter(Boolean)),
    ].slice(0, MAX_KEYWORDS);
    if (!point || keywords.length === 0) return [];
    const weight = Number.isFinite(p.weight) ? Math.min(3, Math.max(1, p.weight)) : 1;
    return [{ point, keywords, weight }];
  }).slice(0, MAX_KEY_POINTS);
}

/**
 * The first `count` usable, distinct questions of a plan.
 *
 * @throws {ProviderError} malformed_output when fewer than `count` are usable.
 */
export function acceptPlan(
  reply: z.infer<typeof planSchema>,
  count: number,
  engine: string,
): PlannedQuestion[] {
  const texts = new Set<string>();
  const topics = new Set<string>();
  const questions: PlannedQuestion[] = [];
  for (const q of reply.questions) {
    const text = cleanLine(q.text, CAPS.question);
    const topic = cleanLine(q.topic, CAPS.topic);
    const referenceAnswer = sanitizeText(q.referenceAnswer, CAPS.referenceAnswer).trim();
    const keyPoints = cleanKeyPoints(q.keyPoints);
    const topicKey = `${topic.toLowerCase()}|${q.kind}`;
    if (!text || !topic || !referenceAnswer || keyPoints.length === 0) continue;
    if (texts.has(text.toLowerCase()) || topics.has(topicKey)) continue;
    texts.add(text.toLowerCase());
    topics.add(topicKey);
    questions.push({
      text,
      topic,
      kind: q.kind,
      source: q.source,
      referenceAnswer,
      keyPoints,
      engine,
    });
  }
  if (questions.length < count) {
    throw malformed(
      `the plan held ${questions.length} usable distinct questions with a rubric; ${count} were asked for`,
    );
  }
  return questions.slice(0, count);
}

/**
 * The distinct met indices of a rubric of `size` points.
 *
 * @throws {ProviderError} malformed_output for an index that names no point.
 */
export function acceptMetPoints(reply: z.infer<typeof evaluationSchema>, size: number): number[] {
  const bad = reply.metPoints.filter((i) => !Number.isInteger(i) || i < 0 || i >= size);
  if (bad.length > 0) {
    throw malformed(
      `metPoints named ${bad.join(", ")}, but the rubric has points 0 to ${size - 1}`,
    );
  }
  return [...new Set(reply.metPoints)].sort((a, b) => a - b);
}

/** The model's remark, cleaned and capped. */
export function acceptRemark(reply: z.infer<typeof evaluationSchema>): string {
  return cleanLine(reply.remark, CAPS.remark);
}

/**
 * The follow-up as a question about the same topic, or null when the model
 * says none is needed.
 *
 * @throws {ProviderError} malformed_output when a needed follow-up lacks text or a rubric.
 */
export function acceptFollowUp(
  reply: z.infer<typeof followUpSchema>,
  base: { topic: string; kind: QuestionKind; source: TopicSource },
  engine: string,
): PlannedQuestion | null {
  if (!reply.needed) return null;
  const text = cleanLine(reply.question, CAPS.question);
  const referenceAnswer = sanitizeText(reply.referenceAnswer, CAPS.referenceAnswer).trim();
  const keyPoints = cleanKeyPoints(reply.keyPoints);
  if (!text || !referenceAnswer || keyPoints.length === 0) {
    throw malformed("a follow-up was needed but came without question, reference answer or rubric");
  }
  return { ...base, text, referenceAnswer, keyPoints, engine };
}

/**
 * Cleaned strengths, gaps and summary.
 *
 * @throws {ProviderError} malformed_output when the summary is empty.
 */
export function acceptReport(
  reply: z.infer<typeof reportSchema>,
): { strengths: string[]; gaps: string[]; summary: string } {
  const lines = (items: string[]) =>
    items.map((s) => cleanLine(s, CAPS.reportLine)).filter(Boolean).slice(0, MAX_REPORT_LINES);
  const summary = sanitizeText(reply.summary, CAPS.summary).trim();
  if (!summary) throw malformed("the report came without a summary");
  return { strengths: lines(reply.strengths), gaps: lines(reply.gaps), summary };
}
