/**
 * Who may see an interview: its candidate, and every interviewer and admin.
 *
 * @module
 */
import type { AuthUser } from "./api.ts";
import { HttpError } from "./errors.ts";
import type { Db } from "../db/client.ts";
import { findInterview, type InterviewRow } from "../db/interviews.ts";

/** Whether `user` may see interviews of other users. */
export function isStaff(user: AuthUser): boolean {
  return user.userType === "interviewer" || user.userType === "admin";
}

/**
 * Loads interview `id` if `user` may see it. Another candidate's interview
 * answers 404 like a missing one, so ids reveal nothing.
 */
export async function findVisibleInterview(
  db: Db,
  user: AuthUser,
  id: number,
): Promise<InterviewRow> {
  const interview = await findInterview(db, id);
  if (!interview || (interview.userId !== user.id && !isStaff(user))) {
    throw new HttpError(404, `Interview ${id} not found.`);
  }
  return interview;
}
