/**
 * Deterministic question planning for the offline engine: questions on the
 * JD's duties and the resume's achievements for any occupation, and, when
 * the JD is clearly about software, on catalog skills, experience claims and
 * projects in turn with the JD's duties; ranked, de-duplicated and balanced
 * by kind.
 *
 * @module
 */

import type {
  KeyPoint,
  PlannedQuestion,
  PlanRequest,
  QuestionKind,
  TopicSource,
} from "./engine.ts";
import {
  extractExperience,
  extractProjects,
  extractRoleTitle,
  type ProjectMention,
} from "./resume_signals.ts";
import {
  COMMON_NOUN_NAMES,
  EXPERIENCE_PROMPTS,
  GENERIC_QUESTIONS,
  type GenericQuestion,
  NEUTRAL_QUESTIONS,
  OUTCOME_POINT,
  OWNERSHIP_POINT,
  PROJECT_VARIANTS,
  referenceAnswer,
  ROLE_POINTS,
} from "./question_templates.ts";
import { detectSkills, type Skill } from "./skill_catalog.ts";
import { extractAchievements, extractDuties, roleVocabulary } from "./document_phrases.ts";
import { achievementQuestion, dutyQuestion } from "./document_questions.ts";
import { sanitizeText, stripLinks } from "./text.ts";

/**
 * Distinct technical catalog skills from which a JD counts as clearly about
 * software; below it a stray "monitoring" or "SQL" must not turn a
 * pharmacist's interview into a software one.
 */
export const SOFTWARE_JD_MIN_SKILLS = 3;

/** Fewest questions one plan may hold. */
export const MIN_QUESTIONS = 1;
/** Most questions one plan may hold; keeps interviews a sensible length. */
export const MAX_QUESTIONS = 20;

/** A question plus what the planner needs to order and de-duplicate it. */
interface Candidate {
  question: PlannedQuestion;
  isProject: boolean;
}

function makeQuestion(
  text: string,
  topic: string,
  kind: QuestionKind,
  source: TopicSource,
  subject: string,
  keyPoints: KeyPoint[],
): PlannedQuestion {
  return {
    text,
    topic,
    kind,
    source,
    referenceAnswer: referenceAnswer(subject, kind, keyPoints),
    keyPoints,
  };
}

/** How a skill is written inside a sentence: "caching", "leadership", but "Kubernetes", "Agile". */
function inSentence(skill: Skill): string {
  const isCommonNoun = COMMON_NOUN_NAMES.has(skill.name) ||
    (skill.category === "soft" && skill.name !== "Agile" && skill.name !== "Scrum");
  return isCommonNoun ? skill.name.toLowerCase() : skill.name;
}

function opener(skill: Skill, source: TopicSource, index: number, jdYears?: number): string {
  const s = inSentence(skill);
  if (skill.category === "soft") {
    if (source === "both") return `You mention ${s}, and the role calls for it too.`;
    return source === "jd" ? `The role calls for ${s}.` : `Your resume mentions ${s}.`;
  }
  if (jdYears !== undefined) {
    return source === "both"
      ? `The role asks for ${jdYears}+ years of ${s}, and you list it too.`
      : `The role asks for ${jdYears}+ years of ${s}.`;
  }
  const variants = source === "both"
    ? [
      `You list ${s} and the role relies on it too.`,
      `Both your resume and the job description mention ${s}.`,
      `${s[0].toUpperCase()}${s.slice(1)} appears on your resume and in the role's requirements.`,
    ]
    : [
      `The role asks for ${s}.`,
      `This position works with ${s}.`,
      `The job description mentions ${s}.`,
    ];
  return variants[index % variants.length];
}

/** A question about a skill named in the JD (and perhaps the resume). */
function skillQuestion(
  skill: Skill,
  source: TopicSource,
  index: number,
  jdYears?: number,
): Candidate {
  const kind: QuestionKind = skill.category === "soft" ? "behavioral" : "technical";
  const subject = inSentence(skill);
  const text = `${opener(skill, source, index, jdYears)} ${skill.ask}`;
  return {
    question: makeQuestion(text, skill.name, kind, source, subject, skill.keyPoints),
    isProject: false,
  };
}

/** A question about the candidate's own use of a skill named in the resume. */
function experienceQuestion(
  skill: Skill,
  source: TopicSource,
  index: number,
  years?: number,
): Candidate {
  if (skill.category === "soft") {
    const text = `Your resume mentions ${inSentence(skill)}. ${skill.ask}`;
    return {
      question: makeQuestion(
        text,
        skill.name,
        "behavioral",
        source,
        inSentence(skill),
        skill.keyPoints,
      ),
      isProject: false,
    };
  }
  const name = inSentence(skill);
  const lead = years !== undefined ? `You mention ${years} years of ${name}.` : [
    `Your resume mentions ${name}.`,
    `You list ${name} on your resume.`,
    `I see ${name} on your resume.`,
  ][
    index % 3
  ];
  const prompt = EXPERIENCE_PROMPTS[skill.category].replaceAll("{S}", name);
  const points = [...skill.keyPoints.slice(0, 3), OWNERSHIP_POINT, OUTCOME_POINT];
  return {
    question: makeQuestion(
      `${lead} ${prompt}`,
      skill.name,
      "experience",
      source,
      `${name} experience`,
      points,
    ),
    isProject: false,
  };
}

/** Keywords that show an answer ties the project to a skill: its plain aliases and core concepts. */
function skillLinkPoint(skill: Skill): KeyPoint {
  const aliases = skill.aliases.map((a) => a.replace(/^[=~]/, "").toLowerCase());
  return {
    point: `connects the work to ${skill.name}`,
    keywords: [...new Set([...aliases, ...skill.keyPoints[0].keywords])],
    weight: 1,
  };
}

function projectQuestion(
  project: ProjectMention,
  index: number,
  jdSkills: ReadonlySet<string>,
): Candidate {
  const variant = PROJECT_VARIANTS[index % PROJECT_VARIANTS.length];
  const points = [...variant.points];
  if (project.skills.length > 0) points.push(skillLinkPoint(project.skills[0]));
  const source: TopicSource = project.skills.some((s) => jdSkills.has(s.name)) ? "both" : "resume";
  return {
    question: makeQuestion(
      variant.text(project.quote),
      project.topic,
      "project",
      source,
      "this project",
      points,
    ),
    isProject: true,
  };
}

function genericQuestion(generic: GenericQuestion): Candidate {
  return {
    question: makeQuestion(
      generic.text,
      generic.topic,
      generic.kind,
      "jd",
      generic.topic.toLowerCase(),
      generic.points,
    ),
    isProject: false,
  };
}

function roleQuestion(title: string): Candidate {
  const text =
    `The role is ${title}. What do you expect to be the hardest part of this job, and how would you approach your first 90 days?`;
  return {
    question: makeQuestion(text, title, "experience", "jd", "this role", ROLE_POINTS),
    isProject: false,
  };
}

/** Alternates two lists so neither projects nor skill questions crowd out the other. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}

/** Technical skills before soft ones, then by how much the texts stress them, then by first mention. */
function rankSkills<T extends { skill: Skill; weight: number; first: number }>(items: T[]): T[] {
  return items.sort((a, b) =>
    Number(a.skill.category === "soft") - Number(b.skill.category === "soft") ||
    b.weight - a.weight ||
    a.first - b.first ||
    a.skill.name.localeCompare(b.skill.name)
  );
}

/** Throws a RangeError unless `count` is a valid number of questions for one plan. */
export function assertQuestionCount(count: number): void {
  if (!Number.isInteger(count) || count < MIN_QUESTIONS || count > MAX_QUESTIONS) {
    throw new RangeError(
      `count must be an integer from ${MIN_QUESTIONS} to ${MAX_QUESTIONS}, got ${count}`,
    );
  }
}

/** Questions from the documents: the JD's duties and the resume's achievements, best first. */
function documentQuestions(
  jd: string,
  resume: string,
): { duties: Candidate[]; achievements: Candidate[] } {
  const vocabulary = roleVocabulary(jd, resume);
  return {
    duties: extractDuties(jd, resume).map((d, i) => ({
      question: dutyQuestion(d, i, vocabulary),
      isProject: false,
    })),
    achievements: extractAchievements(resume, jd).slice(0, 6).map((a, i) => ({
      question: achievementQuestion(a, i, vocabulary),
      isProject: true,
    })),
  };
}

/** Two JD duties, then one resume achievement, and so on. */
function documentTier(
  duties: readonly Candidate[],
  achievements: readonly Candidate[],
): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < Math.max(Math.ceil(duties.length / 2), achievements.length); i++) {
    out.push(...duties.slice(2 * i, 2 * i + 2));
    if (i < achievements.length) out.push(achievements[i]);
  }
  return out;
}

/**
 * Plans exactly `count` distinct questions. The JD's own duties and the
 * resume's achievements come first, then domain-neutral questions. When the JD
 * is clearly about software (at least {@link SOFTWARE_JD_MIN_SKILLS} catalog
 * skills), the JD's duties still come first and catalog questions fill the
 * remaining slots: skills named in both texts, then JD-only skills, then the
 * candidate's experience and projects (interleaved); then the resume's
 * achievements and generic questions. Plans of four or more always
 * hold a behavioural question, and plans of six or more hold a project
 * question when the resume names one. No two questions share their text or
 * their topic and kind.
 */
export function planInterview(request: PlanRequest): PlannedQuestion[] {
  assertQuestionCount(request.count);
  const jd = stripLinks(sanitizeText(request.jdText));
  const resume = stripLinks(sanitizeText(request.resumeText));

  const jdMentions = new Map(detectSkills(jd).map((m) => [m.skill.name, m]));
  const resumeMentions = new Map(detectSkills(resume).map((m) => [m.skill.name, m]));
  const jdYears = new Map(extractExperience(jd).map((c) => [c.skill.name, c.years]));
  const resumeYears = new Map(extractExperience(resume).map((c) => [c.skill.name, c.years]));
  const jdSkillNames = new Set(jdMentions.keys());

  const jdRanked = rankSkills(
    [...jdMentions.values()].map((m) => {
      const inResume = resumeMentions.get(m.skill.name);
      const weight = m.count + (inResume?.count ?? 0) + (jdYears.has(m.skill.name) ? 2 : 0) +
        (resumeYears.has(m.skill.name) ? 1 : 0);
      return { skill: m.skill, weight, first: m.firstIndex, both: inResume !== undefined };
    }),
  );
  const both = jdRanked.filter((s) => s.both);
  const jdOnly = jdRanked.filter((s) => !s.both);

  // Resume experience: stated years first (they invite a concrete story), then resume-only skills.
  const resumeSkills = rankSkills(
    [...resumeMentions.values()]
      .filter((m) => resumeYears.has(m.skill.name) || !jdMentions.has(m.skill.name))
      .map((m) => ({
        skill: m.skill,
        weight: (resumeYears.get(m.skill.name) ?? 0) * 10 + m.count,
        first: m.firstIndex,
      })),
  );

  const tierBoth = both.map((s, i) => skillQuestion(s.skill, "both", i, jdYears.get(s.skill.name)));
  const tierJd = jdOnly.map((s, i) => skillQuestion(s.skill, "jd", i, jdYears.get(s.skill.name)));
  const tierResume = interleave(
    extractProjects(resume, jdSkillNames).slice(0, 6).map((p, i) =>
      projectQuestion(p, i, jdSkillNames)
    ),
    resumeSkills.map((s, i) =>
      experienceQuestion(
        s.skill,
        jdMentions.has(s.skill.name) ? "both" : "resume",
        i,
        resumeYears.get(s.skill.name),
      )
    ),
  );
  const title = extractRoleTitle(jd);
  const tierRole = title ? [roleQuestion(title)] : [];
  const { duties, achievements } = documentQuestions(jd, resume);
  const technical = [...jdMentions.values()].filter((m) => m.skill.category !== "soft").length;

  const ordered = dedupe(
    technical >= SOFTWARE_JD_MIN_SKILLS
      ? [
        ...softwareTier([...tierBoth, ...tierJd, ...tierResume], duties),
        ...achievements,
        ...tierRole,
        ...GENERIC_QUESTIONS.map(genericQuestion),
      ]
      : [
        ...documentTier(duties, achievements),
        ...tierRole,
        ...NEUTRAL_QUESTIONS.map(genericQuestion),
        // Only reached for long plans from nearly empty documents.
        ...GENERIC_QUESTIONS.map(genericQuestion),
      ],
  );
  return select(ordered, request.count).map((c) => c.question);
}

/**
 * The JD's own duties, then catalog questions: the duties are what this job
 * asks for, the catalog only enriches them (it probes depth in a skill and
 * fills the slots the duties leave; asked first, it planned questions no line
 * of the JD states, such as designing "a highly available web application").
 * On a shared topic and kind, or on a personal quality ("Communication") of
 * any kind, the catalog question, written for it, wins.
 */
function softwareTier(catalog: readonly Candidate[], duties: readonly Candidate[]): Candidate[] {
  // A duty line naming only personal qualities ("excellent communication skills") repeats the
  // catalog's behavioural question on it whatever kind its template gave it; technical topics
  // differ by kind (the catalog probes depth, the duty asks about the candidate's work).
  const qualities = new Set(
    catalog.filter((c) => c.question.kind === "behavioral").map((c) => topicKey(c.question)),
  );
  // "Communication and mentoring": a list of qualities only is one too.
  const onlyQualities = (d: Candidate) =>
    topicKey(d.question).split(/,\s*|\s+and\s+/).every((part) => qualities.has(part));
  const kept = new Set(dedupe([...catalog, ...duties.filter((d) => !onlyQualities(d))]));
  return [...duties, ...catalog].filter((c) => kept.has(c));
}

function topicKey(question: PlannedQuestion): string {
  return question.topic.toLowerCase();
}

/** Drops candidates whose text, or topic and kind, repeat an earlier one. */
function dedupe(candidates: Candidate[]): Candidate[] {
  const texts = new Set<string>();
  const topics = new Set<string>();
  return candidates.filter(({ question }) => {
    const textKey = question.text.toLowerCase();
    const topicKey = `${question.topic.toLowerCase()}|${question.kind}`;
    if (texts.has(textKey) || topics.has(topicKey)) return false;
    texts.add(textKey);
    topics.add(topicKey);
    return true;
  });
}

/**
 * Takes the first `count`, then swaps in a project and a behavioural question
 * when the plan lacks them, replacing from the end (the least preferred) and
 * never removing the only project or the only behavioural question.
 */
function select(ordered: Candidate[], count: number): Candidate[] {
  const chosen = ordered.slice(0, count);
  const isProject = (c: Candidate) => c.isProject;
  const isBehavioral = (c: Candidate) => c.question.kind === "behavioral";
  const isSole = (c: Candidate, test: (c: Candidate) => boolean) =>
    test(c) && chosen.filter(test).length === 1;

  const ensure = (test: (c: Candidate) => boolean) => {
    if (chosen.some(test)) return;
    const extra = ordered.find((c) => test(c) && !chosen.includes(c));
    if (!extra) return;
    for (let i = chosen.length - 1; i >= 0; i--) {
      if (isSole(chosen[i], isProject) || isSole(chosen[i], isBehavioral)) continue;
      chosen.splice(i, 1);
      chosen.push(extra);
      return;
    }
  };
  if (count >= 6) ensure(isProject);
  if (count >= 4) ensure(isBehavioral);
  return chosen;
}
