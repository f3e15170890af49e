/**
 * Queries on interviews and their question/answers.
 *
 * @module
 */
import { and, asc, avg, count, eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import { interviews, questionAnswers } from "./schema.ts";
import type { PlannedQuestion, QuestionToEvaluate } from "../ai/engine.ts";

/** An interview row. */
export type InterviewRow = typeof interviews.$inferSelect;
/** A question/answer row. */
export type QuestionAnswerRow = typeof questionAnswers.$inferSelect;

/** Creates an interview with its questions, numbered from 1, in one transaction. */
export async function createInterview(
  db: Db,
  input: {
    userId: number;
    name: string;
    engine: string;
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
      jdDocumentId: input.jdDocumentId,
      resumeDocumentId: input.resumeDocumentId,
    }).returning();
    const questions = await tx.insert(questionAnswers).values(input.questions.map((q, index) => ({
      userId: input.userId,
      interviewId: interview.id,
      questionId: index + 1,
      questionText: q.text,
      aiAnswer: q.referenceAnswer,
      topic: q.topic,
      questionKind: q.kind,
      topicSource: q.source,
      keyPoints: q.keyPoints,
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
    .orderBy(asc(questionAnswers.questionId));
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
 * in another state, e.g. answered meanwhile.
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
    await also?.(tx);
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
  };
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
