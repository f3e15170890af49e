/**
 * Deterministic question planning for the offline engine: finds skills,
 * experience claims and projects in the JD and resume, ranks them and turns
 * the best into natural-sounding questions with reference answers.
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
import { detectSkills, type Skill, type SkillCategory } from "./skill_catalog.ts";
import { sanitizeText, stripLinks } from "./text.ts";

/** Fewest and most questions one plan may hold. */
export const MIN_QUESTIONS = 1;
/** Upper bound on `count`; keeps interviews a sensible length. */
export const MAX_QUESTIONS = 20;

function point(text: string, keywords: string, weight = 1): KeyPoint {
  return { point: text, keywords: keywords.split(",").map((k) => k.trim()), weight };
}

/** Every experience answer is also judged on ownership and results, not only on the skill. */
const OWNERSHIP_POINT = point(
  "describes what they personally built or decided",
  "i built, i designed, i wrote, i implemented, i led, i owned, i decided, i chose, i set up, i migrated, my role, i was responsible, i introduced",
);
const OUTCOME_POINT = point(
  "states the result, ideally with numbers",
  "reduced, increased, improved, saved, faster, slower, percent, result, outcome, impact, cut, dropped",
);

const EXPERIENCE_PROMPTS: Record<Exclude<SkillCategory, "soft">, string> = {
  language:
    "What is the most complex piece of software you have written in {S}, and which language features or libraries made the biggest difference?",
  frontend:
    "Tell me about a user-facing feature you built with {S}: how did you structure it, and how did you keep it fast and maintainable?",
  backend:
    "Describe a service you built with {S}: how was it structured, and what went wrong in production?",
  database:
    "Tell me about a time {S} became a bottleneck or caused a problem in one of your systems. How did you find and fix it?",
  messaging:
    "Tell me about a system where you used {S}: what flowed through it, and what went wrong along the way?",
  cloud:
    "What have you run on {S} in production, and how did you keep cost, security and reliability under control?",
  devops:
    "Tell me how you used {S} in a real delivery pipeline or platform: what problem did it solve, and what broke along the way?",
  data:
    "Walk me through a piece of your own work with {S}: the data, your approach, and how you judged whether it worked.",
  testing:
    "How did you apply {S} on a real codebase, and what did it change about the bugs that reached production?",
  security:
    "Tell me about a concrete problem related to {S} that you found or prevented. What did you do, and what was the impact?",
  architecture:
    "Describe a system where you applied {S}. Which trade-offs did you face, and would you make the same call again?",
  mobile: "Tell me about an app you shipped with {S}: what was hardest to get right for users?",
};

interface ProjectVariant {
  text: (quote: string) => string;
  points: KeyPoint[];
}

const PROJECT_GOAL = point(
  "explains the goal and context of the work",
  "goal, problem, context, business, customer, users, needed, requirement, because",
);
const PROJECT_VARIANTS: readonly ProjectVariant[] = [
  {
    text: (q) =>
      `On your resume you wrote: "${q}". Walk me through that work: what was the goal, what did you personally do, and how did you measure the result?`,
    points: [
      PROJECT_GOAL,
      OWNERSHIP_POINT,
      point(
        "explains the technical choices and their trade-offs",
        "trade off, tradeoff, chose, instead of, alternative, decision, compared, option, rather than",
      ),
      point(
        "gives a measurable outcome",
        "reduced, increased, improved, saved, faster, percent, latency, revenue, cost, metric, measured",
      ),
    ],
  },
  {
    text: (q) =>
      `You mention "${q}". What was the hardest technical problem in that work, and how did you solve it?`,
    points: [
      PROJECT_GOAL,
      point(
        "describes the hardest problem concretely",
        "bug, issue, bottleneck, failure, challenge, difficult, hard, broke, outage, race condition, edge case",
      ),
      point(
        "explains how they diagnosed it",
        "investigate, debug, profile, measure, log, trace, reproduce, hypothesis, root cause",
      ),
      point(
        "explains the solution and why it worked",
        "fixed, solved, solution, changed, introduced, rewrote, because, so that",
      ),
    ],
  },
  {
    text: (q) =>
      `Tell me more about "${q}". Looking back, what would you do differently today, and why?`,
    points: [
      PROJECT_GOAL,
      point(
        "assesses what went well and what did not",
        "went well, worked, did not work, didn't work, mistake, problem, struggled",
      ),
      point(
        "names a specific change and the reason for it",
        "differently, instead, would change, next time, rather than, because, earlier",
      ),
      point(
        "reflects on lessons learned",
        "learned, lesson, in hindsight, takeaway, retrospective, realized",
      ),
    ],
  },
];

interface GenericQuestion {
  topic: string;
  kind: QuestionKind;
  text: string;
  points: KeyPoint[];
}

/** Used to fill a plan when the texts name too few skills; each has its own topic. */
const GENERIC_QUESTIONS: readonly GenericQuestion[] = [
  {
    topic: "Debugging",
    kind: "technical",
    text:
      "Walk me through how you would debug a production problem you have never seen before, from the first report to the fix.",
    points: [
      point(
        "gathers evidence from logs, metrics and traces",
        "log, metric, trace, dashboard, evidence, data, monitoring",
      ),
      point(
        "reproduces and narrows the problem down",
        "reproduce, narrow down, isolate, bisect, hypothesis, recent change",
      ),
      point(
        "mitigates user impact first",
        "mitigate, rollback, roll back, impact, feature flag, hotfix",
      ),
      point(
        "fixes the root cause and prevents recurrence",
        "root cause, fix, test, postmortem, prevent, alert",
      ),
    ],
  },
  {
    topic: "Collaboration",
    kind: "behavioral",
    text:
      "Tell me about a time you disagreed with a teammate about a technical decision. How did you resolve it?",
    points: [
      point(
        "listened to understand the other view",
        "listen, understand, perspective, view, their point",
      ),
      point(
        "used data or a small experiment to decide",
        "data, evidence, prototype, experiment, benchmark",
      ),
      point("reached a decision and committed to it", "decision, agree, commit, compromise"),
      point("described the outcome", "outcome, result, shipped, worked, learned"),
    ],
  },
  {
    topic: "Learning quickly",
    kind: "behavioral",
    text:
      "Tell me about a time you had to learn a new technology or domain quickly. How did you approach it?",
    points: [
      point("set a concrete goal for the learning", "goal, deadline, needed, task"),
      point(
        "used documentation and hands-on practice",
        "documentation, docs, tutorial, prototype, hands on, practice, course",
      ),
      point("asked experts and colleagues", "asked, mentor, colleague, expert, pair"),
      point("applied it and delivered something", "delivered, shipped, applied, built, result"),
    ],
  },
  {
    topic: "Prioritisation",
    kind: "behavioral",
    text:
      "Describe a time you had more work than you could finish. How did you decide what to do first?",
    points: [
      point("assessed impact and urgency", "impact, urgent, urgency, priority, value, deadline"),
      point(
        "talked to stakeholders or the manager",
        "manager, stakeholder, discussed, communicated, aligned",
      ),
      point(
        "deferred or cut scope explicitly",
        "defer, deferred, cut scope, said no, postpone, drop",
      ),
      point("described the outcome", "outcome, result, delivered, shipped, on time"),
    ],
  },
  {
    topic: "Learning from mistakes",
    kind: "behavioral",
    text:
      "Tell me about a mistake you made at work that had real consequences. What happened, and what did you change afterwards?",
    points: [
      point("took ownership of the mistake", "my mistake, i made, responsibility, owned, admitted"),
      point(
        "limited the impact quickly",
        "fixed, rollback, rolled back, mitigate, restored, impact",
      ),
      point("found the root cause", "root cause, why, because, investigate"),
      point(
        "changed a process or habit to prevent it",
        "changed, process, check, test, automation, prevent, learned",
      ),
    ],
  },
  {
    topic: "Code quality",
    kind: "technical",
    text: "How do you keep code quality high in a team without slowing delivery down?",
    points: [
      point("uses code review well", "code review, review, pull request"),
      point(
        "relies on automated tests",
        "test, automated test, unit test, integration test, coverage",
      ),
      point("automates checks in CI", "ci, lint, linter, formatter, static analysis, pipeline"),
      point(
        "pays down technical debt continuously",
        "refactor, technical debt, tech debt, cleanup, boy scout",
      ),
    ],
  },
  {
    topic: "Testing strategy",
    kind: "technical",
    text: "How do you decide what to test, and at which level: unit, integration or end-to-end?",
    points: [
      point("balances the test pyramid", "test pyramid, unit, integration, end to end, e2e"),
      point(
        "focuses on risk and critical paths",
        "risk, critical, important, business logic, edge case",
      ),
      point("keeps tests fast and reliable", "fast, flaky, reliable, deterministic"),
      point("runs them automatically in CI", "ci, pipeline, automated, every commit"),
    ],
  },
  {
    topic: "Technical trade-offs",
    kind: "experience",
    text:
      "Tell me about a technical decision where you traded speed of delivery against long-term quality. What did you choose, and why?",
    points: [
      point("describes the options", "option, alternative, choice, approach"),
      point(
        "explains the trade-off and the reasoning",
        "trade off, because, cost, risk, deadline, quality",
      ),
      point("describes the consequences", "result, consequence, later, debt, outcome"),
      point("says what they would do again or change", "again, differently, learned, would"),
    ],
  },
  {
    topic: "Ownership",
    kind: "behavioral",
    text:
      "Tell me about something you owned end to end, from idea to production. What did ownership mean in practice?",
    points: [
      point("defined the problem and the goal", "problem, goal, idea, requirement, user"),
      point(
        "drove the work across people and teams",
        "drove, coordinated, led, organized, stakeholder",
      ),
      point(
        "took care of operations after launch",
        "monitor, production, on call, support, maintain, bug",
      ),
      point("measured the result", "result, metric, impact, adoption, usage"),
    ],
  },
  {
    topic: "Career highlight",
    kind: "experience",
    text: "What is the piece of work you are proudest of, and what exactly was your contribution?",
    points: [
      point("explains the problem it solved", "problem, goal, users, customer, business"),
      OWNERSHIP_POINT,
      point("explains why it was hard", "hard, difficult, challenge, complex, constraint"),
      OUTCOME_POINT,
    ],
  },
  {
    topic: "Motivation",
    kind: "experience",
    text: "What kind of problems do you most enjoy working on, and how does this role fit that?",
    points: [
      point(
        "names specific problems they enjoy",
        "enjoy, problem, like, interest, passion, motivate",
      ),
      point("backs it with past work", "project, built, worked on, example"),
      point("connects it to the role", "role, team, company, product, this position"),
    ],
  },
  {
    topic: "Estimation",
    kind: "experience",
    text:
      "How do you estimate work with many unknowns, and what do you do when the estimate turns out to be wrong?",
    points: [
      point("breaks work down and spikes unknowns", "break down, spike, prototype, unknown, task"),
      point("gives ranges and states assumptions", "range, assumption, confidence, buffer"),
      point("communicates early when it slips", "communicate, early, update, stakeholder, manager"),
      point("re-plans by adjusting scope", "scope, re plan, replan, cut, priority"),
    ],
  },
  {
    topic: "Delivering bad news",
    kind: "behavioral",
    text:
      "Tell me about a time you had to tell a stakeholder that something would be late or would not work. How did you handle it?",
    points: [
      point("raised it early", "early, as soon as, immediately, proactive"),
      point("explained the cause honestly", "explained, honest, reason, because, transparent"),
      point("offered options", "option, alternative, plan, trade off, scope"),
      point("described how it ended", "outcome, result, agreed, accepted, trust"),
    ],
  },
  {
    topic: "Performance investigation",
    kind: "technical",
    text:
      "A feature has become slow and nobody knows why. How do you find out where the time goes and make it faster?",
    points: [
      point(
        "measures before changing anything",
        "measure, profile, profiler, benchmark, p95, p99, latency, trace",
      ),
      point("finds the bottleneck", "bottleneck, database, query, network, cpu, io"),
      point("fixes it with a targeted change", "index, cache, batch, async, optimize, query"),
      point(
        "verifies the improvement with numbers",
        "verify, before and after, faster, reduced, percent",
      ),
    ],
  },
  {
    topic: "Security basics",
    kind: "technical",
    text:
      "Which security risks do you consider when building a new feature that handles user data?",
    points: [
      point(
        "validates input and prevents injection",
        "validation, validate, injection, sanitize, xss, sql injection",
      ),
      point(
        "checks authentication and authorisation",
        "authentication, authorization, authorisation, access control, permission",
      ),
      point("protects sensitive data", "encrypt, encryption, pii, personal data, secret, hash"),
      point("logs and reviews for security", "audit, log, review, threat model, pentest"),
    ],
  },
  {
    topic: "Documentation habits",
    kind: "experience",
    text: "How do you document your work so that others can maintain it after you move on?",
    points: [
      point("writes docs for a specific reader", "reader, audience, new joiner, onboarding"),
      point("keeps docs close to the code", "readme, docs as code, repository, comment"),
      point("records decisions and their reasons", "decision, adr, why, reason"),
      point("keeps them up to date", "up to date, review, update, maintain"),
    ],
  },
  {
    topic: "Production incidents",
    kind: "experience",
    text:
      "Describe a production incident you were involved in. What was your role, and what changed afterwards?",
    points: [
      point("describes the impact", "impact, users, customers, outage, down, error"),
      OWNERSHIP_POINT,
      point("explains mitigation and root cause", "mitigate, rollback, root cause, fix"),
      point(
        "names the follow-up changes",
        "postmortem, post mortem, action item, alert, test, changed",
      ),
    ],
  },
  {
    topic: "Handling ambiguity",
    kind: "behavioral",
    text: "Tell me about a time the requirements were unclear. How did you move forward?",
    points: [
      point("asked clarifying questions", "asked, question, clarify, clarified"),
      point("made assumptions explicit", "assumption, assumed, wrote down, documented"),
      point("built something small to get feedback", "prototype, mvp, small, feedback, iterate"),
      point("described the outcome", "outcome, result, shipped, agreed"),
    ],
  },
  {
    topic: "Helping others",
    kind: "behavioral",
    text: "Tell me about a time you helped a colleague grow or get unblocked.",
    points: [
      point("understood what they needed", "needed, understand, listened, goal"),
      point("helped through pairing or review", "pair, pairing, review, explained, showed"),
      point("let them own the solution", "own, ownership, themselves, independent"),
      point("saw a result", "result, grew, promoted, unblocked, shipped"),
    ],
  },
  {
    topic: "Automation",
    kind: "technical",
    text: "Tell me about a repetitive task you automated. How did you decide it was worth it?",
    points: [
      point("quantified the manual cost", "hours, minutes, time, manual, repetitive, often"),
      point("chose a fitting tool", "script, pipeline, tool, cron, ci, bot"),
      point("made it reliable", "test, error handling, monitor, idempotent, reliable"),
      point("measured the time saved", "saved, reduced, faster, percent, hours"),
    ],
  },
  {
    topic: "Technical debt",
    kind: "technical",
    text: "How do you decide when to pay down technical debt rather than build new features?",
    points: [
      point("measures the cost of the debt", "cost, slow, bugs, incidents, velocity, time"),
      point("ties it to business impact", "business, impact, risk, roadmap, feature"),
      point("pays it down incrementally", "incremental, small, refactor, boy scout, continuous"),
      point(
        "agrees priorities with the team and product",
        "product, team, agree, prioritize, stakeholder",
      ),
    ],
  },
  {
    topic: "Remote collaboration",
    kind: "behavioral",
    text:
      "How have you kept collaboration effective when your team worked across locations or time zones?",
    points: [
      point(
        "wrote things down for asynchronous work",
        "written, document, async, asynchronous, notes",
      ),
      point(
        "set clear meeting and response habits",
        "meeting, overlap, standup, response time, schedule",
      ),
      point("built trust and relationships", "trust, relationship, social, one on one"),
      point("described the result", "result, outcome, worked, improved"),
    ],
  },
  {
    topic: "Feedback",
    kind: "behavioral",
    text: "Tell me about critical feedback you received. How did you respond, and what changed?",
    points: [
      point("listened without getting defensive", "listened, defensive, accepted, thanked"),
      point("understood the underlying issue", "understood, asked, example, why"),
      point("made a concrete change", "changed, started, stopped, practice, habit"),
      point("followed up on the result", "follow up, result, improved, checked"),
    ],
  },
];

const ROLE_POINTS: KeyPoint[] = [
  point("names the biggest challenges of the role", "challenge, hard, difficult, risk, expect"),
  point(
    "plans to learn the codebase, domain and people first",
    "learn, codebase, domain, onboarding, listen, meet",
  ),
  point(
    "aims for an early, concrete contribution",
    "first, small, quick win, deliver, ship, contribution",
  ),
  point("links the plan to their past experience", "experience, previously, before, similar, past"),
];

/** A question plus what the planner needs to order and de-duplicate it. */
interface Candidate {
  question: PlannedQuestion;
  isProject: boolean;
}

/** Writes a reference answer from the key points; the wording depends on the kind of question. */
function referenceAnswer(
  subject: string,
  kind: QuestionKind,
  points: readonly KeyPoint[],
): string {
  const phrases = points.map((p) => p.point);
  if (kind === "behavioral") {
    return `A strong answer tells one real story about ${subject} in which the candidate ${
      phrases.join("; ")
    }. It gives the context briefly, focuses on what the candidate personally did, and ends with a measurable result and a lesson.`;
  }
  // One sentence per point: the points often contain "and" themselves.
  const body = phrases.map((phrase, i) =>
    i === 0
      ? `A strong answer about ${subject} ${phrase}.`
      : `It ${i === 1 ? "also " : ""}${phrase}.`
  );
  const closing = kind === "technical"
    ? "It illustrates this with a concrete example from real work, with numbers where possible (latency, error rates, scale or time saved)."
    : "It stays specific: a real system, the candidate's own part in it, and a result backed by numbers.";
  return [...body, closing].join(" ");
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

/** Catalog names that are common nouns, so they read better in lower case mid-sentence. */
const COMMON_NOUN_NAMES = new Set([
  "Accessibility",
  "Web performance",
  "Database design",
  "Message queues",
  "Event-driven architecture",
  "Serverless",
  "Observability",
  "Incident management",
  "Networking",
  "Machine learning",
  "Deep learning",
  "Data pipelines",
  "Data warehousing",
  "Statistics",
  "Data visualization",
  "Computer vision",
  "Unit testing",
  "Integration testing",
  "End-to-end testing",
  "Performance testing",
  "Test automation",
  "Application security",
  "Authentication",
  "Encryption",
  "Penetration testing",
  "Privacy and compliance",
  "Secrets management",
  "Microservices",
  "System design",
  "Distributed systems",
  "Domain-driven design",
  "Caching",
  "Scalability",
  "Design patterns",
  "Concurrency",
  "Data structures and algorithms",
  "Object-oriented programming",
  "Functional programming",
]);

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

function validateCount(count: number): void {
  if (!Number.isInteger(count) || count < MIN_QUESTIONS || count > MAX_QUESTIONS) {
    throw new RangeError(
      `count must be an integer from ${MIN_QUESTIONS} to ${MAX_QUESTIONS}, got ${count}`,
    );
  }
}

/**
 * Plans exactly `count` distinct questions. Order of preference: skills named
 * in both texts, then JD-only skills, then the candidate's own experience and
 * projects (interleaved), then generic questions. Plans of four or more always
 * hold a behavioural question, and plans of six or more hold a project
 * question when the resume names one. No two questions share their text or
 * their topic and kind.
 */
export function planInterview(request: PlanRequest): PlannedQuestion[] {
  validateCount(request.count);
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
  const tierGeneric = [
    ...(title ? [roleQuestion(title)] : []),
    ...GENERIC_QUESTIONS.map(genericQuestion),
  ];

  const ordered = dedupe([...tierBoth, ...tierJd, ...tierResume, ...tierGeneric]);
  return select(ordered, request.count).map((c) => c.question);
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
