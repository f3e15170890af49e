/**
 * `/api/performance/*`: the summary of interviews and one interview's details.
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { findVisibleInterview, isStaff } from "../http/access.ts";
import { idParam, questionAnswerOut, toQuestionAnswerOut } from "../http/schemas.ts";
import { interviewStats, listQuestions, transcriptsOf } from "../db/interviews.ts";
import { summaryPage } from "../db/performance.ts";
import { findUserById } from "../db/users.ts";
import { userTypes } from "../db/schema.ts";
import { gradeForScore } from "../ai/grading.ts";
import {
  renderReportPdf,
  REPORT_LAYOUT_VERSION,
  ReportBusyError,
  type ReportDocument,
} from "../documents/report_pdf.ts";
import { createAccessAudit, interviewDetails } from "../http/audit.ts";
import type { ObjectStore } from "../media/object_store.ts";
import { sha256Hex } from "../media/storage.ts";
import { log } from "../log.ts";

const interviewStatus = z.enum(["in_progress", "completed", "abandoned"]);

const summaryItem = z.object({
  interview_id: z.number().int(),
  interview_name: z.string(),
  username: z.string(),
  status: interviewStatus,
  created_at: z.string(),
  question_count: z.number().int(),
  answered_count: z.number().int(),
  average_score: z.number().nullable().describe("Mean of the answered questions' scores, 0-10"),
  grade: z.string().nullable(),
});

const summaryOut = z.object({
  items: z.array(summaryItem),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

const summaryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  username: z.string().min(1).max(50).optional().describe(
    "Interviewers and admins: only this candidate's interviews",
  ),
  status: interviewStatus.optional(),
});

const reportOut = z.object({
  strengths: z.array(z.string()),
  gaps: z.array(z.string()),
  recommendation: z.enum(["strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"]),
  summary: z.string(),
  engine: z.string(),
  fallbackReason: z.string().optional(),
});

const detailsOut = z.object({
  interview: summaryItem.extend({
    user_id: z.number().int(),
    completed_at: z.string().nullable(),
    engine: z.string(),
    difficulty: z.enum(["junior", "mid", "senior"]),
    language: z.string(),
    report: reportOut.nullable().describe(
      "Written once the interview is completed; null until then",
    ),
  }),
  questions: z.array(questionAnswerOut),
});

/**
 * Folder of interview `interviewId`'s stored report PDFs in the object
 * store: `reports/<interview_id>/<sha256 of what the PDF shows>.pdf`.
 */
export function reportKeyPrefix(interviewId: number): string {
  return `reports/${interviewId}/`;
}

/**
 * Stores a rendered report under `key` and deletes the interview's older
 * ones. A store that fails only costs a render next time, so the request
 * that rendered it is still answered.
 */
async function storeReport(
  store: ObjectStore,
  interviewId: number,
  key: string,
  pdf: Uint8Array,
): Promise<void> {
  try {
    await store.put(key, pdf);
    for (const old of await store.list(reportKeyPrefix(interviewId))) {
      if (old !== key) await store.delete(old);
    }
  } catch (error) {
    log.warn("could not store a report PDF; it is rendered again next time", {
      interview_id: interviewId,
      key,
      error: String(error),
    });
  }
}

function gradeOf(averageScore: number | null): string | null {
  return averageScore === null ? null : gradeForScore(averageScore);
}

/** Registers the `/api/performance` routes. */
export function registerPerformanceRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;
  const audit = createAccessAudit(db, deps.config.TRUST_PROXY);

  api.route({
    method: "get",
    path: "/api/performance/summary",
    tag: "performance",
    summary: "Interviews with their progress and scores, newest first",
    description: "Candidates see their own interviews; interviewers and admins see everyone's.",
    roles: userTypes,
    query: summaryQuery,
    responses: { 200: { description: "One page of interviews", schema: summaryOut } },
  }, async (c, { query, user }) => {
    const staff = isStaff(user);
    if (!staff && query.username !== undefined && query.username !== user.username) {
      throw new HttpError(
        403,
        "Candidates can only see their own interviews; leave out the username filter.",
      );
    }
    const { rows, total } = await summaryPage(db, {
      userId: staff ? undefined : user.id,
      username: staff ? query.username : undefined,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({
      items: rows.map(({ interview, username, stats }) => ({
        interview_id: interview.id,
        interview_name: interview.interviewName,
        username,
        status: interview.status,
        created_at: interview.createdAt.toISOString(),
        question_count: stats.questionCount,
        answered_count: stats.answeredCount,
        average_score: stats.averageScore,
        grade: gradeOf(stats.averageScore),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    });
  });

  api.route({
    method: "get",
    path: "/api/performance/details/{interview_id}",
    tag: "performance",
    summary: "One interview with every question, answer and evaluation",
    roles: userTypes,
    params: z.object({ interview_id: idParam }),
    responses: {
      200: { description: "The interview and its questions", schema: detailsOut },
      404: { description: "No such interview visible to you" },
    },
  }, async (c, { params, user }) => {
    const interview = await findVisibleInterview(db, user, params.interview_id);
    const [questions, stats, owner] = await Promise.all([
      listQuestions(db, interview.id),
      interviewStats(db, [interview.id]),
      findUserById(db, interview.userId),
      audit.view(c, user, interviewDetails(interview)),
    ]);
    const transcripts = await transcriptsOf(db, questions.map((q) => q.id));
    const stat = stats.get(interview.id) ??
      { questionCount: 0, answeredCount: 0, averageScore: null };
    const isCandidate = !isStaff(user);
    return c.json({
      interview: {
        interview_id: interview.id,
        interview_name: interview.interviewName,
        username: owner?.username ?? "",
        user_id: interview.userId,
        status: interview.status,
        created_at: interview.createdAt.toISOString(),
        completed_at: interview.completedAt?.toISOString() ?? null,
        engine: interview.engine,
        difficulty: interview.difficulty,
        language: interview.language,
        report: interview.report,
        question_count: stat.questionCount,
        answered_count: stat.answeredCount,
        average_score: stat.averageScore,
        grade: gradeOf(stat.averageScore),
      },
      questions: questions.map((q) =>
        toQuestionAnswerOut(q, { isCandidate }, transcripts.get(q.id))
      ),
    });
  });

  api.route({
    method: "get",
    path: "/api/performance/details/{interview_id}/report.pdf",
    tag: "performance",
    summary: "The interview report as a PDF",
    description: "Browsers can download it through a signed link from " +
      "GET /interview/{interview_id}/links; ?token= is still accepted for older clients.",
    roles: userTypes,
    tokenInQuery: true,
    signedLink: true,
    params: z.object({ interview_id: idParam }),
    responses: {
      200: { description: "application/pdf" },
      404: { description: "No such interview visible to you" },
      409: { description: "The interview is not finished, or its report is still being written" },
      503: { description: "Too many reports are being prepared (`Retry-After`)" },
    },
  }, async (c, { params, user }) => {
    const interview = await findVisibleInterview(db, user, params.interview_id);
    if (!interview.report) {
      throw new HttpError(
        409,
        interview.status === "in_progress"
          ? "The interview is still in progress; its report is written once it is completed."
          : "The report is still being written; try again in a few seconds.",
      );
    }
    const [questions, stats, owner] = await Promise.all([
      listQuestions(db, interview.id),
      interviewStats(db, [interview.id]),
      findUserById(db, interview.userId),
      audit.view(c, user, {
        action: "view_report",
        targetType: "report",
        targetId: interview.id,
        interviewId: interview.id,
        candidateId: interview.userId,
      }),
    ]);
    const average = stats.get(interview.id)?.averageScore ?? null;
    const transcripts = await transcriptsOf(db, questions.map((q) => q.id));
    const document: ReportDocument = {
      interviewName: interview.interviewName,
      username: owner?.username ?? "",
      completedAt: interview.completedAt,
      averageScore: average,
      grade: gradeOf(average),
      report: interview.report,
      questions: questions.map((q, index) => ({
        number: index + 1,
        topic: q.topic,
        score: q.candidateScore,
        grade: q.candidateGrade,
        text: q.questionText,
        answer: q.answerText ??
          (transcripts.get(q.id)?.map((segment) => segment.text).join(" ") || null),
      })),
    };
    const headers = {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="interview-${interview.id}-report.pdf"`,
    };
    // Keyed by what the PDF shows and how it is laid out: a stored one is served as long as
    // neither changed (a renamed candidate, a rescored answer, a new layout), so each report is
    // laid out once.
    const key = `${reportKeyPrefix(interview.id)}${await sha256Hex(
      new TextEncoder().encode(JSON.stringify({ layout: REPORT_LAYOUT_VERSION, document })),
    )}.pdf`;
    const stored = await deps.store.get(key);
    if (stored) {
      return c.body(stored.body, 200, { ...headers, "content-length": String(stored.size) });
    }
    const pdf = await renderReportPdf(document).catch((error) => {
      if (error instanceof ReportBusyError) {
        throw new HttpError(503, error.message, { "retry-after": "5" });
      }
      throw error;
    });
    await storeReport(deps.store, interview.id, key, pdf);
    return c.body(pdf.slice().buffer, 200, headers);
  });
}
