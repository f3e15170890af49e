/**
 * The performance summary query: one page of interviews with their stats.
 *
 * @module
 */
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { interviews, type InterviewStatus, users } from "./schema.ts";
import { type InterviewRow, type InterviewStats, interviewStats } from "./interviews.ts";

/** Filters and paging for {@link summaryPage}. */
export interface SummaryQuery {
  /** Only this user's interviews (candidates); undefined for everyone's. */
  userId?: number;
  /** Only interviews of the user with this username (interviewers and admins). */
  username?: string;
  status?: InterviewStatus;
  limit: number;
  offset: number;
}

/** One row of the summary. */
export interface SummaryRow {
  interview: InterviewRow;
  username: string;
  stats: InterviewStats;
}

/** Returns one page of interviews, newest first, and the total matching count. */
export async function summaryPage(
  db: Db,
  query: SummaryQuery,
): Promise<{ rows: SummaryRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.userId !== undefined) conditions.push(eq(interviews.userId, query.userId));
  if (query.username !== undefined) conditions.push(eq(users.username, query.username));
  if (query.status !== undefined) conditions.push(eq(interviews.status, query.status));
  const where = conditions.length ? and(...conditions) : undefined;

  const [page, [{ total }]] = await Promise.all([
    db.select({ interview: interviews, username: users.username }).from(interviews)
      .innerJoin(users, eq(users.id, interviews.userId))
      .where(where)
      .orderBy(desc(interviews.createdAt), desc(interviews.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(interviews)
      .innerJoin(users, eq(users.id, interviews.userId))
      .where(where),
  ]);
  const stats = await interviewStats(db, page.map((r) => r.interview.id));
  const empty: InterviewStats = { questionCount: 0, answeredCount: 0, averageScore: null };
  return {
    rows: page.map((r) => ({ ...r, stats: stats.get(r.interview.id) ?? empty })),
    total,
  };
}
