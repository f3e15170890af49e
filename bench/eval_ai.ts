/**
 * `deno task eval-ai`: runs the offline engine on the quality corpus in
 * `tests/fixtures/ai_quality/` and prints one Markdown row per role: how many
 * of five questions are grounded in the role's documents, how many leak
 * software vocabulary the documents do not use, and how the strong, vague and
 * off-topic answers score. Each planned question is also graded with the
 * expert answer written about the very JD duty or resume achievement it was
 * planned from (see {@link matchDutyAnswer}). Tuning, held-out, fresh and
 * unseen roles (rounds 3 to 13) are reported separately;
 * `--part tuning|held-out|fresh|unseen|unseen-2|…|unseen-16|all` picks which (default
 * all). With
 * `--cross`, also grades every off-topic answer and every other role's expert
 * answers against every planned question, a wider check that answers about
 * something else are not rewarded.
 *
 * @module
 */

import type { Grade, PlannedQuestion } from "../ai/engine.ts";
import { analyzeWords, isContent, sameTerm, termKey } from "../ai/nlp.ts";
import { OfflineEngine } from "../ai/offline_engine.ts";
import { stem, tokenize } from "../ai/text.ts";
import { FRESH_ROLES } from "../tests/fixtures/ai_quality/fresh_roles.ts";
import { HELD_OUT_ROLES } from "../tests/fixtures/ai_quality/held_out_roles.ts";
import { OFF_TOPIC_ANSWERS } from "../tests/fixtures/ai_quality/off_topic_answers.ts";
import type { DutyAnswer, QualityRole } from "../tests/fixtures/ai_quality/role.ts";
import { TUNING_ROLES } from "../tests/fixtures/ai_quality/tuning_roles.ts";
import { DUTY_ANSWERS_TUNING } from "../tests/fixtures/ai_quality/duty_answers_tuning.ts";
import { DUTY_ANSWERS_HELD_OUT } from "../tests/fixtures/ai_quality/duty_answers_held_out.ts";
import { UNSEEN_ROLES } from "../tests/fixtures/ai_quality/unseen_roles.ts";
import { UNSEEN_ROLES_2 } from "../tests/fixtures/ai_quality/unseen_roles_2.ts";
import { UNSEEN_ROLES_3 } from "../tests/fixtures/ai_quality/unseen_roles_3.ts";
import { UNSEEN_ROLES_4 } from "../tests/fixtures/ai_quality/unseen_roles_4.ts";
import { UNSEEN_ROLES_5 } from "../tests/fixtures/ai_quality/unseen_roles_5.ts";
import { UNSEEN_ROLES_6 } from "../tests/fixtures/ai_quality/unseen_roles_6.ts";
import { UNSEEN_ROLES_7 } from "../tests/fixtures/ai_quality/unseen_roles_7.ts";
import { UNSEEN_ROLES_8 } from "../tests/fixtures/ai_quality/unseen_roles_8.ts";
import { UNSEEN_ROLES_9 } from "../tests/fixtures/ai_quality/unseen_roles_9.ts";
import { UNSEEN_ROLES_10 } from "../tests/fixtures/ai_quality/unseen_roles_10.ts";
import { UNSEEN_ROLES_11 } from "../tests/fixtures/ai_quality/unseen_roles_11.ts";
import { UNSEEN_ROLES_12 } from "../tests/fixtures/ai_quality/unseen_roles_12.ts";
import { UNSEEN_ROLES_13 } from "../tests/fixtures/ai_quality/unseen_roles_13.ts";
import { UNSEEN_ROLES_14 } from "../tests/fixtures/ai_quality/unseen_roles_14.ts";
import { UNSEEN_ROLES_15 } from "../tests/fixtures/ai_quality/unseen_roles_15.ts";
import { UNSEEN_ROLES_16 } from "../tests/fixtures/ai_quality/unseen_roles_16.ts";

const QUESTIONS = 5;

/** Words and phrases that only belong in a question when the role's own documents use them. */
const SOFTWARE_TERMS = [
  "production",
  "deploy",
  "deployed",
  "deployment",
  "codebase",
  "code",
  "latency",
  "technical decision",
  "technical choices",
  "real system",
  "system design",
  "software",
  "api",
  "apis",
  "microservice",
  "microservices",
  "database",
  "server",
  "servers",
  "sql",
  "debug",
  "debugging",
  "observability",
  "tracing",
  "slo",
  "slos",
  "wcag",
  "aria",
  "bug",
  "bugs",
  "frontend",
  "backend",
  "cloud",
  "kubernetes",
  "scalability",
  "throughput",
  "refactor",
  "error rates",
  "engineers",
];

/** Short words carry no topic: they would make every question look grounded. */
const FUNCTION_WORDS = new Set(
  ("the a an and or but to of in on for with at by from as is are was were be been it its this that " +
    "you your we our they their how what when why which who would will can could should do does did " +
    "have has had about into tell me walk through time role job")
    .split(" "),
);

function contentStems(text: string): string[] {
  return tokenize(text).filter((w) => w.length >= 3 && !FUNCTION_WORDS.has(w)).map(stem);
}

/** A question is grounded when most content words of its topic occur in the role's documents. */
export function isGrounded(question: PlannedQuestion, documentStems: ReadonlySet<string>): boolean {
  const topic = contentStems(question.topic.replace(/^Project:\s*/, ""));
  if (topic.length === 0) return false;
  const found = topic.filter((s) => documentStems.has(s)).length;
  return found * 2 >= topic.length;
}

/** Software terms in the question or its reference answer that the role's documents do not use. */
export function leakedTerms(question: PlannedQuestion, documents: string): string[] {
  const docs = ` ${tokenize(documents).join(" ")} `;
  const asked = ` ${tokenize(`${question.text} ${question.referenceAnswer}`).join(" ")} `;
  return SOFTWARE_TERMS.filter((term) =>
    asked.includes(` ${term} `) && !docs.includes(` ${term} `)
  );
}

function overlap(question: PlannedQuestion, answer: string): number {
  const asked = new Set(contentStems(`${question.topic} ${question.text}`));
  return new Set(contentStems(answer).filter((s) => asked.has(s))).size;
}

/** The item with the highest score; the first on ties. */
function closest<T>(items: readonly T[], score: (item: T) => number): T {
  return items.reduce((best, item) => (score(item) > score(best) ? item : best));
}

/** Content-word term keys of a text (lemma or stem, as the engine compares words). */
function contentTerms(text: string): string[] {
  return [
    ...new Set(
      analyzeWords(text).filter((t) => isContent(t) && t.lower.length >= 3).map(termKey),
    ),
  ];
}

/** Length of the longest run of consecutive words two word lists share. */
function longestCommonRun(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1] + 1;
        best = Math.max(best, current[j]);
      }
    }
    previous = current;
  }
  return best;
}

/**
 * Words in a row a question must share with a duty answer's `about` line to
 * be taken as quoting it: the planner quotes the line, cut at 140 characters
 * (about 20 words), so a quoted line shares at least this many, or 80 % of a
 * shorter line; template wording never repeats this many words of a document.
 */
const QUOTED_RUN = 6;

/** How a question was paired with a duty answer. */
export type DutyMatch = "quoted" | "overlap";

/**
 * The duty answer about the line a question was planned from. Document
 * questions quote their JD or resume line verbatim (lower-cased first
 * letter, cut at 140 characters), so the line is found by the longest run of
 * words the question shares with an `about` line; a run of at least
 * {@link QUOTED_RUN} words (or 80 % of a shorter line, at least 3) is a
 * "quoted" match. A question that quotes no line (a general one, or one on a
 * catalog skill) falls back to the answer whose `about` line shares the most
 * content words with the question's text and topic, by lemma or stem
 * ("overlap"). Ties go to the first answer.
 */
export function matchDutyAnswer(
  question: PlannedQuestion,
  answers: readonly DutyAnswer[],
): { answer: DutyAnswer; match: DutyMatch } | undefined {
  if (answers.length === 0) return undefined;
  const asked = tokenize(question.text);
  let quoted: { answer: DutyAnswer; run: number } | undefined;
  for (const answer of answers) {
    const line = tokenize(answer.about);
    const run = longestCommonRun(asked, line);
    const needed = Math.max(3, Math.min(QUOTED_RUN, Math.ceil(line.length * 0.8)));
    if (run >= needed && run > (quoted?.run ?? 0)) quoted = { answer, run };
  }
  if (quoted) return { answer: quoted.answer, match: "quoted" };
  const terms = contentTerms(`${question.topic} ${question.text}`);
  const shared = (answer: DutyAnswer) =>
    contentTerms(answer.about).filter((a) => terms.some((t) => sameTerm(a, t))).length;
  return { answer: closest(answers, shared), match: "overlap" };
}

/** A graded answer. */
export interface Graded {
  score: number;
  grade: Grade;
  remark: string;
}

/** The duty answer of one question, graded, with the vague answer's score on that question. */
export interface DutyResult extends Graded {
  about: string;
  match: DutyMatch;
  vague: number;
}

/** Results of one role. */
export interface RoleResult {
  role: QualityRole;
  grounded: number;
  leaking: number;
  leaked: string[];
  strong: Graded[];
  vague: Graded[];
  offTopic: Graded[];
  /**
   * Each written strong answer graded against the planned question closest to
   * it, with the vague answer's score on that same question.
   */
  written: { score: number; grade: Grade; vague: number }[];
  /** Per question, the expert answer about its own line; empty when the role has no duty answers. */
  duty: DutyResult[];
  questions: PlannedQuestion[];
}

/** Plans five questions for a role and scores its strong, vague, duty and off-topic answers. */
export async function evaluateRole(
  engine: OfflineEngine,
  role: QualityRole,
  offset: number,
): Promise<RoleResult> {
  const questions = await engine.planQuestions({
    jdText: role.jd,
    resumeText: role.resume,
    count: QUESTIONS,
  });
  const documents = `${role.jd}\n${role.resume}`;
  const documentStems = new Set(contentStems(documents));
  const result: RoleResult = {
    role,
    grounded: 0,
    leaking: 0,
    leaked: [],
    strong: [],
    vague: [],
    offTopic: [],
    written: [],
    duty: [],
    questions,
  };
  for (const [i, question] of questions.entries()) {
    if (isGrounded(question, documentStems)) result.grounded++;
    const leaked = leakedTerms(question, documents);
    if (leaked.length > 0) {
      result.leaking++;
      result.leaked.push(...leaked.filter((t) => !result.leaked.includes(t)));
    }
    const grade = async (answer: string): Promise<Graded> => {
      const { score, grade, remark } = await engine.evaluateAnswer(question, answer);
      return { score, grade, remark };
    };
    if (role.strong.length > 0) {
      result.strong.push(await grade(closest(role.strong, (a) => overlap(question, a))));
    }
    const vague = await grade(role.vague);
    result.vague.push(vague);
    result.offTopic.push(await grade(OFF_TOPIC_ANSWERS[(offset + i) % OFF_TOPIC_ANSWERS.length]));
    const found = matchDutyAnswer(question, role.dutyAnswers ?? []);
    if (found) {
      const graded = await grade(found.answer.answer);
      result.duty.push({
        ...graded,
        about: found.answer.about,
        match: found.match,
        vague: vague.score,
      });
    }
  }
  for (const answer of role.strong) {
    const question = closest(questions, (q) => overlap(q, answer));
    const { score, grade } = await engine.evaluateAnswer(question, answer);
    const vague = (await engine.evaluateAnswer(question, role.vague)).score;
    result.written.push({ score, grade, vague });
  }
  return result;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function cell(items: readonly { score: number; grade: Grade }[]): string {
  if (items.length === 0) return "–";
  return `${mean(items.map((i) => i.score)).toFixed(1)} ${items.map((i) => i.grade).join("")}`;
}

function isAtoC(grade: Grade): boolean {
  return grade === "A" || grade === "B" || grade === "C";
}

/** Counts over a set of roles, checked against the targets of issue 9. */
export interface Summary {
  roles: number;
  groundedRoles: number;
  leakingNonSoftware: number;
  questions: number;
  separated: number;
  strongAtoC: number;
  written: number;
  writtenAtoC: number;
  /** Written strong answers that beat the vague answer by 3 points on the same question. */
  writtenSeparated: number;
  offTopicF: number;
  softwareStrongMean: number;
  /** Questions graded with a duty answer, and how many of those quote its line. */
  dutyQuestions: number;
  dutyQuoted: number;
  dutyMean: number;
  /** Duty answers that beat the vague answer by 3 points on their question. */
  dutySeparated: number;
  dutyAtoC: number;
  softwareDutyMean: number;
}

/** Totals for the targets: grounding, leakage, separation, strong grades, off-topic grades. */
export function summarize(results: readonly RoleResult[]): Summary {
  const all = results.flatMap((r) =>
    r.strong.map((s, i) => ({ s, v: r.vague[i], o: r.offTopic[i] }))
  );
  const duty = results.flatMap((r) => r.duty);
  const software = results.filter((r) => r.role.software);
  return {
    roles: results.length,
    groundedRoles: results.filter((r) => r.grounded >= 4).length,
    leakingNonSoftware: results.filter((r) => !r.role.software)
      .reduce((sum, r) => sum + r.leaking, 0),
    questions: all.length,
    separated: all.filter(({ s, v }) => s.score >= v.score + 3).length,
    strongAtoC: all.filter(({ s }) => isAtoC(s.grade)).length,
    written: results.reduce((sum, r) => sum + r.written.length, 0),
    writtenAtoC: results.flatMap((r) => r.written).filter((w) => isAtoC(w.grade)).length,
    writtenSeparated: results.flatMap((r) => r.written).filter((w) => w.score >= w.vague + 3)
      .length,
    offTopicF: results.flatMap((r) => r.offTopic).filter((o) => o.grade === "F").length,
    softwareStrongMean: mean(software.flatMap((r) => r.strong.map((s) => s.score))),
    dutyQuestions: duty.length,
    dutyQuoted: duty.filter((d) => d.match === "quoted").length,
    dutyMean: mean(duty.map((d) => d.score)),
    dutySeparated: duty.filter((d) => d.score >= d.vague + 3).length,
    dutyAtoC: duty.filter((d) => isAtoC(d.grade)).length,
    softwareDutyMean: mean(software.flatMap((r) => r.duty.map((d) => d.score))),
  };
}

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;
}

function printPart(title: string, results: readonly RoleResult[]): void {
  console.log(`\n### ${title}\n`);
  console.log(
    "| role | family | grounded | software leakage | strong | vague | off-topic | strong ≥ vague + 3 | written strong | strong (duty) | duty ≥ vague + 3 | duty quoted |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const separated = r.strong.filter((s, i) => s.score >= r.vague[i].score + 3).length;
    const leak = r.role.software
      ? "n/a"
      : `${r.leaking}/${QUESTIONS}${
        r.leaked.length ? ` (${r.leaked.slice(0, 4).join(", ")})` : ""
      }`;
    const duty = r.duty.length === 0 ? ["–", "–", "–"] : [
      cell(r.duty),
      `${r.duty.filter((d) => d.score >= d.vague + 3).length}/${r.duty.length}`,
      `${r.duty.filter((d) => d.match === "quoted").length}/${r.duty.length}`,
    ];
    console.log(
      `| ${r.role.id} | ${r.role.family} | ${r.grounded}/${QUESTIONS} | ${leak} | ${
        cell(r.strong)
      } | ${cell(r.vague)} | ${cell(r.offTopic)} | ${
        r.strong.length > 0 ? `${separated}/${QUESTIONS}` : "–"
      } | ${cell(r.written)} | ${duty.join(" | ")} |`,
    );
  }
  const s = summarize(results);
  const offTopic = results.reduce((n, r) => n + r.offTopic.length, 0);
  console.log(
    `\nRoles with ≥ 4 of 5 grounded: ${s.groundedRoles}/${s.roles}; software leakage in ` +
      `non-software roles: ${s.leakingNonSoftware} questions; strong ≥ vague + 3: ` +
      `${s.separated}/${s.questions} (${percent(s.separated, s.questions)}); strong graded A–C: ` +
      `${s.strongAtoC}/${s.questions} (${
        percent(s.strongAtoC, s.questions)
      }); written strong answers ` +
      `graded A–C against their closest question: ${s.writtenAtoC}/${s.written} (${
        percent(s.writtenAtoC, s.written)
      }), beating the vague answer by 3: ${s.writtenSeparated}/${s.written} (${
        percent(s.writtenSeparated, s.written)
      }); off-topic graded F: ${s.offTopicF}/${offTopic}` +
      (results.some((r) => r.role.software)
        ? `; software roles' strong mean: ${s.softwareStrongMean.toFixed(1)}.`
        : "."),
  );
  if (s.dutyQuestions === 0) {
    console.log("\nNo duty answers for this part yet.");
    return;
  }
  console.log(
    `\nStrong (duty): ${s.dutyQuestions} questions graded with the expert answer about their ` +
      `own line (${s.dutyQuoted} quote a line with a duty answer, ${
        s.dutyQuestions - s.dutyQuoted
      } fall back to the best-overlap answer); mean ${s.dutyMean.toFixed(1)}; ≥ vague + 3: ` +
      `${s.dutySeparated}/${s.dutyQuestions} (${percent(s.dutySeparated, s.dutyQuestions)}); ` +
      `graded A–C: ${s.dutyAtoC}/${s.dutyQuestions} (${percent(s.dutyAtoC, s.dutyQuestions)})` +
      (results.some((r) => r.role.software && r.duty.length > 0)
        ? `; software roles' duty mean: ${s.softwareDutyMean.toFixed(1)}.`
        : "."),
  );
}

/** Answers about something else, graded against every planned question of a part. */
export interface CrossCheck {
  offTopic: number;
  offTopicNotF: number;
  otherRoles: number;
  otherRolesAtoC: number;
  /** Duty answers of the part's other roles. */
  otherDuty: number;
  otherDutyAtoC: number;
  /**
   * The role's own duty answers about other lines than the question's. Some
   * are about the same work (a JD duty and the resume line that did it), so
   * this is not expected to be zero, only low.
   */
  ownOtherLines: number;
  ownOtherLinesAtoC: number;
}

/**
 * Grades all off-topic answers, the strong answers of every role of `corpus`
 * other than the question's own, the duty answers of the other roles of the
 * same part, and the role's own duty answers about other lines, against every
 * planned question.
 */
export async function crossCheck(
  engine: OfflineEngine,
  results: readonly RoleResult[],
  corpus: readonly QualityRole[],
): Promise<CrossCheck> {
  const check = {
    offTopic: 0,
    offTopicNotF: 0,
    otherRoles: 0,
    otherRolesAtoC: 0,
    otherDuty: 0,
    otherDutyAtoC: 0,
    ownOtherLines: 0,
    ownOtherLinesAtoC: 0,
  };
  for (const { role, questions, duty } of results) {
    const others = corpus.filter((r) => r.id !== role.id).flatMap((r) => r.strong);
    const otherDuty = results.filter((r) => r.role.id !== role.id)
      .flatMap((r) => (r.role.dutyAnswers ?? []).map((d) => d.answer));
    for (const question of questions) {
      for (const answer of OFF_TOPIC_ANSWERS) {
        check.offTopic++;
        if ((await engine.evaluateAnswer(question, answer)).grade !== "F") check.offTopicNotF++;
      }
      for (const answer of others) {
        check.otherRoles++;
        if (isAtoC((await engine.evaluateAnswer(question, answer)).grade)) check.otherRolesAtoC++;
      }
      for (const answer of otherDuty) {
        check.otherDuty++;
        if (isAtoC((await engine.evaluateAnswer(question, answer)).grade)) check.otherDutyAtoC++;
      }
    }
    for (const [i, question] of questions.entries()) {
      for (const answer of role.dutyAnswers ?? []) {
        if (answer.about === duty[i]?.about) continue;
        check.ownOtherLines++;
        const { grade } = await engine.evaluateAnswer(question, answer.answer);
        if (isAtoC(grade)) check.ownOtherLinesAtoC++;
      }
    }
  }
  return check;
}

/** The parts of the corpus, in the order they are reported. */
export const PARTS = [
  "tuning",
  "held-out",
  "fresh",
  "unseen",
  "unseen-2",
  "unseen-3",
  "unseen-4",
  "unseen-5",
  "unseen-6",
  "unseen-7",
  "unseen-8",
  "unseen-9",
  "unseen-10",
  "unseen-11",
  "unseen-12",
  "unseen-13",
  "unseen-14",
  "unseen-15",
  "unseen-16",
] as const;
/** One part of the corpus. */
export type Part = typeof PARTS[number];

type DutyAnswerMap = Readonly<Record<string, readonly DutyAnswer[]>>;

/** A part's roles with their duty answers merged in (unseen roles carry their own). */
export function partRoles(part: Part): readonly QualityRole[] {
  const merge = (roles: readonly QualityRole[], answers: DutyAnswerMap) =>
    roles.map((role) => ({ ...role, dutyAnswers: role.dutyAnswers ?? answers[role.id] }));
  switch (part) {
    case "tuning":
      return merge(TUNING_ROLES, DUTY_ANSWERS_TUNING);
    case "held-out":
      return merge(HELD_OUT_ROLES, DUTY_ANSWERS_HELD_OUT);
    case "fresh":
      return merge(FRESH_ROLES, DUTY_ANSWERS_HELD_OUT);
    case "unseen":
      return UNSEEN_ROLES;
    case "unseen-2":
      return UNSEEN_ROLES_2;
    case "unseen-3":
      return UNSEEN_ROLES_3;
    case "unseen-4":
      return UNSEEN_ROLES_4;
    case "unseen-5":
      return UNSEEN_ROLES_5;
    case "unseen-6":
      return UNSEEN_ROLES_6;
    case "unseen-7":
      return UNSEEN_ROLES_7;
    case "unseen-8":
      return UNSEEN_ROLES_8;
    case "unseen-9":
      return UNSEEN_ROLES_9;
    case "unseen-10":
      return UNSEEN_ROLES_10;
    case "unseen-11":
      return UNSEEN_ROLES_11;
    case "unseen-12":
      return UNSEEN_ROLES_12;
    case "unseen-13":
      return UNSEEN_ROLES_13;
    case "unseen-14":
      return UNSEEN_ROLES_14;
    case "unseen-15":
      return UNSEEN_ROLES_15;
    case "unseen-16":
      return UNSEEN_ROLES_16;
  }
}

/** Evaluates the given parts of the corpus (all by default), each role in turn. */
export async function evaluateCorpus(
  parts: readonly Part[] = PARTS,
): Promise<Partial<Record<Part, RoleResult[]>>> {
  const engine = new OfflineEngine();
  const out: Partial<Record<Part, RoleResult[]>> = {};
  for (const part of parts) {
    // Each part starts the off-topic rotation at a different answer.
    const shift = PARTS.indexOf(part);
    const results: RoleResult[] = [];
    for (const [i, role] of partRoles(part).entries()) {
      results.push(await evaluateRole(engine, role, i * QUESTIONS + shift));
    }
    out[part] = results;
  }
  return out;
}

const TITLES: Record<Part, string> = {
  tuning: "Tuning roles",
  "held-out": "Held-out roles (not tuned on; seen while tuning, see docs/ai_quality.md)",
  fresh: "Fresh held-out roles (written after the first round of tuning)",
  unseen: "Unseen roles (round 3, written blind, run once)",
  "unseen-2": "Second unseen roles (round 4, written blind, run once)",
  "unseen-3": "Third unseen roles (round 5, written blind, run once)",
  "unseen-4": "Fourth unseen roles (round 6, written blind, run once)",
  "unseen-5": "Fifth unseen roles (round 7, written blind, run once)",
  "unseen-6": "Sixth unseen roles (round 8, written blind, run once)",
  "unseen-7": "Seventh unseen roles (round 9, written blind, run once)",
  "unseen-8": "Eighth unseen roles (round 10, written blind, run once)",
  "unseen-9": "Ninth unseen roles (round 10, written blind, run once)",
  "unseen-10": "Tenth unseen roles (round 10, written blind, run once)",
  "unseen-11": "Eleventh unseen roles (round 12, written blind, run once)",
  "unseen-12": "Twelfth unseen roles (round 12, written blind, run once)",
  "unseen-13": "Thirteenth unseen roles (round 12, written blind, run once)",
  "unseen-14": "Fourteenth unseen roles (round 13, written blind, run once)",
  "unseen-15": "Fifteenth unseen roles (round 13, written blind, run once)",
  "unseen-16": "Sixteenth unseen roles (round 13, written blind, run once)",
};

/** The parts named by `--part NAME` or `--part=NAME`; all when absent. */
export function partsFromArgs(args: readonly string[]): Part[] {
  const at = args.findIndex((a) => a === "--part" || a.startsWith("--part="));
  if (at < 0) return [...PARTS];
  const value = args[at].includes("=") ? args[at].split("=")[1] : args[at + 1];
  if (value === "all") return [...PARTS];
  if (!PARTS.includes(value as Part)) {
    throw new RangeError(`--part must be one of ${PARTS.join(", ")} or all, got ${value}`);
  }
  return [value as Part];
}

if (import.meta.main) {
  const parts = partsFromArgs(Deno.args);
  const started = performance.now();
  const results = await evaluateCorpus(parts);
  const elapsed = performance.now() - started;
  const chosen = parts.map((part) => [part, results[part] ?? []] as const);
  for (const [part, roles] of chosen) {
    printPart(`${TITLES[part]}: ${roles.length}`, roles);
  }
  const all = chosen.flatMap(([, roles]) => roles);
  console.log(
    `\nScores are means over five questions followed by each answer's grade. ${
      (elapsed / 1000).toFixed(1)
    } s for ${all.length} roles.`,
  );
  if (Deno.args.includes("--cross")) {
    const engine = new OfflineEngine();
    // The written strong answers of the three original parts, as in rounds 1 and 2.
    const corpus = [...TUNING_ROLES, ...HELD_OUT_ROLES, ...FRESH_ROLES];
    console.log("\n### Answers about something else, against every planned question\n");
    for (const [part, roles] of chosen) {
      const c = await crossCheck(engine, roles, corpus);
      console.log(
        `${part}: off-topic answers not graded F: ${c.offTopicNotF}/${c.offTopic}; other roles' ` +
          `strong answers graded A–C: ${c.otherRolesAtoC}/${c.otherRoles} (${
            (100 * c.otherRolesAtoC / Math.max(1, c.otherRoles)).toFixed(1)
          }%); other roles' duty answers (same part) graded A–C: ${c.otherDutyAtoC}/${c.otherDuty} (${
            (100 * c.otherDutyAtoC / Math.max(1, c.otherDuty)).toFixed(1)
          }%); the role's own answers about other lines graded A–C: ${c.ownOtherLinesAtoC}/${c.ownOtherLines} (${
            (100 * c.ownOtherLinesAtoC / Math.max(1, c.ownOtherLines)).toFixed(1)
          }%).`,
      );
    }
  }
  if (Deno.args.includes("--weak")) {
    for (const r of all) {
      r.strong.forEach((s, i) => {
        if (s.grade === "D" || s.grade === "F") {
          console.log(`\n${r.role.id} ${s.grade}: ${r.questions[i].text}\n  ${s.remark}`);
        }
      });
      r.duty.forEach((d, i) => {
        if (d.grade === "D" || d.grade === "F") {
          console.log(
            `\n${r.role.id} duty ${d.grade} (${d.match}): ${
              r.questions[i].text
            }\n  about: ${d.about}\n  ${d.remark}`,
          );
        }
      });
    }
  }
  if (Deno.args.includes("--questions")) {
    for (const r of all) {
      console.log(`\n## ${r.role.id}`);
      for (const q of r.questions) console.log(`- [${q.kind}/${q.source}] ${q.topic} :: ${q.text}`);
    }
  }
}
