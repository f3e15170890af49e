/**
 * Deleting users and interviews from the database. Files are removed by the
 * caller after the transaction commits (http/deletion.ts: documents,
 * recordings and report PDFs in the object store, staging on local disk),
 * from the keys and interview ids these functions return, so that a failed
 * transaction never loses a file whose row still exists.
 *
 * @module
 */
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Tx } from "./interviews.ts";
import {
  documents,
  eventPayloads,
  interviews,
  jobs,
  questionAnswers,
  users,
  type UserType,
} from "./schema.ts";
import { forgetLoginAttempts } from "../auth/throttle.ts";
import { PRESENCE_TIMEOUT_MS } from "../realtime/observer_session.ts";

/** Thrown when a deletion is refused; the message says why and what to do. */
export class DeletionRefusedError extends Error {
  override name = "DeletionRefusedError";
}

/** What a deletion removed from the database, and the stored files the caller must remove. */
export interface DeletedData {
  interviewIds: number[];
  questionCount: number;
  /** Uploaded documents' keys in the object store. */
  documentPaths: string[];
}

/**
 * Locks interviews `ids` and refuses (without deleting anything) when one is
 * live: its candidate is connected, or an answer is being recorded or
 * finalized. Deleting those would race the session's and the finalization
 * job's writes, which could recreate files after they were removed.
 */
async function lockIdle(tx: Tx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const seenSince = Date.now() - PRESENCE_TIMEOUT_MS;
  const locked = await tx.select({
    id: interviews.id,
    connectionId: interviews.candidateConnectionId,
    seenAt: interviews.candidateSeenAt,
    disconnectedAt: interviews.candidateDisconnectedAt,
  }).from(interviews).where(inArray(interviews.id, ids)).for("update");
  const connected = locked.find((row) =>
    row.connectionId !== null && row.disconnectedAt === null &&
    (row.seenAt?.getTime() ?? 0) > seenSince
  );
  if (connected) {
    throw new DeletionRefusedError(
      `Interview ${connected.id} has its candidate connected right now. ` +
        "Try again once the candidate has left the interview (about a minute after they close it).",
    );
  }
  const [busy] = await tx.select({ interviewId: questionAnswers.interviewId })
    .from(questionAnswers).where(and(
      inArray(questionAnswers.interviewId, ids),
      inArray(questionAnswers.status, ["RECORDING", "PROCESSING"]),
    )).for("update");
  if (busy) {
    throw new DeletionRefusedError(
      `Interview ${busy.interviewId} has an answer being recorded or processed. ` +
        "Try again in a few minutes, once it is stored.",
    );
  }
}

/** Deletes rows that refer to interviews `ids` without a foreign key: jobs and event payloads. */
async function deleteLooseRows(tx: Tx, ids: number[], questionAnswerIds: number[]): Promise<void> {
  if (ids.length === 0) return;
  const asText = (values: number[]) => values.map(String);
  await tx.delete(jobs).where(or(
    inArray(sql`${jobs.payload}->>'interview_id'`, asText(ids)),
    questionAnswerIds.length === 0
      ? undefined
      : inArray(sql`${jobs.payload}->>'question_answer_id'`, asText(questionAnswerIds)),
  ));
  await tx.delete(eventPayloads).where(
    inArray(sql`${eventPayloads.payload}->>'interview_id'`, asText(ids)),
  );
}

async function questionAnswerIdsOf(tx: Tx, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select({ id: questionAnswers.id }).from(questionAnswers)
    .where(inArray(questionAnswers.interviewId, ids));
  return rows.map((row) => row.id);
}

/**
 * Deletes interview `id` with its answers, transcripts, proctoring events,
 * jobs and event payloads. Returns undefined when there is no such interview.
 *
 * @throws {DeletionRefusedError} while the interview is live.
 */
export async function deleteInterviewRows(
  tx: Tx,
  id: number,
): Promise<DeletedData | undefined> {
  await lockIdle(tx, [id]);
  const questionAnswerIds = await questionAnswerIdsOf(tx, [id]);
  await deleteLooseRows(tx, [id], questionAnswerIds);
  // question_answers, transcript_segments and proctoring_events go by ON DELETE CASCADE.
  const deleted = await tx.delete(interviews).where(eq(interviews.id, id))
    .returning({ id: interviews.id });
  if (deleted.length === 0) return undefined;
  return { interviewIds: [id], questionCount: questionAnswerIds.length, documentPaths: [] };
}

/**
 * Deletes user `userId` and everything that is theirs: documents,
 * interviews with their answers, transcripts and proctoring events, jobs,
 * event payloads and login throttle rows. Audit entries stay. Returns
 * undefined when there is no such user.
 *
 * @throws {DeletionRefusedError} for the last admin, or while one of the user's interviews is live.
 */
export async function deleteUserRows(
  tx: Tx,
  userId: number,
): Promise<(DeletedData & { username: string; userType: UserType }) | undefined> {
  const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
  if (!user) return undefined;
  if (user.userType === "admin") {
    // Every admin row is locked, so two admins deleting each other cannot both succeed.
    const admins = await tx.select({ id: users.id }).from(users)
      .where(eq(users.userType, "admin")).for("update");
    if (admins.length <= 1) {
      throw new DeletionRefusedError(
        `${user.username} is the last admin. Create another admin (POST /auth/users) first.`,
      );
    }
  }
  const ownInterviews = await tx.select({ id: interviews.id }).from(interviews)
    .where(eq(interviews.userId, userId));
  const ids = ownInterviews.map((row) => row.id);
  await lockIdle(tx, ids);
  const questionAnswerIds = await questionAnswerIdsOf(tx, ids);
  await deleteLooseRows(tx, ids, questionAnswerIds);
  const documentPaths = (await tx.select({ path: documents.storagePath }).from(documents)
    .where(eq(documents.userId, userId))).map((row) => row.path);
  await forgetLoginAttempts(tx, user.username);
  // documents, interviews and what hangs off them go by ON DELETE CASCADE.
  await tx.delete(users).where(eq(users.id, userId));
  return {
    username: user.username,
    userType: user.userType,
    interviewIds: ids,
    questionCount: questionAnswerIds.length,
    documentPaths,
  };
}
