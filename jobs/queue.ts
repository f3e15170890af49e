/**
 * The job queue in the database: idempotent enqueue by key, claims with
 * `FOR UPDATE SKIP LOCKED` so instances never take the same job, leases that
 * expire so a crashed worker's job is taken again, and retries with backoff.
 *
 * @module
 */
import { and, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { jobs } from "../db/schema.ts";

/** A job row. */
export type JobRow = typeof jobs.$inferSelect;

/** A transaction or the database itself. */
type Executor = Pick<Db, "insert">;

/**
 * Adds a job unless one with the same key exists (then nothing happens), so
 * that whoever notices work first can enqueue it without coordination.
 */
export async function enqueueJob(
  db: Executor,
  job: { kind: string; key: string; payload: Record<string, unknown> },
): Promise<void> {
  await db.insert(jobs).values({ kind: job.kind, dedupeKey: job.key, payload: job.payload })
    .onConflictDoNothing({ target: jobs.dedupeKey });
}

/** Claims the oldest runnable job of `kinds` for `leaseMs`, or returns undefined. */
export async function claimJob(
  db: Db,
  kinds: string[],
  leaseMs: number,
): Promise<JobRow | undefined> {
  return await db.transaction(async (tx) => {
    const now = new Date();
    const [candidate] = await tx.select({ id: jobs.id }).from(jobs).where(and(
      inArray(jobs.kind, kinds),
      // By the database's clock, which set `run_after` of a new job: this process's clock, in
      // whole milliseconds, can read earlier than a job enqueued within the same millisecond.
      lte(jobs.runAfter, sql`now()`),
      or(eq(jobs.status, "queued"), and(eq(jobs.status, "running"), lte(jobs.lockedUntil, now))),
    )).orderBy(jobs.runAfter, jobs.id).limit(1).for("update", { skipLocked: true });
    if (!candidate) return undefined;
    const [claimed] = await tx.update(jobs).set({
      status: "running",
      attempts: sql`${jobs.attempts} + 1`,
      lockedUntil: new Date(now.getTime() + leaseMs),
      updatedAt: now,
    }).where(eq(jobs.id, candidate.id)).returning();
    return claimed;
  });
}

/** Extends the lease of a running job. */
export async function extendLease(db: Db, id: number, leaseMs: number): Promise<void> {
  await db.update(jobs).set({ lockedUntil: new Date(Date.now() + leaseMs) })
    .where(and(eq(jobs.id, id), eq(jobs.status, "running")));
}

/** Marks a job done. Pass the transaction that stored its results, so both commit together. */
export async function completeJob(db: Pick<Db, "update">, id: number): Promise<void> {
  await db.update(jobs).set({
    status: "done",
    lockedUntil: null,
    lastError: null,
    updatedAt: new Date(),
  })
    .where(eq(jobs.id, id));
}

/**
 * Records a failed attempt: the job runs again after a backoff, or is
 * marked failed once it has used its attempts. Returns whether it gave up.
 */
export async function failJob(db: Db, job: JobRow, error: string): Promise<boolean> {
  const giveUp = job.attempts >= job.maxAttempts;
  const backoffMs = 1000 * 2 ** Math.min(job.attempts, 8);
  await db.update(jobs).set({
    status: giveUp ? "failed" : "queued",
    lastError: error.slice(0, 4000),
    lockedUntil: null,
    runAfter: giveUp ? undefined : new Date(Date.now() + backoffMs),
    updatedAt: new Date(),
  }).where(eq(jobs.id, job.id));
  return giveUp;
}
