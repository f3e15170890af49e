/**
 * Explainable, deterministic scoring of one answer against a question's key
 * points. The score is built from parts that the remark spells out:
 *
 * - coverage (up to 7): weighted share of key points whose keywords appear,
 *   after light stemming;
 * - specificity (up to 3): numbers or metrics, a concrete example,
 *   first-person actions, named technologies and stated reasons;
 * - a penalty for vague filler when the answer is not specific;
 * - caps for very short answers, keyword lists, repetition and stuffing.
 *
 * Sentences addressed to the grader ("ignore previous instructions…") are
 * dropped before scoring, so they can never add points.
 *
 * @module
 */

import type { Evaluation, KeyPoint, QuestionToEvaluate } from "./engine.ts";
import { gradeForScore } from "./grading.ts";
import { detectSkills } from "./skill_catalog.ts";
import {
  cutInjection,
  indexOfPhrase,
  looksLikeInjection,
  MAX_ANSWER_CHARS,
  sanitizeText,
  splitSentences,
  stem,
  stems,
  tokenize,
} from "./text.ts";

/** Points available for key-point coverage; the rest are for specificity. */
const COVERAGE_POINTS = 7;
const SPECIFICITY_POINTS = 3;

const STOPWORDS = new Set(
  ("the a an and or but to of in on for with at by from as is are was were be been being it its this that " +
    "these those i we you they he she my our your their me us them so if then than when which who what how " +
    "not no do does did have has had will would can could should there here into about after before also just " +
    "all any each more most some such only very up out over because while where why our i'm we're it's")
    .split(" "),
);

const METRIC =
  /(?:\$\s?\d|\d(?:[.,]\d+)?\s*(?:%|percent|ms\b|milliseconds?|seconds?|secs?\b|minutes?|mins?\b|hours?|hrs?\b|days?|weeks?|months?|x\b|times\b|k\b|m\b|gb\b|mb\b|tb\b|rps\b|qps\b|req\/s|requests|users|customers|engineers|people|services|nodes|servers|pods|instances|releases|deploys))/i;
const EXAMPLE =
  /\b(?:for example|for instance|e\.g\.|in my (?:last|previous|current) (?:job|role|project|team|company)|(?:at|in) my (?:last|previous|current)|in one (?:project|case|incident)|on one project|one time|once,? we|last year|we had an?|in production,? we)\b/i;
const ACTION =
  /\b(?:i|we)\s+(?:\w+\s+){0,2}?(?:built|designed|measured|implemented|led|migrated|wrote|created|reduced|improved|deployed|added|fixed|introduced|set up|automated|refactored|profiled|benchmarked|debugged|tuned|optimi[sz]ed|replaced|moved|split|rolled out|rolled back|monitored|tested|investigated|found|chose|decided|ran|shipped|launched|owned|configured|traced|cut|scaled|rewrote|proposed|organi[sz]ed|negotiated|mentored|coached|delivered|analy[sz]ed)\b/i;
const REASONING =
  /\b(?:because|so that|trade-?offs?|instead of|rather than|which meant|the reason|downside|as a result|in order to|otherwise)\b/i;
const VAGUE_PHRASES = [
  "a lot",
  "stuff",
  "things like that",
  "and so on",
  "etc",
  "kind of",
  "sort of",
  "i guess",
  "pretty good",
  "it is good",
  "it's good",
  "very good",
  "basically",
  "whatever",
  "i don't know",
  "not sure",
  "many things",
  "various things",
  "i have used it",
  "i've used it",
  "i know it well",
];
const VAGUE_PATTERNS = VAGUE_PHRASES.map((phrase) =>
  new RegExp(
    `(?<![\\p{L}\\p{N}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`,
    "iu",
  )
);

interface NormalizedPoint {
  point: string;
  weight: number;
  phrases: string[][];
  /** How many distinct phrases must appear; above 1 only for points derived from prose. */
  minHits: number;
}

/**
 * Questions without key points (e.g. edited by hand) fall back to their
 * reference answer: each sentence becomes a point covered when enough of its
 * content words appear.
 */
function normalizePoints(question: QuestionToEvaluate): NormalizedPoint[] {
  const usable = (question.keyPoints ?? []).filter((p) =>
    typeof p?.point === "string" && Array.isArray(p.keywords) && p.keywords.length > 0
  );
  if (usable.length > 0) {
    return usable.map((p: KeyPoint) => ({
      point: p.point,
      weight: Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 1,
      phrases: p.keywords.map((k) => stems(String(k))).filter((s) => s.length > 0),
      minHits: 1,
    }));
  }
  return splitSentences(sanitizeText(question.referenceAnswer ?? "", 4000)).flatMap((sentence) => {
    const words = [
      ...new Set(tokenize(sentence).filter((w) => w.length >= 5 && !STOPWORDS.has(w)).map(stem)),
    ];
    if (words.length === 0) return [];
    const label = sentence.length > 60 ? `${sentence.slice(0, 59).trimEnd()}…` : sentence;
    return [{
      point: label,
      weight: 1,
      phrases: words.map((w) => [w]),
      minHits: Math.max(1, Math.round(words.length * 0.4)),
    }];
  });
}

/** Marks every token covered by any occurrence of a phrase, for the stuffing check. */
function markOccurrences(
  tokens: readonly string[],
  phrase: readonly string[],
  marks: boolean[],
): void {
  for (
    let at = indexOfPhrase(tokens, phrase);
    at >= 0;
    at = indexOfPhrase(tokens, phrase, at + 1)
  ) {
    for (let k = 0; k < phrase.length; k++) marks[at + k] = true;
  }
}

function duplicateTrigramRatio(tokens: readonly string[]): number {
  if (tokens.length < 6) return 0;
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const key = `${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`;
    if (seen.has(key)) duplicates++;
    else seen.add(key);
  }
  return duplicates / (tokens.length - 2);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function listOrNone(items: readonly string[]): string {
  return items.length > 0 ? items.join("; ") : "none";
}

/** An evaluation before the engine adds its name. */
export type ScoredAnswer = Omit<Evaluation, "engine" | "fallbackReason">;

/** Scores an answer; see the module documentation for the formula. */
export function scoreAnswer(question: QuestionToEvaluate, answerText: string): ScoredAnswer {
  const points = normalizePoints(question);
  const text = sanitizeText(answerText, MAX_ANSWER_CHARS);
  const sentences = splitSentences(text);
  const kept = sentences.map(cutInjection).filter((s) => s.length > 0);
  const ignored = sentences.filter(looksLikeInjection).length;
  const ignoredNote = ignored > 0
    ? ` Ignored text addressed to the grader in ${ignored} sentence${
      ignored === 1 ? "" : "s"
    }; it earns nothing.`
    : "";
  const clean = kept.join("\n");
  const words = tokenize(clean);

  if (words.length === 0) {
    const opening = ignored > 0
      ? "The answer held nothing but text addressed to the grader"
      : "No answer was given";
    return {
      score: 0,
      grade: gradeForScore(0),
      remark: `${opening}, so no key points were covered. Missing: ${
        listOrNone(points.map((p) => p.point))
      }.${ignoredNote}`,
      covered: [],
      missing: points.map((p) => p.point),
    };
  }

  // Coverage of key points.
  const stemmed = words.map(stem);
  const marks = new Array<boolean>(stemmed.length).fill(false);
  const covered: string[] = [];
  const missing: string[] = [];
  let totalWeight = 0;
  let coveredWeight = 0;
  for (const p of points) {
    totalWeight += p.weight;
    let hits = 0;
    for (const phrase of p.phrases) {
      if (indexOfPhrase(stemmed, phrase) >= 0) {
        hits++;
        markOccurrences(stemmed, phrase, marks);
      }
    }
    if (hits >= p.minHits) {
      covered.push(p.point);
      coveredWeight += p.weight;
    } else {
      missing.push(p.point);
    }
  }
  const coverage = totalWeight > 0 ? coveredWeight / totalWeight : 0;

  // Specificity.
  const specifics: string[] = [];
  let specificity = 0;
  if (METRIC.test(clean)) {
    specificity += 0.3;
    specifics.push("numbers or metrics");
  } else if (/\d/.test(clean)) {
    specificity += 0.2;
    specifics.push("numbers");
  }
  if (EXAMPLE.test(clean)) {
    specificity += 0.25;
    specifics.push("a concrete example");
  }
  if (ACTION.test(clean)) {
    specificity += 0.25;
    specifics.push("first-person actions");
  }
  if (detectSkills(clean).length > 0) {
    specificity += 0.1;
    specifics.push("named technologies");
  }
  if (REASONING.test(clean)) {
    specificity += 0.1;
    specifics.push("reasons for choices");
  }
  specificity = Math.min(1, specificity);

  // Vague filler only costs points when nothing concrete backs it up.
  const vague = VAGUE_PHRASES.filter((_, i) => VAGUE_PATTERNS[i].test(clean));
  const vaguePenalty = specificity < 0.5 ? Math.min(1.6, 0.4 * vague.length) : 0;

  // Guards against short, listed, repeated or stuffed answers.
  const count = words.length;
  const stopRatio = words.filter((w) => STOPWORDS.has(w)).length / count;
  const realSentences = kept.filter((s) => {
    const t = tokenize(s);
    return t.length >= 6 && t.filter((w) => STOPWORDS.has(w)).length >= 2;
  }).length;
  const uniqueRatio = new Set(stemmed).size / count;
  const density = marks.filter(Boolean).length / count;
  const caps: { limit: number; reason: string }[] = [];
  if (count < 15) caps.push({ limit: 3, reason: `the answer is very short (${count} words)` });
  else if (count < 30) {
    caps.push({ limit: 6.5, reason: `the answer is brief (${count} words), which limits depth` });
  }
  if (count >= 8 && (stopRatio < 0.2 || realSentences === 0)) {
    caps.push({
      limit: 2.5,
      reason: "it reads like a list of keywords rather than an explanation",
    });
  }
  if (count >= 20 && (uniqueRatio < 0.3 || duplicateTrigramRatio(stemmed) > 0.3)) {
    caps.push({ limit: 3, reason: "it repeats the same words or sentences" });
  }
  if (count >= 15 && density > 0.5) {
    caps.push({ limit: 4, reason: "it is stuffed with keywords" });
  }

  const coverageScore = COVERAGE_POINTS * coverage;
  const specificityScore = SPECIFICITY_POINTS * specificity;
  let raw = coverageScore + specificityScore - vaguePenalty;
  const binding = caps.filter((c) => c.limit < raw).sort((a, b) => a.limit - b.limit)[0];
  if (binding) raw = binding.limit;
  const score = Math.min(10, Math.max(0, round1(raw)));

  const parts = [
    `Covered ${covered.length} of ${points.length} key points: ${listOrNone(covered)}.`,
    `Missing: ${listOrNone(missing)}.`,
    specifics.length > 0
      ? `Specific: ${specifics.join(", ")}.`
      : "Not specific: no example, numbers or first-person actions.",
    `Score ${score.toFixed(1)} = coverage ${round1(coverageScore).toFixed(1)}/${COVERAGE_POINTS}` +
    ` + specificity ${round1(specificityScore).toFixed(1)}/${SPECIFICITY_POINTS}` +
    (vaguePenalty > 0
      ? ` - ${round1(vaguePenalty).toFixed(1)} for vague wording (${vague.join(", ")})`
      : "") +
    (binding ? `, capped at ${binding.limit} because ${binding.reason}` : "") + ".",
  ];
  return {
    score,
    grade: gradeForScore(score),
    remark: parts.join(" ") + ignoredNote,
    covered,
    missing,
  };
}
