/**
 * Table definitions for drizzle, mirroring `migrations/`. The SQL files are
 * the source of truth for the database; this file only types the queries.
 *
 * @module
 */
import {
  bigint,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import type {
  Difficulty,
  InterviewReport,
  KeyPoint,
  QuestionKind,
  TopicSource,
} from "../ai/engine.ts";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** Roles a user can have. */
export const userTypes = ["candidate", "interviewer", "admin"] as const;
/** A user's role. */
export type UserType = typeof userTypes[number];

/** Accounts. `password` holds the Argon2id hash (the original's column name). */
export const users = pgTable("users", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  username: text("username").notNull().unique(),
  password: text("password").notNull(),
  userType: text("user_type").$type<UserType>().notNull(),
  jdPath: text("jd_path"),
  resumePath: text("resume_path"),
  jdDocumentId: integer("jd_document_id"),
  resumeDocumentId: integer("resume_document_id"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** What an uploaded document is for. */
export type DocumentPurpose = "jd" | "resume";

/** Uploaded job descriptions and resumes with their extracted text. */
export const documents = pgTable("documents", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  userId: integer("user_id").notNull(),
  purpose: text("purpose").$type<DocumentPurpose>().notNull(),
  storagePath: text("storage_path").notNull(),
  originalFilename: text("original_filename"),
  kind: text("kind").$type<"pdf" | "docx" | "markdown" | "text">().notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  sha256: text("sha256").notNull(),
  extractedText: text("extracted_text").notNull(),
  createdAt: createdAt(),
});

/** Lifecycle of an interview. */
export type InterviewStatus = "in_progress" | "completed" | "abandoned";

/** Interview sessions. */
export const interviews = pgTable("interviews", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  userId: integer("user_id").notNull(),
  interviewName: text("interview_name").notNull(),
  status: text("status").$type<InterviewStatus>().notNull().default("in_progress"),
  engine: text("engine").notNull(),
  jdDocumentId: integer("jd_document_id"),
  resumeDocumentId: integer("resume_document_id"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  completedAt: timestamp("completed_at", { withTimezone: true }),
  /** The candidate's newest live connection; an older one that sees another id here was replaced. */
  candidateConnectionId: text("candidate_connection_id"),
  /** Last heartbeat of the candidate's live connection. */
  candidateSeenAt: timestamp("candidate_seen_at", { withTimezone: true }),
  candidateDisconnectedAt: timestamp("candidate_disconnected_at", { withTimezone: true }),
  difficulty: text("difficulty").$type<Difficulty>().notNull().default("mid"),
  language: text("language").notNull().default("en"),
  /** Follow-up questions the engine may add per planned question. */
  maxFollowUps: integer("max_follow_ups").notNull().default(0),
  /** The engine's report once the interview is completed. */
  report: jsonb("report").$type<InterviewReport>(),
});

/** Statuses of a question/answer, in order; `FAILED` ends like `ANSWERED` but names a reason. */
export const questionStatuses = ["NEW", "RECORDING", "PROCESSING", "ANSWERED", "FAILED"] as const;

/**
 * Where `answer_text` came from: typed through the API, the browser's live
 * transcript, or server-side speech-to-text of the recording.
 */
export type AnswerSource = "typed" | "transcript" | "speech_to_text";

/** The streams a recorded answer declared, and what the recorder said they contain. */
export interface AnswerMedia {
  streams: ("camera" | "screen" | "audio")[];
  mimeTypes: Partial<Record<"camera" | "screen" | "audio", string>>;
  /**
   * The segment being recorded, when a page continued the answer after a
   * reload (absent: 0). Finalization joins segments 0 to this one.
   */
  segment?: number;
  /** Streams of that segment, when it declared fewer than `streams` (which stays the answer's). */
  segmentStreams?: ("camera" | "screen" | "audio")[];
  /** The 16 kHz mono WAV made for transcription, relative to DATA_DIR. */
  wavPath?: string;
  /** Bytes received per stream when the answer was finalized. */
  receivedBytes?: Partial<Record<"camera" | "screen" | "audio", number>>;
}

/** One question of an interview, its answer, recordings and evaluation. */
export const questionAnswers = pgTable("question_answers", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  userId: integer("user_id").notNull(),
  interviewId: integer("interview_id").notNull(),
  questionId: integer("question_id").notNull(),
  questionText: text("question_text").notNull(),
  status: text("status").notNull().default("NEW"),
  answerText: text("answer_text"),
  cameraRecordingPath: text("camera_recording_path"),
  screenRecordingPath: text("screen_recording_path"),
  audioRecordingPath: text("audio_recording_path"),
  combinedRecordingPath: text("combined_recording_path"),
  aiAnswer: text("ai_answer"),
  aiRemark: text("ai_remark"),
  candidateScore: doublePrecision("candidate_score"),
  candidateGrade: text("candidate_grade"),
  topic: text("topic").notNull(),
  questionKind: text("question_kind").$type<QuestionKind>().notNull(),
  topicSource: text("topic_source").$type<TopicSource>().notNull(),
  keyPoints: jsonb("key_points").$type<KeyPoint[]>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  answeredAt: timestamp("answered_at", { withTimezone: true }),
  startedAt: timestamp("started_at", { withTimezone: true }),
  deadlineAt: timestamp("deadline_at", { withTimezone: true }),
  media: jsonb("media").$type<AnswerMedia>(),
  answerSource: text("answer_source").$type<AnswerSource>(),
  failureReason: text("failure_reason"),
  /** Order of asking; follow-ups sit right after the question they follow. */
  position: integer("position").notNull(),
  /** The original question a follow-up probes further; null for planned questions. */
  followUpOf: integer("follow_up_of"),
  questionEngine: text("question_engine"),
  questionFallbackReason: text("question_fallback_reason"),
  evaluationEngine: text("evaluation_engine"),
  evaluationFallbackReason: text("evaluation_fallback_reason"),
  /** Rubric points the answer covered and missed. */
  evaluationPoints: jsonb("evaluation_points").$type<{ covered: string[]; missing: string[] }>(),
  transcriptEngine: text("transcript_engine"),
  /** When the answer's recordings were deleted; its paths are null from then on. */
  recordingsRemovedAt: timestamp("recordings_removed_at", { withTimezone: true }),
  /** Why they were: `retention` (RECORDING_RETENTION_DAYS, jobs/retention.ts). */
  recordingsRemovedReason: text("recordings_removed_reason").$type<"retention">(),
  /**
   * Which staging area (`DATA_DIR/staging_area_id`) holds the staged media,
   * `store` after a hand-off through the object store, `moving:<id>` during
   * one; null when nothing was staged (media/staging_handoff.ts).
   */
  stagingArea: text("staging_area"),
}, (t) => [unique("question_answers_interview_question_key").on(t.interviewId, t.questionId)]);

/**
 * Login attempts per lower-cased username and client address that have not
 * (yet) succeeded, shared by every instance.
 */
export const loginThrottle = pgTable("login_throttle", {
  username: text("username").notNull(),
  address: text("address").notNull(),
  failures: integer("failures").notNull(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
}, (t) => [primaryKey({ columns: [t.username, t.address] })]);

/** Login and sign-up attempts per client address, shared by every instance. */
export const addressThrottle = pgTable("address_throttle", {
  address: text("address").primaryKey(),
  attempts: integer("attempts").notNull(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
});

/** Final transcript fragments of recorded answers. */
export const transcriptSegments = pgTable("transcript_segments", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  questionAnswerId: integer("question_answer_id").notNull(),
  text: text("text").notNull(),
  startMs: integer("start_ms").notNull(),
  endMs: integer("end_ms").notNull(),
  createdAt: createdAt(),
});

/** Proctoring events reported by the candidate's page. */
export const proctoringEvents = pgTable("proctoring_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  interviewId: integer("interview_id").notNull(),
  questionId: integer("question_id"),
  kind: text("kind").notNull(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  detail: text("detail"),
  createdAt: createdAt(),
});

/** Background jobs, claimed with `FOR UPDATE SKIP LOCKED`. */
export const jobs = pgTable("jobs", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  kind: text("kind").notNull(),
  dedupeKey: text("dedupe_key").notNull().unique(),
  payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
  status: text("status").$type<"queued" | "running" | "done" | "failed">().notNull().default(
    "queued",
  ),
  attempts: integer("attempts").notNull().default(0),
  maxAttempts: integer("max_attempts").notNull().default(3),
  runAfter: timestamp("run_after", { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
  lastError: text("last_error"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Event payloads too large for a NOTIFY; the notification carries the id. */
export const eventPayloads = pgTable("event_payloads", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/** What an audit entry is about. */
export type AuditTargetType = "user" | "interview" | "recording" | "report";

/**
 * Views of candidates' data by others, and deletions. No foreign keys: an
 * entry keeps the ids and names it was written with after they are deleted.
 */
export const auditLog = pgTable("audit_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  actorId: integer("actor_id").notNull(),
  actorUsername: text("actor_username").notNull(),
  /** `system` for entries the service writes itself (recording retention), with actor id 0. */
  actorType: text("actor_type").$type<UserType | "system">().notNull(),
  action: text("action").notNull(),
  targetType: text("target_type").$type<AuditTargetType>().notNull(),
  /** The target's id: a user or interview id, or `<interview>/<question>/<kind>` of a recording. */
  targetId: text("target_id").notNull(),
  interviewId: integer("interview_id"),
  /** The candidate whose data this is. */
  candidateId: integer("candidate_id"),
  candidateUsername: text("candidate_username"),
  clientAddress: text("client_address").notNull(),
  requestId: text("request_id"),
  detail: jsonb("detail").$type<Record<string, unknown>>(),
});
