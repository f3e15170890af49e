/**
 * The interface every interview engine implements: the deterministic offline
 * engine and the LLM providers behind it. Routes and the realtime layer only
 * ever talk to an {@link InterviewEngine}.
 *
 * @module
 */

/** What a question is mainly about, so reports can group and balance them. */
export type QuestionKind = "technical" | "experience" | "project" | "behavioral";

/** Where the topic of a question was found. */
export type TopicSource = "jd" | "resume" | "both";

/** How demanding the questions and their rubrics are. */
export type Difficulty = "junior" | "mid" | "senior";

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
  /** The engine's model answer, stored as `ai_answer`; never shown to the candidate. */
  referenceAnswer: string;
  keyPoints: KeyPoint[];
  /** Name of the engine that actually wrote this question, e.g. "offline" or "openai:gpt-4.1-mini". */
  engine?: string;
  /** Set when the configured provider failed and another engine wrote the question: why. */
  fallbackReason?: string;
}

/** Input to question planning. Texts are untrusted candidate or recruiter data. */
export interface PlanRequest {
  jdText: string;
  resumeText: string;
  /** Number of questions wanted, 1 to 20. */
  count: number;
  /** How demanding the questions are; "mid" when absent. */
  difficulty?: Difficulty;
  /** BCP-47 tag of the interview language, e.g. "en" or "de-CH"; "en" when absent. */
  language?: string;
}

/** A stored question as the evaluator needs it. */
export interface QuestionToEvaluate {
  text: string;
  topic: string;
  kind: QuestionKind;
  referenceAnswer: string;
  keyPoints: KeyPoint[];
  /** Where the topic came from; follow-ups inherit it ("jd" when absent). */
  source?: TopicSource;
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
  /** Name of the engine that actually graded the answer. */
  engine: string;
  /** Set when the configured provider failed and another engine graded: why. */
  fallbackReason?: string;
}

/** Context shared by the conversational parts of an interview. */
export interface InterviewContext {
  /** BCP-47 tag of the interview language; "en" when absent. */
  language?: string;
}

/** One answered question, as the end-of-interview report needs it. */
export interface ReportItem {
  question: QuestionToEvaluate;
  answerText: string;
  evaluation: Evaluation;
}

/** Hiring recommendations, strongest first. */
export type Recommendation = "strong_hire" | "hire" | "lean_hire" | "lean_no_hire" | "no_hire";

/** The end-of-interview report. */
export interface InterviewReport {
  strengths: string[];
  gaps: string[];
  /** Derived from the answers' scores by our code, never chosen by a model. */
  recommendation: Recommendation;
  summary: string;
  /** Name of the engine that actually wrote the report. */
  engine: string;
  /** Set when the configured provider failed and another engine wrote the report: why. */
  fallbackReason?: string;
}

/** An interview engine: plans questions from a JD and resume, grades answers, follows up and reports. */
export interface InterviewEngine {
  /** Short identifier stored with results, e.g. "offline" or "openai:gpt-4.1-mini". */
  readonly name: string;
  /** Proposes exactly `count` distinct questions grounded in the JD and resume. */
  planQuestions(request: PlanRequest): Promise<PlannedQuestion[]>;
  /**
   * Scores an answer against the question's reference answer and key points.
   * `owner` names whose work it is (e.g. `user 12`), so that a resource the
   * engine shares between users gives each a fair share of it.
   */
  evaluateAnswer(
    question: QuestionToEvaluate,
    answerText: string,
    owner?: string,
  ): Promise<Evaluation>;
  /**
   * Proposes one follow-up question probing what the answer left vague or
   * missing, or null when the answer was complete.
   */
  followUp(
    question: QuestionToEvaluate,
    answerText: string,
    evaluation: Evaluation,
    context: InterviewContext,
  ): Promise<PlannedQuestion | null>;
  /** Writes the end-of-interview report from the evaluated answers. */
  summarize(items: ReportItem[], context: InterviewContext): Promise<InterviewReport>;
}
