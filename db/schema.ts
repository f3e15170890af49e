/**
 * Table definitions for drizzle, mirroring `migrations/`. The SQL files are
 * the source of truth for the database; this file only types the queries.
 *
 * @module
 */
import {
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import type { KeyPoint, QuestionKind, TopicSource } from "../ai/engine.ts";

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
});

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
}, (t) => [unique("question_answers_interview_question_key").on(t.interviewId, t.questionId)]);

/** Failed-login counters per username, shared by every instance. */
export const loginThrottle = pgTable("login_throttle", {
  username: text("username").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});
