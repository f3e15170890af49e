/**
 * Extracts structured signals from JD and resume text: stated years of
 * experience per skill, project bullets worth asking about, and the role
 * title. Inputs are expected to be sanitised already.
 *
 * @module
 */

import { detectSkills, type Skill } from "./skill_catalog.ts";
import { looksLikeInjection, quoteSnippet, stripLinks, tokenize } from "./text.ts";

/** "5 years of Python" and similar, tied to a catalog skill. */
export interface ExperienceClaim {
  /** The skill the years refer to. */
  skill: Skill;
  /** Stated years, 1 to 40; the highest figure when a skill is mentioned twice. */
  years: number;
}

const YEARS = /(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b/gi;
/** Where the phrase naming the skill ends; a "." only counts when it ends a sentence ("Node.js"). */
const CLAUSE_END = /[\n;,(]|\.(?:\s|$)|\d{1,2}\s*\+?\s*(?:years?|yrs?)\b/i;

/**
 * Finds statements like "5 years of Python", "3+ years experience with AWS"
 * or "Go (4 yrs)". The skill named right after the number wins; otherwise
 * the closest one just before it. Keeps the highest figure per skill.
 */
export function extractExperience(text: string): ExperienceClaim[] {
  const best = new Map<string, ExperienceClaim>();
  for (const match of text.matchAll(YEARS)) {
    const years = Number(match[1]);
    if (years < 1 || years > 40) continue;
    const start = match.index ?? 0;
    const end = start + match[0].length;

    let tail = text.slice(end, end + 80);
    const stop = tail.search(CLAUSE_END);
    if (stop >= 0) tail = tail.slice(0, stop);
    // "5+ years of Go or Python" states the figure for both skills.
    let found: Skill[] = detectSkills(tail).map((m) => m.skill);
    if (found.length === 0) {
      const head = text.slice(Math.max(0, start - 40), start);
      const clauseStart = Math.max(
        head.lastIndexOf("\n"),
        head.lastIndexOf(";"),
        head.lastIndexOf(". "),
      );
      found = detectSkills(head.slice(clauseStart + 1)).slice(-1).map((m) => m.skill);
    }
    for (const skill of found) {
      const previous = best.get(skill.name);
      if (!previous || previous.years < years) best.set(skill.name, { skill, years });
    }
  }
  return [...best.values()];
}

/** A resume line describing work the candidate did, safe to quote back. */
export interface ProjectMention {
  /** Sanitised excerpt of at most about 100 characters. */
  quote: string;
  /** Short label used as the question topic. */
  topic: string;
  /** Catalog skills the line mentions. */
  skills: Skill[];
  /** Position in the resume, for stable ordering. */
  order: number;
  /** Higher means more worth asking about. */
  rank: number;
}

const BULLET = /^\s*(?:[-*•·▪◦‣●○■□➢➤►–—]|\d{1,2}[.)])\s+/u;

const PROJECT_VERBS = new Set([
  "built",
  "led",
  "designed",
  "migrated",
  "implemented",
  "developed",
  "created",
  "launched",
  "architected",
  "rewrote",
  "scaled",
  "automated",
  "optimized",
  "optimised",
  "reduced",
  "improved",
  "shipped",
  "delivered",
  "introduced",
  "owned",
  "deployed",
  "integrated",
  "refactored",
  "founded",
  "managed",
  "established",
  "modernized",
  "modernised",
  "engineered",
  "spearheaded",
  "drove",
  "wrote",
  "replaced",
  "streamlined",
]);

/**
 * Picks resume lines that describe concrete work: bullet points containing an
 * action verb ("built", "led", "migrated"…) or any line that starts with one.
 * Lines that look like instructions to a grader are skipped, since they are
 * not about the candidate's work.
 */
export function extractProjects(
  resumeText: string,
  jdSkillNames: ReadonlySet<string>,
): ProjectMention[] {
  const projects: ProjectMention[] = [];
  const seen = new Set<string>();
  const lines = stripLinks(resumeText).split(/\n|\s[•●▪]\s/u);
  lines.forEach((rawLine, order) => {
    const isBullet = BULLET.test(rawLine);
    const line = rawLine.replace(BULLET, "").trim();
    const words = tokenize(line);
    if (words.length < 5 || looksLikeInjection(line)) return;
    const startsWithVerb = PROJECT_VERBS.has(words[0]);
    if (!startsWithVerb && !(isBullet && words.some((w) => PROJECT_VERBS.has(w)))) return;

    const quote = quoteSnippet(line, 100);
    const key = quote.toLowerCase();
    if (quote.length < 20 || seen.has(key)) return;
    seen.add(key);

    const skills = detectSkills(line).map((m) => m.skill);
    const rank = (startsWithVerb ? 1 : 0) +
      (/\d/.test(quote) ? 2 : 0) +
      Math.min(skills.length, 3) +
      (skills.some((s) => jdSkillNames.has(s.name)) ? 2 : 0);
    projects.push({ quote, topic: projectTopic(quote), skills, order, rank });
  });
  return projects.sort((a, b) => b.rank - a.rank || a.order - b.order);
}

/** "Project: migrated billing service to Kubernetes" from the first few words of the quote. */
function projectTopic(quote: string): string {
  const words = quote.replace(/…$/, "").split(" ").slice(0, 7).join(" ");
  const short = words.length > 50 ? `${words.slice(0, 49).trimEnd()}…` : words;
  return `Project: ${short.replace(/[.,;:]+$/, "")}`;
}

const ROLE_WORDS =
  "engineer|developer|manager|designer|analyst|scientist|architect|administrator|consultant|specialist|lead|programmer|tester|devops|sre|owner|researcher|director";
const LABELLED_TITLE = /(?:job title|position|role|title)\s*[:\-–]\s*([^\n]{3,80})/i;
const HIRING_TITLE = new RegExp(
  `(?:hiring|looking for|seeking|join us as|recruiting)\\s+(?:an?\\s+|our\\s+(?:next|new)\\s+)?((?:[\\p{L}+#./-]+\\s+){0,4}?(?:${ROLE_WORDS})s?)\\b`,
  "iu",
);
/** Words that show a "title" match is really a sentence fragment. */
const NOT_IN_TITLE = new Set([
  "who",
  "that",
  "to",
  "the",
  "with",
  "someone",
  "you",
  "we",
  "our",
  "is",
  "are",
  "will",
  "loves",
  "love",
  "help",
  "people",
]);
const ROLE_WORD = new RegExp(`\\b(?:${ROLE_WORDS})s?\\b`, "i");

/**
 * Finds the job title in a JD: a labelled "Title: …" line, a "we are hiring a
 * …" phrase, or a short first line that contains a role word. Returns a
 * cleaned title of at most 60 characters, or undefined.
 */
export function extractRoleTitle(jdText: string): string | undefined {
  const candidates: string[] = [];
  const labelled = jdText.match(LABELLED_TITLE)?.[1];
  if (labelled) candidates.push(labelled);
  const hiring = jdText.match(HIRING_TITLE)?.[1];
  if (hiring) candidates.push(hiring);
  const firstLine = jdText.split("\n").map((l) => l.trim()).find((l) => l.length > 0);
  if (firstLine && firstLine.length <= 70) candidates.push(firstLine);

  for (const candidate of candidates) {
    if (looksLikeInjection(candidate)) continue;
    const title = quoteSnippet(candidate.split(/[|(]|\s[-–—]\s/)[0], 60).replace(/…$/, "");
    const words = tokenize(title);
    if (
      title.length >= 3 && ROLE_WORD.test(title) && words.length <= 8 &&
      !words.some((w) => NOT_IN_TITLE.has(w))
    ) {
      return title;
    }
  }
  return undefined;
}
