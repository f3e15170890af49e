/**
 * The performance summary query: one page of interviews with their stats.
 *
 * @module
 */
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { interviews, type InterviewStatus, users } from "./schema.ts";
import { type InterviewRow, type InterviewStats, interviewStats } from "./interviews.ts";
import { findUserByUsername } from "./users.ts";

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

/**
 * Returns one page of interviews, newest first, and the total matching
 * count. The page is read from `interviews` alone, so that ordering and
 * offset walk an index; usernames and stats are fetched for the page only.
 */
export async function summaryPage(
  db: Db,
  query: SummaryQuery,
): Promise<{ rows: SummaryRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.userId !== undefined) conditions.push(eq(interviews.userId, query.userId));
  if (query.username !== undefined) {
    const user = await findUserByUsername(db, query.username);
    if (!user) return { rows: [], total: 0 };
    conditions.push(eq(interviews.userId, user.id));
  }
  if (query.status !== undefined) conditions.push(eq(interviews.status, query.status));
  const where = conditions.length ? and(...conditions) : undefined;

  const [page, [{ total }]] = await Promise.all([
    db.select().from(interviews)
      .where(where)
      .orderBy(desc(interviews.createdAt), desc(interviews.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(interviews).where(where),
  ]);
  const userIds = [...new Set(page.map((i) => i.userId))];
  const [stats, owners] = await Promise.all([
    interviewStats(db, page.map((i) => i.id)),
    userIds.length
      ? db.select({ id: users.id, username: users.username }).from(users).where(
        inArray(users.id, userIds),
      )
      : Promise.resolve([]),
  ]);
  const usernames = new Map(owners.map((o) => [o.id, o.username]));
  const empty: InterviewStats = { questionCount: 0, answeredCount: 0, averageScore: null };
  return {
    rows: page.map((interview) => ({
      interview,
      username: usernames.get(interview.userId) ?? "",
      stats: stats.get(interview.id) ?? empty,
    })),
    total,
  };
}
