/**
 * Queries on interviews and their question/answers.
 *
 * @module
 */
import { and, asc, avg, count, eq, inArray, max } from "drizzle-orm";
import type { Db } from "./client.ts";
import { interviews, questionAnswers, transcriptSegments } from "./schema.ts";
import type {
  Difficulty,
  Evaluation,
  InterviewEngine,
  PlannedQuestion,
  QuestionToEvaluate,
} from "../ai/engine.ts";

/** An interview row. */
export type InterviewRow = typeof interviews.$inferSelect;
/** A question/answer row. */
export type QuestionAnswerRow = typeof questionAnswers.$inferSelect;

/** Gap between the positions of planned questions, leaving room for follow-ups. */
const POSITION_STEP = 1000;

function questionValues(q: PlannedQuestion) {
  return {
    questionText: q.text,
    aiAnswer: q.referenceAnswer,
    topic: q.topic,
    questionKind: q.kind,
    topicSource: q.source,
    keyPoints: q.keyPoints,
    questionEngine: q.engine ?? null,
    questionFallbackReason: q.fallbackReason ?? null,
  };
}

/** Creates an interview with its questions, numbered from 1, in one transaction. */
export async function createInterview(
  db: Db,
  input: {
    userId: number;
    name: string;
    engine: string;
    difficulty: Difficulty;
    language: string;
    maxFollowUps: number;
    jdDocumentId: number | null;
    resumeDocumentId: number | null;
    questions: PlannedQuestion[];
  },
): Promise<{ interview: InterviewRow; questions: QuestionAnswerRow[] }> {
  return await db.transaction(async (tx) => {
    const [interview] = await tx.insert(interviews).values({
      userId: input.userId,
      interviewName: input.name,
      engine: input.engine,
      difficulty: input.difficulty,
      language: input.language,
      maxFollowUps: input.maxFollowUps,
      jdDocumentId: input.jdDocumentId,
      resumeDocumentId: input.resumeDocumentId,
    }).returning();
    const questions = await tx.insert(questionAnswers).values(input.questions.map((q, index) => ({
      ...questionValues(q),
      userId: input.userId,
      interviewId: interview.id,
      questionId: index + 1,
      position: (index + 1) * POSITION_STEP,
    }))).returning();
    questions.sort((a, b) => a.questionId - b.questionId);
    return { interview, questions };
  });
}

/** Finds an interview by id. */
export async function findInterview(db: Db, id: number): Promise<InterviewRow | undefined> {
  const [row] = await db.select().from(interviews).where(eq(interviews.id, id));
  return row;
}

/** The questions of an interview in order. */
export async function listQuestions(db: Db, interviewId: number): Promise<QuestionAnswerRow[]> {
  return await db.select().from(questionAnswers)
    .where(eq(questionAnswers.interviewId, interviewId))
    .orderBy(asc(questionAnswers.position));
}

/** Finds question number `questionId` of an interview. */
export async function findQuestion(
  db: Db,
  interviewId: number,
  questionId: number,
): Promise<QuestionAnswerRow | undefined> {
  const [row] = await db.select().from(questionAnswers).where(
    and(eq(questionAnswers.interviewId, interviewId), eq(questionAnswers.questionId, questionId)),
  );
  return row;
}

/** Statuses of questions that still need an answer or its processing. */
const openStatuses = ["NEW", "RECORDING", "PROCESSING"];

/** A transaction of {@link Db}. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Updates question row `questionRowId` if its status is one of `fromStatuses`
 * and its interview is in progress, then completes the interview when no
 * question is left open. `also` runs in the same transaction (e.g. to mark
 * the job that did the work done). Returns undefined when the question was
 * in another state, e.g. answered meanwhile. `also` runs before the check
 * for open questions, so a follow-up it adds keeps the interview going.
 *
 * The interview row is locked first: concurrent answers to one interview
 * then run one after another, so the last of them sees every other answer
 * and completes the interview.
 */
export async function updateAnswer(
  db: Db,
  target: { interviewId: number; questionRowId: number; fromStatuses: string[] },
  values: Partial<typeof questionAnswers.$inferInsert>,
  also?: (tx: Tx) => Promise<void>,
): Promise<{ row: QuestionAnswerRow; interviewCompleted: boolean } | undefined> {
  return await db.transaction(async (tx) => {
    const [locked] = await tx.select({ status: interviews.status }).from(interviews)
      .where(eq(interviews.id, target.interviewId)).for("update");
    if (locked?.status !== "in_progress") return undefined;
    const now = new Date();
    const [row] = await tx.update(questionAnswers).set({ ...values, updatedAt: now })
      .where(and(
        eq(questionAnswers.id, target.questionRowId),
        eq(questionAnswers.interviewId, target.interviewId),
        inArray(questionAnswers.status, target.fromStatuses),
      ))
      .returning();
    if (!row) return undefined;
    await also?.(tx);
    const [{ open }] = await tx.select({ open: count() }).from(questionAnswers).where(
      and(
        eq(questionAnswers.interviewId, target.interviewId),
        inArray(questionAnswers.status, openStatuses),
      ),
    );
    const interviewCompleted = open === 0;
    await tx.update(interviews).set(
      interviewCompleted
        ? { status: "completed", completedAt: now, updatedAt: now }
        : { updatedAt: now },
    ).where(eq(interviews.id, target.interviewId));
    return { row, interviewCompleted };
  });
}

/** The stored question in the shape an engine evaluates answers against. */
export function questionToEvaluate(row: QuestionAnswerRow): QuestionToEvaluate {
  return {
    text: row.questionText,
    topic: row.topic,
    kind: row.questionKind,
    referenceAnswer: row.aiAnswer ?? "",
    keyPoints: row.keyPoints,
    source: row.topicSource,
  };
}

/**
 * Adds `followUp` to the interview right after `parent` (and after earlier
 * follow-ups of the same original question). Its number is the next free
 * one, so the numbers clients already hold keep meaning the same question.
 */
export async function insertFollowUp(
  tx: Tx,
  parent: QuestionAnswerRow,
  followUp: PlannedQuestion,
): Promise<void> {
  const [{ last }] = await tx.select({ last: max(questionAnswers.questionId) }).from(
    questionAnswers,
  )
    .where(eq(questionAnswers.interviewId, parent.interviewId));
  await tx.insert(questionAnswers).values({
    ...questionValues(followUp),
    userId: parent.userId,
    interviewId: parent.interviewId,
    questionId: (last ?? 0) + 1,
    position: parent.position + 1,
    followUpOf: parent.followUpOf ?? parent.id,
  });
}

/** The columns that store an evaluation. */
export function evaluationValues(evaluation: Evaluation) {
  return {
    candidateScore: evaluation.score,
    candidateGrade: evaluation.grade,
    aiRemark: evaluation.remark,
    evaluationEngine: evaluation.engine,
    evaluationFallbackReason: evaluation.fallbackReason ?? null,
    evaluationPoints: { covered: evaluation.covered, missing: evaluation.missing },
  };
}

/**
 * Asks the engine for a follow-up to the answer on `row`, unless its
 * original question already had `maxFollowUps` of them.
 */
export async function proposeFollowUp(
  db: Db,
  engine: InterviewEngine,
  row: QuestionAnswerRow,
  answer: { text: string; evaluation: Evaluation; language: string; maxFollowUps: number },
): Promise<PlannedQuestion | null> {
  if (!answer.text.trim() || answer.maxFollowUps === 0) return null;
  const [{ n }] = await db.select({ n: count() }).from(questionAnswers)
    .where(eq(questionAnswers.followUpOf, row.followUpOf ?? row.id));
  if (n >= answer.maxFollowUps) return null;
  return await engine.followUp(questionToEvaluate(row), answer.text, answer.evaluation, {
    language: answer.language,
  });
}

/** Finds a question/answer row by its id. */
export async function findQuestionAnswer(
  db: Db,
  id: number,
): Promise<QuestionAnswerRow | undefined> {
  const [row] = await db.select().from(questionAnswers).where(eq(questionAnswers.id, id));
  return row;
}

/** Per-interview counts and average score. */
export interface InterviewStats {
  questionCount: number;
  answeredCount: number;
  averageScore: number | null;
}

/** Counts and averages for the given interviews, keyed by interview id. */
export async function interviewStats(
  db: Db,
  interviewIds: number[],
): Promise<Map<number, InterviewStats>> {
  const stats = new Map<number, InterviewStats>();
  if (interviewIds.length === 0) return stats;
  const rows = await db.select({
    interviewId: questionAnswers.interviewId,
    questionCount: count(),
    answeredCount: count(questionAnswers.candidateScore),
    averageScore: avg(questionAnswers.candidateScore).mapWith(Number),
  }).from(questionAnswers)
    .where(inArray(questionAnswers.interviewId, interviewIds))
    .groupBy(questionAnswers.interviewId);
  for (const row of rows) {
    stats.set(row.interviewId, {
      questionCount: row.questionCount,
      answeredCount: row.answeredCount,
      averageScore: row.answeredCount > 0 ? Math.round(row.averageScore * 10) / 10 : null,
    });
  }
  return stats;
}

/** A final transcript fragment, timed from the start of its answer. */
export interface TranscriptSegment {
  text: string;
  start_ms: number;
  end_ms: number;
}

/** The final transcript fragments of the given answers, in time order, keyed by row id. */
export async function transcriptsOf(
  db: Db,
  questionAnswerIds: number[],
): Promise<Map<number, TranscriptSegment[]>> {
  const byAnswer = new Map<number, TranscriptSegment[]>();
  if (questionAnswerIds.length === 0) return byAnswer;
  const rows = await db.select().from(transcriptSegments)
    .where(inArray(transcriptSegments.questionAnswerId, questionAnswerIds))
    .orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.id));
  for (const row of rows) {
    const list = byAnswer.get(row.questionAnswerId) ?? [];
    list.push({ text: row.text, start_ms: row.startMs, end_ms: row.endMs });
    byAnswer.set(row.questionAnswerId, list);
  }
  return byAnswer;
}
