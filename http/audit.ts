/**
 * Records who looked at a candidate's data and who deleted what
 * (`audit_log`), with the request's address and id.
 *
 * @module
 */
import type { Context } from "hono";
import { sql } from "drizzle-orm";
import type { AppEnv, AuthUser } from "./api.ts";
import type { Db } from "../db/client.ts";
import { insertAuditEntry, type NewAuditEntry } from "../db/audit.ts";
import type { AuditTargetType } from "../db/schema.ts";
import { clientAddress } from "./client_address.ts";

/** Actions the audit records. */
export const auditActions = [
  "view_recording",
  "view_report",
  "view_details",
  // Watching an interview live (target id `all` for the dashboard of every live interview).
  "view_live",
  "delete_account",
  "delete_user",
  "delete_interview",
  // Written by the recording retention job (jobs/retention.ts) as actor `system`.
  "delete_recordings",
] as const;
/** An action the audit records. */
export type AuditAction = typeof auditActions[number];

/**
 * A player fetches one recording in many Range requests while it plays and
 * seeks; views of one recording by one viewer within this window count once.
 */
export const RECORDING_VIEW_COALESCE_MS = 60_000;
/** Past this many remembered views, expired ones are dropped before adding more. */
const MAX_REMEMBERED_VIEWS = 10_000;

/** What was viewed or deleted. */
export interface AuditSubject {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | number;
  interviewId?: number;
  /** The candidate whose data it is; their current username is stored with the entry. */
  candidateId?: number;
  detail?: Record<string, unknown>;
}

/** The subject of a view of interview `interview`'s details (its questions, answers and scores). */
export function interviewDetails(interview: { id: number; userId: number }): AuditSubject {
  return {
    action: "view_details",
    targetType: "interview",
    targetId: interview.id,
    interviewId: interview.id,
    candidateId: interview.userId,
  };
}

/** Writes audit entries for the requests of one router. */
export interface AccessAudit {
  /**
   * Records a view of `subject` unless `user` is its candidate (people may
   * look at their own data unrecorded). Views of recordings are coalesced
   * per viewer and recording within {@link RECORDING_VIEW_COALESCE_MS} on
   * this instance.
   */
  view(c: Context<AppEnv>, user: AuthUser, subject: AuditSubject): Promise<void>;
  /** Records a deletion; `db` may be the transaction that deletes, so both commit together. */
  deletion(
    c: Context<AppEnv>,
    db: Pick<Db, "insert">,
    user: AuthUser,
    subject: AuditSubject & { candidateUsername?: string },
  ): Promise<void>;
}

/** Creates an {@link AccessAudit} writing to `db`; `trustProxy` as in the configuration. */
export function createAccessAudit(db: Db, trustProxy: boolean): AccessAudit {
  const lastViews = new Map<string, number>();

  function recentlyRecorded(key: string): boolean {
    const at = Date.now();
    const last = lastViews.get(key);
    if (last !== undefined && at - last < RECORDING_VIEW_COALESCE_MS) return true;
    if (lastViews.size >= MAX_REMEMBERED_VIEWS) {
      for (const [k, t] of lastViews) {
        if (at - t >= RECORDING_VIEW_COALESCE_MS) lastViews.delete(k);
      }
    }
    // Still full of fresh views: forgetting one only means one more entry.
    if (lastViews.size >= MAX_REMEMBERED_VIEWS) lastViews.clear();
    lastViews.set(key, at);
    return false;
  }

  function entry(
    c: Context<AppEnv>,
    user: AuthUser,
    subject: AuditSubject,
    candidateUsername: NewAuditEntry["candidateUsername"],
  ): NewAuditEntry {
    return {
      actorId: user.id,
      actorUsername: user.username,
      actorType: user.userType,
      action: subject.action,
      targetType: subject.targetType,
      targetId: String(subject.targetId),
      interviewId: subject.interviewId ?? null,
      candidateId: subject.candidateId ?? null,
      candidateUsername,
      clientAddress: clientAddress(c, trustProxy),
      requestId: c.get("requestId") ?? null,
      detail: subject.detail ?? null,
    };
  }

  return {
    async view(c, user, subject) {
      if (subject.candidateId === user.id) return;
      const key = subject.targetType === "recording" ? `${user.id}:${subject.targetId}` : null;
      if (key !== null && recentlyRecorded(key)) return;
      // The name is looked up by the insert itself: one statement per view.
      const name = subject.candidateId === undefined
        ? null
        : sql`(select username from users where id = ${subject.candidateId})`;
      try {
        await insertAuditEntry(db, entry(c, user, subject, name));
      } catch (error) {
        // Not written, so the next request of this recording must try again.
        if (key !== null) lastViews.delete(key);
        throw error;
      }
    },
    async deletion(c, tx, user, subject) {
      await insertAuditEntry(tx, entry(c, user, subject, subject.candidateUsername ?? null));
    },
  };
}
