/**
 * Response schemas shared by several routers, and the functions that turn
 * rows into them. Field names follow the original service.
 *
 * @module
 */
import { z } from "zod";
import type { QuestionAnswerRow, TranscriptSegment } from "../db/interviews.ts";
import type { UserRow } from "../db/users.ts";
import { userTypes } from "../db/schema.ts";

/** A user as the API shows it: never the password hash. */
export const userOut = z.object({
  id: z.number().int(),
  username: z.string(),
  user_type: z.enum(userTypes),
  jd_path: z.string().nullable(),
  resume_path: z.string().nullable(),
  created_at: z.string(),
});

/** Serialises a user row. */
export function toUserOut(user: UserRow): z.infer<typeof userOut> {
  return {
    id: user.id,
    username: user.username,
    user_type: user.userType,
    jd_path: user.jdPath,
    resume_path: user.resumePath,
    created_at: user.createdAt.toISOString(),
  };
}

/** The original service's QuestionAnswerOut, plus the topic and timestamps. */
export const questionAnswerOut = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  interview_id: z.number().int(),
  question_id: z.number().int(),
  question_text: z.string(),
  status: z.string(),
  answer_text: z.string().nullable(),
  camera_recording_path: z.string().nullable(),
  screen_recording_path: z.string().nullable(),
  audio_recording_path: z.string().nullable(),
  combined_recording_path: z.string().nullable(),
  ai_answer: z.string().nullable().describe(
    "Reference answer; hidden from candidates until they answer",
  ),
  ai_remark: z.string().nullable(),
  candidate_score: z.number().nullable(),
  candidate_grade: z.string().nullable(),
  topic: z.string(),
  question_kind: z.string(),
  answered_at: z.string().nullable(),
  answer_source: z.enum(["typed", "transcript", "speech_to_text"]).nullable()
    .describe(
      "Where answer_text came from: typed, the browser's transcript, or server speech-to-text",
    ),
  follow_up_of: z.number().int().nullable().describe(
    "The question (row id) this follow-up probes further",
  ),
  question_engine: z.string().nullable().describe("The engine that wrote the question"),
  evaluation_engine: z.string().nullable().describe("The engine that evaluated the answer"),
  fallback_reason: z.string().nullable()
    .describe("Why the offline engine stood in for the configured provider, if it did"),
  failure_reason: z.string().nullable().describe(
    "Why a FAILED answer failed, e.g. an unreadable recording",
  ),
  recordings_removed_at: z.string().nullable().describe(
    "When the answer's recordings were deleted (their paths are null from then on)",
  ),
  recordings_removed_reason: z.enum(["retention"]).nullable().describe(
    "Why: retention is RECORDING_RETENTION_DAYS after the interview ended",
  ),
  transcript_segments: z.array(z.object({ text: z.string(), start_ms: z.int(), end_ms: z.int() }))
    .describe("Final transcript fragments of a recorded answer, timed from its start"),
});

/**
 * Serialises a question/answer. The reference answer of an unanswered
 * question is withheld from candidates, who could otherwise read it first.
 */
export function toQuestionAnswerOut(
  row: QuestionAnswerRow,
  viewer: { isCandidate: boolean },
  segments: TranscriptSegment[] = [],
): z.infer<typeof questionAnswerOut> {
  const hideReference = viewer.isCandidate && row.status === "NEW";
  return {
    id: row.id,
    user_id: row.userId,
    interview_id: row.interviewId,
    question_id: row.questionId,
    question_text: row.questionText,
    status: row.status,
    answer_text: row.answerText,
    camera_recording_path: row.cameraRecordingPath,
    screen_recording_path: row.screenRecordingPath,
    audio_recording_path: row.audioRecordingPath,
    combined_recording_path: row.combinedRecordingPath,
    ai_answer: hideReference ? null : row.aiAnswer,
    ai_remark: row.aiRemark,
    candidate_score: row.candidateScore,
    candidate_grade: row.candidateGrade,
    topic: row.topic,
    question_kind: row.questionKind,
    answered_at: row.answeredAt?.toISOString() ?? null,
    answer_source: row.answerSource,
    follow_up_of: row.followUpOf,
    question_engine: row.questionEngine,
    evaluation_engine: row.evaluationEngine,
    fallback_reason: row.evaluationFallbackReason ?? row.questionFallbackReason,
    failure_reason: row.failureReason,
    recordings_removed_at: row.recordingsRemovedAt?.toISOString() ?? null,
    recordings_removed_reason: row.recordingsRemovedReason,
    transcript_segments: segments,
  };
}

/**
 * An integer that may also arrive as a numeric string, as FastAPI accepts
 * (`"5"` and `5` both mean 5; `"abc"` is still refused).
 */
export function laxInt<T extends z.ZodType<number | undefined>>(schema: T) {
  return z.preprocess(
    (value) => typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value,
    schema,
  );
}

/** A positive integer id in a path. */
export const idParam = z.coerce.number().int().positive().max(2 ** 31 - 1);
