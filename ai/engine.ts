/**
 * The interface every interview engine implements: the deterministic offline
 * engine today, LLM providers later. Routes and the realtime layer only ever
 * talk to an {@link InterviewEngine}.
 *
 * @module
 */

/** What a question is mainly about, so reports can group and balance them. */
export type QuestionKind = "technical" | "experience" | "project" | "behavioral";

/** Where the topic of a question was found. */
export type TopicSource = "jd" | "resume" | "both";

/** One thing a good answer should contain, with the words that show it is there. */
export interface KeyPoint {
  /** Human-readable statement of the point, used in remarks ("explains indexing trade-offs"). */
  point: string;
  /** Lower-case words or short phrases; an answer mentioning any of them covers the point. */
  keywords: string[];
  /** Relative importance; the weights of one question need not sum to 1. */
  weight: number;
}

/** A question the engine proposes, with everything needed to grade it later. */
export interface PlannedQuestion {
  text: string;
  /** The skill, technology or experience the question is about, e.g. "PostgreSQL". */
  topic: string;
  kind: QuestionKind;
  source: TopicSource;
  /** The engine's model answer, stored as `ai_answer`. */
  referenceAnswer: string;
  keyPoints: KeyPoint[];
}

/** Input to question planning. Texts are untrusted candidate or recruiter data. */
export interface PlanRequest {
  jdText: string;
  resumeText: string;
  /** Number of questions wanted, 1 to 20. */
  count: number;
}

/** A stored question as the evaluator needs it. */
export interface QuestionToEvaluate {
  text: string;
  topic: string;
  kind: QuestionKind;
  referenceAnswer: string;
  keyPoints: KeyPoint[];
}

/** Letter grades, best first. */
export type Grade = "A" | "B" | "C" | "D" | "F";

/** The engine's judgement of one answer. */
export interface Evaluation {
  /** 0 to 10, one decimal. */
  score: number;
  grade: Grade;
  /** Explains the score: names what was covered and what was missing. */
  remark: string;
  /** `point` texts of the key points the answer covered. */
  covered: string[];
  /** `point` texts of the key points the answer missed. */
  missing: string[];
}

/** An interview engine: plans questions from a JD and resume, and grades answers. */
export interface InterviewEngine {
  /** Short identifier stored with results, e.g. "offline". */
  readonly name: string;
  /** Proposes exactly `count` distinct questions grounded in the JD and resume. */
  planQuestions(request: PlanRequest): Promise<PlannedQuestion[]>;
  /** Scores an answer against the question's reference answer and key points. */
  evaluateAnswer(question: QuestionToEvaluate, answerText: string): Promise<Evaluation>;
}
