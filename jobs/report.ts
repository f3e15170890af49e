/**
 * The interview report: written by the engine once an interview is
 * completed, in a job so a slow provider never holds up the last answer.
 *
 * @module
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { interviews } from "../db/schema.ts";
import { findInterview, listQuestions, questionToEvaluate } from "../db/interviews.ts";
import type { InterviewEngine, ReportItem } from "../ai/engine.ts";
import { gradeForScore } from "../ai/grading.ts";
import { completeJob, enqueueJob } from "./queue.ts";
import type { JobHandler } from "./runner.ts";

/** Job kind that writes an interview's report. */
export const REPORT_JOB = "interview_report";

/** Queues the report of interview `interviewId` (once, whoever asks first). */
export async function queueReport(db: Pick<Db, "insert">, interviewId: number): Promise<void> {
  await enqueueJob(db, {
    kind: REPORT_JOB,
    key: `${REPORT_JOB}:${interviewId}`,
    payload: { interview_id: interviewId },
  });
}

/** What the engine summarizes: every evaluated answer, in the order asked. */
export async function reportItems(db: Db, interviewId: number): Promise<ReportItem[]> {
  const questions = await listQuestions(db, interviewId);
  return questions.filter((q) => q.candidateScore !== null).map((q) => ({
    question: questionToEvaluate(q),
    answerText: q.answerText ?? "",
    evaluation: {
      score: q.candidateScore!,
      grade: gradeForScore(q.candidateScore!),
      remark: q.aiRemark ?? "",
      covered: q.evaluationPoints?.covered ?? [],
      missing: q.evaluationPoints?.missing ?? [],
      engine: q.evaluationEngine ?? "offline",
    },
  }));
}

/** The job handler for {@link REPORT_JOB}. */
export function reportJobHandler(deps: { db: Db; engine: InterviewEngine }): JobHandler {
  return async (job) => {
    const interviewId = Number(job.payload.interview_id);
    const interview = await findInterview(deps.db, interviewId);
    if (!interview || interview.report) return await completeJob(deps.db, job.id);
    const report = await deps.engine.summarize(await reportItems(deps.db, interviewId), {
      language: interview.language,
    });
    await deps.db.transaction(async (tx) => {
      await tx.update(interviews).set({ report, updatedAt: new Date() }).where(
        eq(interviews.id, interviewId),
      );
      await completeJob(tx, job.id);
    });
  };
}
