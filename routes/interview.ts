/**
 * `/interview/*`: starting an interview, answering its questions, reading it.
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { findVisibleInterview } from "../http/access.ts";
import { createAccessAudit, interviewDetails } from "../http/audit.ts";
import { idParam, laxInt, questionAnswerOut, toQuestionAnswerOut } from "../http/schemas.ts";
import { currentDocument } from "../db/documents.ts";
import {
  createInterview,
  evaluationValues,
  findQuestion,
  insertFollowUp,
  type InterviewRow,
  listQuestions,
  proposeFollowUp,
  type QuestionAnswerRow,
  questionToEvaluate,
  updateAnswer,
} from "../db/interviews.ts";
import { userTypes } from "../db/schema.ts";
import { announceFinalized } from "../media/finalize.ts";
import { queueReport } from "../jobs/report.ts";
import { log } from "../log.ts";

const questionSummary = z.object({
  id: z.number().int(),
  question_id: z.number().int().describe("The question's number within its interview, from 1"),
  question_text: z.string(),
  status: z.string(),
  topic: z.string(),
  question_kind: z.string(),
});

const interviewOut = z.object({
  interview_id: z.number().int(),
  interview_name: z.string(),
  status: z.enum(["in_progress", "completed", "abandoned"]),
  created_at: z.string(),
  questions: z.array(questionSummary),
});

function toInterviewOut(
  interview: InterviewRow,
  questions: QuestionAnswerRow[],
): z.infer<typeof interviewOut> {
  return {
    interview_id: interview.id,
    interview_name: interview.interviewName,
    status: interview.status,
    created_at: interview.createdAt.toISOString(),
    questions: questions.map((q) => ({
      id: q.id,
      question_id: q.questionId,
      question_text: q.questionText,
      status: q.status,
      topic: q.topic,
      question_kind: q.questionKind,
    })),
  };
}

const startBody = z.object({
  interview_name: z.string().trim().min(1).max(200),
  question_count: laxInt(z.int().min(1).max(20).default(5)),
  difficulty: z.enum(["junior", "mid", "senior"]).default("mid"),
  language: z.string().regex(
    /^[a-z]{2,3}(-[a-z0-9]{2,8}){0,3}$/i,
    "must be a BCP-47 tag like en or pt-BR",
  )
    .default("en").describe(
      "Language of questions and feedback (the offline engine writes English)",
    ),
  max_follow_ups: laxInt(z.int().min(0).max(5).optional())
    .describe(
      "Follow-up questions the engine may add after each answer (default AI_MAX_FOLLOW_UPS)",
    ),
});

const answerBody = z.object({
  interview_id: laxInt(z.int().positive().max(2 ** 31 - 1)),
  question_id: laxInt(z.int().positive().max(1000)),
  answer_text: z.string().trim().min(1).max(20_000),
});

/** Registers the `/interview` routes. */
export function registerInterviewRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;
  const audit = createAccessAudit(db, deps.config.TRUST_PROXY);

  api.route({
    method: "post",
    path: "/interview/start_interview",
    tag: "interview",
    summary: "Start an interview with questions from your JD and resume",
    roles: ["candidate"],
    body: { schema: startBody, types: ["json"] },
    responses: {
      201: { description: "Interview created with its questions", schema: interviewOut },
      409: { description: "No JD or resume uploaded yet" },
    },
  }, async (c, { body, user }) => {
    const [jd, resume] = await Promise.all([
      currentDocument(db, user.id, "jd"),
      currentDocument(db, user.id, "resume"),
    ]);
    if (!jd && !resume) {
      throw new HttpError(
        409,
        "Upload a job description (POST /jd_resume/upload_jd) or a resume (POST /jd_resume/upload_resume) before starting an interview.",
      );
    }
    const planned = await deps.engine.planQuestions({
      jdText: jd?.extractedText ?? "",
      resumeText: resume?.extractedText ?? "",
      count: body.question_count,
      difficulty: body.difficulty,
      language: body.language,
    });
    const { interview, questions } = await createInterview(db, {
      userId: user.id,
      name: body.interview_name,
      engine: deps.engine.name,
      difficulty: body.difficulty,
      language: body.language,
      maxFollowUps: body.max_follow_ups ?? deps.config.AI_MAX_FOLLOW_UPS,
      jdDocumentId: jd?.id ?? null,
      resumeDocumentId: resume?.id ?? null,
      questions: planned,
    });
    log.info("interview started", {
      interview_id: interview.id,
      user_id: user.id,
      questions: questions.length,
    });
    return c.json(toInterviewOut(interview, questions), 201);
  });

  api.route({
    method: "post",
    path: "/interview/answer_question",
    tag: "interview",
    summary: "Answer a question; the answer is evaluated at once",
    roles: ["candidate"],
    body: { schema: answerBody, types: ["json"] },
    responses: {
      200: { description: "The stored answer with its evaluation", schema: questionAnswerOut },
      404: { description: "No such interview or question of yours" },
      409: { description: "Already answered, or the interview is over" },
    },
  }, async (c, { body, user }) => {
    const interview = await findVisibleInterview(db, user, body.interview_id);
    const question = await findQuestion(db, interview.id, body.question_id);
    if (!question) {
      throw new HttpError(404, `Interview ${interview.id} has no question ${body.question_id}.`);
    }
    if (interview.status !== "in_progress") {
      throw new HttpError(
        409,
        `Interview ${interview.id} is ${interview.status}; it takes no more answers.`,
      );
    }
    if (question.status !== "NEW") {
      throw new HttpError(409, `Question ${body.question_id} is already answered.`);
    }
    const evaluation = await deps.engine.evaluateAnswer(
      questionToEvaluate(question),
      body.answer_text,
      `user ${interview.userId}`,
    );
    const followUp = await proposeFollowUp(db, deps.engine, question, {
      text: body.answer_text,
      evaluation,
      language: interview.language,
      maxFollowUps: interview.maxFollowUps,
    });
    const stored = await updateAnswer(db, {
      interviewId: interview.id,
      questionRowId: question.id,
      fromStatuses: ["NEW"],
    }, {
      ...evaluationValues(evaluation),
      answerText: body.answer_text,
      answerSource: "typed",
      status: "ANSWERED",
      answeredAt: new Date(),
    }, async (tx) => {
      if (followUp) await insertFollowUp(tx, question, followUp);
    });
    if (!stored) {
      throw new HttpError(
        409,
        `Question ${body.question_id} was answered meanwhile, or the interview ended.`,
      );
    }
    if (stored.interviewCompleted) await queueReport(db, interview.id);
    // A candidate or observer connected live learns of typed answers too.
    if (deps.hub) {
      await announceFinalized({ db, bus: deps.hub.bus }, stored.row, stored.interviewCompleted);
      deps.hub.pokeJobs();
    }
    log.info("question answered", {
      interview_id: interview.id,
      question_id: stored.row.questionId,
      score: evaluation.score,
    });
    return c.json(toQuestionAnswerOut(stored.row, { isCandidate: true }));
  });

  api.route({
    method: "get",
    path: "/interview/{interview_id}",
    tag: "interview",
    summary: "An interview and its questions",
    roles: userTypes,
    params: z.object({ interview_id: idParam }),
    responses: {
      200: { description: "The interview", schema: interviewOut },
      404: { description: "No such interview visible to you" },
    },
  }, async (c, { params, user }) => {
    const interview = await findVisibleInterview(db, user, params.interview_id);
    const [questions] = await Promise.all([
      listQuestions(db, interview.id),
      audit.view(c, user, interviewDetails(interview)),
    ]);
    return c.json(toInterviewOut(interview, questions));
  });
}
