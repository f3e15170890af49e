/**
 * The access audit: writing entries and reading them back for admins.
 *
 * @module
 */
import { and, count, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import type { Db } from "./client.ts";
import { auditLog } from "./schema.ts";

/** An audit row. */
export type AuditRow = typeof auditLog.$inferSelect;

/**
 * A new audit entry; `occurredAt` and `id` are filled in by the database.
 * Values may be SQL, so that a name can be looked up by the insert itself.
 */
export type NewAuditEntry = Omit<PgInsertValue<typeof auditLog>, "id" | "occurredAt">;

/** Writes one audit entry. */
export async function insertAuditEntry(
  db: Pick<Db, "insert">,
  entry: NewAuditEntry,
): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** Filters of {@link auditPage}; all optional, combined with AND. */
export interface AuditFilter {
  actorId?: number;
  action?: string;
  interviewId?: number;
  /** Entries about this user: as the candidate whose data it was, or as a deleted user. */
  userId?: number;
  /** Inclusive lower bound of `occurred_at`. */
  since?: Date;
  /** Exclusive upper bound of `occurred_at`. */
  until?: Date;
}

/** One page of audit entries matching `filter`, newest first, and how many match in all. */
export async function auditPage(
  db: Db,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const conditions: (SQL | undefined)[] = [
    filter.actorId === undefined ? undefined : eq(auditLog.actorId, filter.actorId),
    filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
    filter.interviewId === undefined ? undefined : eq(auditLog.interviewId, filter.interviewId),
    filter.userId === undefined ? undefined : or(
      eq(auditLog.candidateId, filter.userId),
      and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, String(filter.userId))),
    ),
    filter.since === undefined ? undefined : gte(auditLog.occurredAt, filter.since),
    filter.until === undefined ? undefined : lt(auditLog.occurredAt, filter.until),
  ];
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(auditLog).where(where)
      .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
      .limit(page.limit).offset(page.offset),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  return { rows, total };
}
