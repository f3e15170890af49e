/**
 * The prompts for LLM providers. Instructions (the system prompt) hold only
 * our own text and validated settings; everything a candidate or recruiter
 * wrote goes into the user message as delimited data (see `untrusted.ts`).
 *
 * @module
 */

import type { Difficulty, Evaluation, KeyPoint, QuestionToEvaluate, ReportItem } from "./engine.ts";
import { languageName } from "./plan_options.ts";
import { cleanUntrusted, dataBlock, dataRules, PROMPT_LIMITS } from "./untrusted.ts";

/** A prompt ready for the model. */
export interface Prompt {
  /** The system prompt: our rules and task. */
  instructions: string;
  /** The user message: a short request and the data blocks. */
  prompt: string;
}

const DIFFICULTY_GUIDE: Record<Difficulty, string> = {
  junior: "fundamentals, definitions in practice and small guided examples",
  mid: "practical depth in everyday work: how things behave, debugging, trade-offs",
  senior: "design under constraints, scale, failure modes, trade-offs and leading others",
};

function languageLine(language: string): string {
  return `${languageName(language)} (${language})`;
}

function rubricText(rubric: readonly KeyPoint[]): string {
  return rubric.map((p, i) =>
    `${i}. ${cleanUntrusted(p.point, PROMPT_LIMITS.keyPoint)} (weight ${p.weight})`
  ).join("\n");
}

/** Planning: exactly `count` questions with rubrics from the JD and resume. */
export function planPrompt(options: {
  jdText: string;
  resumeText: string;
  count: number;
  difficulty: Difficulty;
  language: string;
  boundary: string;
}): Prompt {
  const { count, difficulty, language, boundary } = options;
  const instructions = [
    dataRules(boundary),
    "",
    "You are an experienced interviewer preparing a job interview.",
    `Write exactly ${count} interview questions for a ${difficulty}-level candidate, in ${
      languageLine(language)
    }.`,
    `Level ${difficulty} means: ${DIFFICULTY_GUIDE[difficulty]}.`,
    "Ground every question in the job description and the resume: prefer skills found in both, then requirements of the job, then the candidate's own projects.",
    'Mix the kinds: mostly "technical" questions, some "experience" or "project" questions about the candidate\'s own work, and at least one "behavioral" question when there are three or more. No two questions share a topic and kind.',
    "For each question give:",
    "- text: the question as asked, one or two sentences, never revealing the rubric;",
    "- topic: the skill or subject in a few words;",
    "- kind: technical, experience, project or behavioral;",
    '- source: "jd", "resume" or "both", where the topic appears;',
    "- referenceAnswer: a hidden ideal answer of 3 to 6 sentences, which the candidate never sees;",
    `- keyPoints: 3 to 5 rubric points, each with point (what a good answer does, starting with a verb, e.g. "explains how indexes speed up reads"), keywords (2 to 8 lower-case words or short phrases in ${
      languageName(language)
    } that an answer covering the point would use) and weight (1 to 3; 3 for the core point).`,
  ].join("\n");
  const jd = cleanUntrusted(options.jdText, PROMPT_LIMITS.jobDescription).trim();
  const resume = cleanUntrusted(options.resumeText, PROMPT_LIMITS.resume).trim();
  const prompt = [
    `Plan ${count} questions from the data below.`,
    jd ? dataBlock(boundary, "job_description", jd) : "No job description was provided.",
    resume ? dataBlock(boundary, "resume", resume) : "No resume was provided.",
  ].join("\n\n");
  return { instructions, prompt };
}

/** Evaluation: which rubric points the answer meets. */
export function evaluationPrompt(options: {
  question: QuestionToEvaluate;
  rubric: readonly KeyPoint[];
  answer: string;
  boundary: string;
}): Prompt {
  const { question, rubric, answer, boundary } = options;
  const instructions = [
    dataRules(boundary),
    "",
    "You grade one interview answer against a numbered rubric.",
    "A rubric point is met only when the answer covers it substantively and correctly; naming a keyword is not enough, and a point the answer gets wrong is not met.",
    "Reply with metPoints, the numbers of the rubric points the answer meets, and remark: 1 to 3 sentences for the recruiter on what was strong and what was vague or missing, in the language of the question.",
    "You do not score: the score is computed from the points you mark.",
  ].join("\n");
  const prompt = [
    "Grade the answer below.",
    dataBlock(boundary, "question", cleanUntrusted(question.text, PROMPT_LIMITS.question)),
    dataBlock(
      boundary,
      "reference_answer",
      cleanUntrusted(question.referenceAnswer, PROMPT_LIMITS.referenceAnswer),
    ),
    dataBlock(boundary, "rubric", rubricText(rubric)),
    dataBlock(boundary, "answer", answer),
  ].join("\n\n");
  return { instructions, prompt };
}

/** Follow-up: one question on what the answer left vague or missing, or none. */
export function followUpPrompt(options: {
  question: QuestionToEvaluate;
  answer: string;
  evaluation: Evaluation;
  language: string;
  boundary: string;
}): Prompt {
  const { question, answer, evaluation, language, boundary } = options;
  const instructions = [
    dataRules(boundary),
    "",
    "You are interviewing a candidate and decide whether their last answer needs a follow-up question.",
    "If the answer was complete and specific, set needed to false and leave the other fields empty.",
    `Otherwise set needed to true and write one follow-up question in ${
      languageLine(language)
    } that probes the most important thing the answer left vague or missing, without revealing the rubric or the reference answer.`,
    "Give it a referenceAnswer (a hidden ideal answer of 2 to 4 sentences) and keyPoints: 1 to 3 rubric points, each with point (starting with a verb), keywords (2 to 8 lower-case words or short phrases) and weight (1 to 3).",
  ].join("\n");
  const grading = [
    `Score ${evaluation.score.toFixed(1)} of 10.`,
    `Covered: ${evaluation.covered.join("; ") || "none"}.`,
    `Missing: ${evaluation.missing.join("; ") || "none"}.`,
  ].join("\n");
  const prompt = [
    "Decide on a follow-up for the answer below.",
    dataBlock(boundary, "question", cleanUntrusted(question.text, PROMPT_LIMITS.question)),
    dataBlock(boundary, "answer", answer),
    dataBlock(boundary, "grading", cleanUntrusted(grading, PROMPT_LIMITS.referenceAnswer)),
  ].join("\n\n");
  return { instructions, prompt };
}

/** Report: strengths, gaps and a summary; the recommendation is ours. */
export function reportPrompt(options: {
  items: readonly { item: ReportItem; answer: string }[];
  language: string;
  boundary: string;
}): Prompt {
  const { items, language, boundary } = options;
  const instructions = [
    dataRules(boundary),
    "",
    `You write the end-of-interview report for a recruiter, in ${languageLine(language)}.`,
    "Each data block holds one question, the candidate's answer and its grading (a score computed from the rubric, with the points covered and missed).",
    "Reply with strengths and gaps (up to 5 short sentences each, each naming its topic) and summary (3 to 5 sentences).",
    "Base everything on the answers and their grading, and invent nothing. Do not recommend for or against hiring: that is decided separately from the scores.",
  ].join("\n");
  const blocks = items.map(({ item, answer }, i) =>
    dataBlock(
      boundary,
      "answered_question",
      [
        `Question ${i + 1} (${cleanUntrusted(item.question.topic, 80)}): ${
          cleanUntrusted(item.question.text, PROMPT_LIMITS.question)
        }`,
        `Answer: ${answer || "(no answer)"}`,
        `Score: ${item.evaluation.score.toFixed(1)}/10`,
        `Covered: ${cleanUntrusted(item.evaluation.covered.join("; "), 1000) || "none"}`,
        `Missing: ${cleanUntrusted(item.evaluation.missing.join("; "), 1000) || "none"}`,
      ].join("\n"),
    )
  );
  const prompt = ["Write the report for the interview below.", ...blocks].join("\n\n");
  return { instructions, prompt };
}
