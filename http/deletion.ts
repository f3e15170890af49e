/**
 * Deleting users and interviews for the routes: rows and the audit entry in
 * one transaction, then the stored files.
 *
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv, AuthUser } from "./api.ts";
import type { AppDeps } from "./deps.ts";
import type { AccessAudit } from "./audit.ts";
import { HttpError } from "./errors.ts";
import {
  type DeletedData,
  deleteInterviewRows,
  deleteUserRows,
  DeletionRefusedError,
} from "../db/deletion.ts";
import { findInterview } from "../db/interviews.ts";
import { findUserById } from "../db/users.ts";
import { removeRecordings } from "../media/recordings.ts";
import { deletedEvent } from "../realtime/hub.ts";
import { reportKeyPrefix } from "../routes/performance.ts";
import { log } from "../log.ts";

/** How much a deletion removed. */
export const deletionOut = z.object({
  interviews: z.number().int().describe("Interviews deleted, with their answers and recordings"),
  questions: z.number().int().describe("Questions and answers deleted"),
  documents: z.number().int().describe("Uploaded documents deleted"),
});

/** What a deletion answers: how much went. */
export type DeletionSummary = z.infer<typeof deletionOut>;

/**
 * Removes the files of deleted rows: documents, recordings and report PDFs
 * in the object store, and recordings staged on local disk. The rows are
 * gone already, so a file that cannot be removed is logged with its path
 * for the operator rather than failing the request that cannot be repeated.
 */
async function removeStoredFiles(deps: AppDeps, data: DeletedData): Promise<void> {
  const removals = [
    ...data.interviewIds.flatMap((id) => [{
      what: `recordings of interview ${id}`,
      remove: () => removeRecordings(deps.store, deps.config.DATA_DIR, id),
    }, {
      what: `report PDFs of interview ${id}`,
      remove: () => deps.store.deleteByPrefix(reportKeyPrefix(id)),
    }]),
    ...data.documentPaths.map((path) => ({ what: path, remove: () => deps.store.delete(path) })),
  ];
  for (const { what, remove } of removals) {
    await remove().catch((error) => log.error("could not remove deleted data", { what, error }));
  }
}

function summary(data: DeletedData): DeletionSummary {
  return {
    interviews: data.interviewIds.length,
    questions: data.questionCount,
    documents: data.documentPaths.length,
  };
}

function refused(error: unknown): never {
  if (error instanceof DeletionRefusedError) throw new HttpError(409, error.message);
  throw error;
}

/**
 * Deletes user `userId` and all their data, recording `action` by `actor`.
 *
 * @throws {HttpError} 404 for a missing user, 409 when refused (the last admin, a live interview).
 */
export async function deleteUserAndData(
  c: Context<AppEnv>,
  deps: AppDeps,
  audit: AccessAudit,
  actor: AuthUser,
  userId: number,
  action: "delete_account" | "delete_user",
): Promise<DeletionSummary> {
  const deleted = await deps.database.db.transaction(async (tx) => {
    const data = await deleteUserRows(tx, userId);
    if (!data) return undefined;
    await audit.deletion(c, tx, actor, {
      action,
      targetType: "user",
      targetId: userId,
      candidateId: data.userType === "candidate" ? userId : undefined,
      candidateUsername: data.userType === "candidate" ? data.username : undefined,
      detail: { username: data.username, user_type: data.userType, ...summary(data) },
    });
    return data;
  }).catch(refused);
  if (!deleted) throw new HttpError(404, `User ${userId} not found.`);
  // Their tokens stop working at once; connections opened before must be closed too.
  deps.hub?.bus.publish(deletedEvent({ userIds: [userId], interviewIds: deleted.interviewIds }));
  await removeStoredFiles(deps, deleted);
  log.info("user deleted", { user_id: userId, by: actor.id, ...summary(deleted) });
  return summary(deleted);
}

/**
 * Deletes interview `interviewId` with its answers and recordings, recording it by `actor`.
 *
 * @throws {HttpError} 404 for a missing interview, 409 while it is live.
 */
export async function deleteInterviewAndData(
  c: Context<AppEnv>,
  deps: AppDeps,
  audit: AccessAudit,
  actor: AuthUser,
  interviewId: number,
): Promise<DeletionSummary> {
  const { db } = deps.database;
  const interview = await findInterview(db, interviewId);
  const candidate = interview && await findUserById(db, interview.userId);
  const deleted = await db.transaction(async (tx) => {
    const data = await deleteInterviewRows(tx, interviewId);
    if (!data || !interview) return undefined;
    await audit.deletion(c, tx, actor, {
      action: "delete_interview",
      targetType: "interview",
      targetId: interviewId,
      interviewId,
      candidateId: interview.userId,
      candidateUsername: candidate?.username,
      detail: { interview_name: interview.interviewName, ...summary(data) },
    });
    return data;
  }).catch(refused);
  if (!deleted) throw new HttpError(404, `Interview ${interviewId} not found.`);
  deps.hub?.bus.publish(deletedEvent({ userIds: [], interviewIds: [interviewId] }));
  await removeStoredFiles(deps, deleted);
  log.info("interview deleted", { interview_id: interviewId, by: actor.id, ...summary(deleted) });
  return summary(deleted);
}
