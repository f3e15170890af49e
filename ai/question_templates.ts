/**
 * Wording and key points for questions that are not tied to one catalog
 * skill: experience prompts per category, project questions, the role-title
 * question and generic fill-in questions. Data only; the planner decides
 * which to use.
 *
 * @module
 */

import type { KeyPoint, QuestionKind } from "./engine.ts";
import type { SkillCategory } from "./skill_catalog.ts";

/** Weight of the structural points of document questions: the subject matters more. */
const STRUCTURE_WEIGHT = 0.5;

/** Builds a key point; keywords are given comma-separated. */
function point(text: string, keywords: string, weight = 1): KeyPoint {
  return { point: text, keywords: keywords.split(",").map((k) => k.trim()), weight };
}

/** Every experience answer is also judged on ownership and results, not only on the skill. */
export const OWNERSHIP_POINT: KeyPoint = point(
  "describes what they personally built or decided",
  "i built, i designed, i wrote, i implemented, i led, i owned, i decided, i chose, i set up, i migrated, my role, i was responsible, i introduced",
);
/** Results matter in every experience answer. */
export const OUTCOME_POINT: KeyPoint = point(
  "states the result, ideally with numbers",
  "reduced, increased, improved, saved, faster, slower, percent, result, outcome, impact, cut, dropped",
);

/** How to ask about hands-on use of a skill, per category; `{S}` is the skill name. */
export const EXPERIENCE_PROMPTS: Record<Exclude<SkillCategory, "soft">, string> = {
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

/** A way of asking about a resume project, with the key points that wording calls for. */
export interface ProjectVariant {
  /** Builds the question around a sanitised quote. */
  text: (quote: string) => string;
  /** What a good answer to this wording covers. */
  points: KeyPoint[];
}

const PROJECT_GOAL = point(
  "explains the goal and context of the work",
  "goal, problem, context, business, customer, users, needed, requirement, because",
);
/** Project questions rotate through these so several projects read differently. */
export const PROJECT_VARIANTS: readonly ProjectVariant[] = [
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

/** A question that needs no skill from the texts. */
export interface GenericQuestion {
  /** Unique among generic questions, so fills never repeat a topic. */
  topic: string;
  /** What the question is mainly about. */
  kind: QuestionKind;
  /** The question as asked. */
  text: string;
  /** What a good answer covers. */
  points: KeyPoint[];
}

/** Used to fill a plan when the texts name too few skills; each has its own topic. */
export const GENERIC_QUESTIONS: readonly GenericQuestion[] = [
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
      point("described the outcome", "outcome, result, shipped, it worked, learned"),
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

/** Key points for the "first 90 days in this role" question. */
export const ROLE_POINTS: KeyPoint[] = [
  point("names the biggest challenges of the role", "challenge, hard, difficult, risk, expect"),
  point(
    "plans to learn the work, the people and how things are done first",
    "learn, domain, onboarding, listen, meet, shadow, procedures, people",
  ),
  point(
    "aims for an early, concrete contribution",
    "first, small, quick win, deliver, ship, contribution",
  ),
  point("links the plan to their past experience", "experience, previously, before, similar, past"),
];

/** Catalog names that are common nouns, so they read better in lower case mid-sentence. */
export const COMMON_NOUN_NAMES = new Set([
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

/** Writes a reference answer from the key points; the wording depends on the kind of question. */
export function referenceAnswer(
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
    ? "It illustrates this with a concrete example from the candidate's own work, with numbers where possible."
    : "It stays specific: a real situation, the candidate's own part in it, and a result backed by numbers.";
  return [...body, closing].join(" ");
}

/*
 * Domain-neutral wording for questions planned from the documents themselves.
 * Nothing here may assume an occupation: the JD or resume line supplies the
 * subject, the templates only ask for the situation, the candidate's own
 * actions, their reasons and the result.
 */

/** Reasons matter in every field: why the candidate acted as they did. */
export const REASON_POINT: KeyPoint = point(
  "explains why they acted as they did",
  "because, so that, so we, in order to, to make sure, to avoid, to prevent, which meant, the reason, rather than, instead of, since, otherwise",
  STRUCTURE_WEIGHT,
);
/** The outcome, in the candidate's own field's terms. */
export const RESULT_POINT: KeyPoint = point(
  "states the result, ideally with numbers",
  "result, outcome, reduced, increased, improved, saved, fell, rose, dropped, cut, halved, doubled, passed, percent, finished, achieved, no longer, within, since then, up from, down from",
  STRUCTURE_WEIGHT,
);
/** What a story about something that went wrong should end with. */
export const LESSON_POINT: KeyPoint = point(
  "says what happened in the end and what they learned",
  "learned, lesson, since then, now i, next time, changed, added, result, in the end, so that",
  STRUCTURE_WEIGHT,
);

/**
 * Start of the point on how the candidate does the duty ("says how they
 * oversee sterile compounding"); the scorer also accepts the candidate's own
 * actions on the subject for it, since experts rarely repeat the JD's verb.
 */
export const APPROACH_POINT = "says how they";

/**
 * Start of the point listing the role's own vocabulary; the scorer recognises
 * the point by it, since it needs several of its words rather than one.
 */
export const VOCABULARY_POINT = "uses the role's own terms";

/**
 * A light point met by an answer that uses several words of the role's JD and
 * resume (`words`, most used first), as an expert does whatever the duty.
 */
export function vocabularyPoint(words: readonly string[]): KeyPoint {
  return {
    point: `${VOCABULARY_POINT} (${words.slice(0, 3).join(", ")}…)`,
    keywords: [...words],
    weight: STRUCTURE_WEIGHT,
  };
}

/** How to ask about one duty of the JD; `lead` introduces the quoted line. */
export interface DutyPrompt {
  kind: QuestionKind;
  /** The question after the quoted duty. */
  ask: string;
  /** The structural points this wording calls for, after the duty's own points. */
  points: KeyPoint[];
}

/** Duty questions rotate through these so a plan reads varied. */
export const DUTY_PROMPTS: readonly DutyPrompt[] = [
  {
    kind: "experience",
    ask:
      "Tell me about a specific time you did this: what was the situation, what did you do yourself, and what was the result?",
    points: [REASON_POINT, RESULT_POINT],
  },
  {
    kind: "technical",
    ask:
      "How do you approach this in practice? Walk me through the steps you take, why you take them, and how you check the result.",
    points: [REASON_POINT, RESULT_POINT],
  },
  {
    kind: "behavioral",
    ask:
      "Describe a time when this was difficult or did not go to plan. What happened, what did you do, and what did you learn?",
    points: [REASON_POINT, LESSON_POINT],
  },
];

/** Opens a duty question with the JD's own words. */
export function dutyLead(quote: string, isAction: boolean): string {
  return isAction ? `The role asks you to ${quote}.` : `The role calls for ${quote}.`;
}

/** How to ask about a resume achievement; `{Q}` is the quoted line. */
export const ACHIEVEMENT_PROMPTS: readonly string[] = [
  `On your resume you wrote: "{Q}". Walk me through it: what was the situation, what did you do yourself, and how did you know it worked?`,
  `You mention "{Q}". What was the hardest part of that, and how did you handle it?`,
  `Tell me more about "{Q}". Looking back, what would you do differently today, and why?`,
];

/** Fill-in questions for any occupation, used only when the documents give too little to ask about. */
export const NEUTRAL_QUESTIONS: readonly GenericQuestion[] = [
  {
    topic: "Disagreement at work",
    kind: "behavioral",
    text:
      "Tell me about a time you disagreed with a colleague or manager about how to do a piece of work. How did you resolve it?",
    points: [
      point(
        "describes the disagreement concretely",
        "disagreed, disagreement, conflict, view, opinion",
      ),
      point("listened to the other side", "listened, understood, asked, their point, perspective"),
      REASON_POINT,
      RESULT_POINT,
    ],
  },
  {
    topic: "Prioritising work",
    kind: "behavioral",
    text:
      "Describe a time you had more work than you could finish. How did you decide what to do first?",
    points: [
      point(
        "explains how they ranked the work",
        "priority, prioritised, urgent, important, deadline, first",
      ),
      point(
        "communicated the trade-off",
        "told, explained, agreed, manager, colleague, expectations",
      ),
      RESULT_POINT,
    ],
  },
  {
    topic: "Learning quickly",
    kind: "behavioral",
    text:
      "Tell me about a time you had to learn something new for your work quickly. How did you approach it?",
    points: [
      point(
        "describes how they learned",
        "read, asked, practised, course, shadowed, mentor, studied",
      ),
      point("applied it to real work", "applied, used, first, started, handled"),
      RESULT_POINT,
    ],
  },
  {
    topic: "Unclear instructions",
    kind: "behavioral",
    text:
      "Tell me about a time the instructions for a task were unclear. How did you move forward?",
    points: [
      point("clarified what was needed", "asked, clarified, checked, confirmed, questions"),
      point("made a sensible first step", "started, first, draft, small, tried"),
      RESULT_POINT,
    ],
  },
  {
    topic: "Helping a colleague",
    kind: "behavioral",
    text: "Tell me about a time you helped a colleague learn something or get past a problem.",
    points: [
      point("describes the colleague's problem", "struggled, stuck, new, problem, needed"),
      point("explains how they helped", "showed, explained, trained, coached, paired, practised"),
      RESULT_POINT,
    ],
  },
  {
    topic: "Difficult customer or client",
    kind: "behavioral",
    text:
      "Tell me about a time you dealt with an unhappy customer, client, patient or member of the public. What did you do?",
    points: [
      point("understood the complaint", "listened, complaint, upset, unhappy, understood, asked"),
      point("took concrete action", "apologised, offered, fixed, arranged, replaced, called"),
      RESULT_POINT,
    ],
  },
  {
    topic: "Improving a process",
    kind: "experience",
    text:
      "Tell me about something at work you made better: a process, a routine or a way of working. How did you know it was better?",
    points: [
      point("describes what was wrong before", "slow, errors, waste, problem, before, complaints"),
      point(
        "explains the change they made",
        "changed, introduced, rewrote, simplified, moved, added",
      ),
      REASON_POINT,
      RESULT_POINT,
    ],
  },
  {
    topic: "Working under pressure",
    kind: "behavioral",
    text: "Describe your busiest day or week at work. How did you keep on top of it?",
    points: [
      point(
        "describes the pressure concretely",
        "busy, deadline, short-staffed, peak, rush, urgent",
      ),
      point(
        "explains how they organised the work",
        "priority, list, plan, delegated, first, schedule",
      ),
      RESULT_POINT,
    ],
  },
  {
    topic: "Feedback received",
    kind: "behavioral",
    text: "Tell me about critical feedback you received. How did you respond, and what changed?",
    points: [
      point("describes the feedback honestly", "feedback, told me, manager, criticised, review"),
      point("acted on it", "changed, practised, asked, improved, started"),
      LESSON_POINT,
    ],
  },
  {
    topic: "Proudest work",
    kind: "experience",
    text: "What piece of work are you proudest of, and what exactly was your own part in it?",
    points: [
      point(
        "describes the work concretely",
        "project, case, job, task, built, delivered, organised",
      ),
      point(
        "separates their own part from the team's",
        "my part, i was responsible, i did, myself, my role",
      ),
      RESULT_POINT,
    ],
  },
  {
    topic: "Safety or quality standard",
    kind: "experience",
    text:
      "Tell me about a time you had to keep to a safety, quality or legal standard when it would have been easier not to.",
    points: [
      point("names the standard", "standard, rule, regulation, policy, procedure, law, code"),
      point(
        "explains what they did to keep to it",
        "checked, refused, stopped, followed, documented, reported",
      ),
      REASON_POINT,
      RESULT_POINT,
    ],
  },
  {
    topic: "Mistake and lesson",
    kind: "behavioral",
    text:
      "Tell me about a mistake you made at work. What did you do about it, and what changed afterwards?",
    points: [
      point("owns the mistake", "my mistake, i missed, i forgot, i should have, i got, my fault"),
      point("fixed the consequences", "fixed, corrected, told, apologised, escalated"),
      LESSON_POINT,
    ],
  },
];
