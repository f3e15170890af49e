/**
 * Recording retention (`RECORDING_RETENTION_DAYS`): the recordings of
 * answers whose interview ended more than that many days ago are deleted;
 * everything else of the answer (transcript, score, remark) and the
 * interview's report stay.
 *
 * The clock starts when the interview ended (`completed_at`, set when it
 * is completed or abandoned), not at each answer: reviewers judge an
 * interview as a whole, so its recordings are kept for the same window and
 * go together, and an interview still running never loses any. Only final
 * answers (`ANSWERED`, `FAILED`) are touched.
 *
 * Every instance queues one job per hour under that hour's key: the
 * queue's dedupe key and `FOR UPDATE SKIP LOCKED` claim make it run once in
 * the cluster, and its lease lets another instance take it over after a
 * crash. The work can run again at any point: files are removed (from the
 * object store, and staging from local disk) before the row is marked, and
 * only rows not marked yet are counted.
 *
 * @module
 */
import { and, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { interviews, questionAnswers } from "../db/schema.ts";
import { insertAuditEntry } from "../db/audit.ts";
import { removeAnswerRecordings } from "../media/recordings.ts";
import type { ObjectStore } from "../media/object_store.ts";
import { recordingKinds, recordingPathOf } from "../routes/recordings.ts";
import { completeJob, enqueueJob } from "./queue.ts";
import type { JobHandler } from "./runner.ts";
import { log } from "../log.ts";

/** Job kind of a retention run; its key is `recording_retention:<UTC hour>`. */
export const RETENTION_JOB = "recording_retention";

/** How often a run is queued: recordings go at most this long after their time is up. */
const RETENTION_EVERY_MS = 60 * 60 * 1000;
/** Answers handled per query and update, so a large backlog never makes one huge statement. */
const RETENTION_BATCH = 100;

/** What one retention run removed. */
export interface RetentionOutcome {
  /** Interviews that ended before this had their recordings removed. */
  cutoff: Date;
  answers: number;
  interviews: number;
  files: number;
  /** Answers whose files could not be removed; they are kept as they were and tried next run. */
  failed: number;
}

/** The key of the run queued at `at`: one per UTC hour. */
export function retentionJobKey(at: Date): string {
  return `${RETENTION_JOB}:${at.toISOString().slice(0, 13)}`;
}

/** Queues the current hour's run, unless an instance already did. */
export async function queueRetention(db: Pick<Db, "insert">, now = new Date()): Promise<void> {
  await enqueueJob(db, { kind: RETENTION_JOB, key: retentionJobKey(now), payload: {} });
}

/** Matches the partial index `question_answers_recordings_kept_idx` (migrations/0007). */
const hasRecordings = or(
  isNotNull(questionAnswers.cameraRecordingPath),
  isNotNull(questionAnswers.screenRecordingPath),
  isNotNull(questionAnswers.audioRecordingPath),
  isNotNull(questionAnswers.combinedRecordingPath),
  sql`(${questionAnswers.media} ->> 'wavPath') is not null`,
);

/**
 * Deletes the recordings of final answers of interviews that ended more
 * than `retentionDays` before `now`, in batches, and marks each row (paths
 * cleared, `recordings_removed_at`, reason `retention`). Logs each batch.
 */
export async function removeExpiredRecordings(
  deps: { db: Db; dataDir: string; store: ObjectStore; retentionDays: number },
  now = new Date(),
): Promise<RetentionOutcome> {
  const { db } = deps;
  const cutoff = new Date(now.getTime() - deps.retentionDays * 24 * 60 * 60 * 1000);
  const outcome: RetentionOutcome = { cutoff, answers: 0, interviews: 0, files: 0, failed: 0 };
  const interviewIds = new Set<number>();
  // Keyset paging by id: every batch moves on, also past a row that could not be marked.
  let afterId = 0;
  while (true) {
    const batch = (await db.select({ answer: questionAnswers }).from(questionAnswers)
      .innerJoin(interviews, eq(interviews.id, questionAnswers.interviewId))
      .where(and(
        gt(questionAnswers.id, afterId),
        hasRecordings,
        inArray(questionAnswers.status, ["ANSWERED", "FAILED"]),
        inArray(interviews.status, ["completed", "abandoned"]),
        lt(interviews.completedAt, cutoff),
      ))
      .orderBy(questionAnswers.id).limit(RETENTION_BATCH)).map((row) => row.answer);
    if (batch.length === 0) break;
    let files = 0;
    const removed: number[] = [];
    for (const answer of batch) {
      const keys = recordingKinds.map((kind) => recordingPathOf(answer, kind))
        .filter((key) => key !== null);
      // Files first: a crash before the row is marked leaves it to the next run, never orphans.
      try {
        await removeAnswerRecordings(
          deps.store,
          deps.dataDir,
          answer.interviewId,
          answer.questionId,
          keys,
        );
      } catch (error) {
        // One answer whose files resist must not hold back every answer after it.
        log.warn("recording retention: could not remove an answer's recordings", {
          question_answer_id: answer.id,
          error: String(error),
        });
        outcome.failed++;
        continue;
      }
      removed.push(answer.id);
      files += keys.length;
    }
    const marked = removed.length === 0 ? [] : await db.update(questionAnswers).set({
      cameraRecordingPath: null,
      screenRecordingPath: null,
      audioRecordingPath: null,
      combinedRecordingPath: null,
      media: sql`${questionAnswers.media} - 'wavPath'`,
      recordingsRemovedAt: now,
      recordingsRemovedReason: "retention",
      updatedAt: now,
    }).where(and(
      inArray(questionAnswers.id, removed),
      isNull(questionAnswers.recordingsRemovedAt),
    )).returning({ interviewId: questionAnswers.interviewId });
    for (const row of marked) interviewIds.add(row.interviewId);
    outcome.answers += marked.length;
    outcome.files += files;
    outcome.interviews = interviewIds.size;
    log.info("recording retention: batch removed", {
      answers: marked.length,
      files,
      failed: batch.length - removed.length,
      total_answers: outcome.answers,
      total_files: outcome.files,
    });
    afterId = batch[batch.length - 1].id;
    if (batch.length < RETENTION_BATCH) break;
  }
  return outcome;
}

/**
 * The job handler for {@link RETENTION_JOB}: one run; a run that removed
 * something is recorded in the audit log as a system entry with its
 * counts, committed with the job.
 */
export function retentionJobHandler(
  deps: { db: Db; dataDir: string; store: ObjectStore; retentionDays: number },
): JobHandler {
  return async (job) => {
    const outcome = await removeExpiredRecordings(deps);
    const summary = {
      retention_days: deps.retentionDays,
      cutoff: outcome.cutoff.toISOString(),
      answers: outcome.answers,
      interviews: outcome.interviews,
      files: outcome.files,
      failed: outcome.failed,
    };
    log.info("recording retention run done", summary);
    // Hourly runs that found nothing would bury the entries worth reading.
    if (outcome.answers === 0) return await completeJob(deps.db, job.id);
    await deps.db.transaction(async (tx) => {
      await insertAuditEntry(tx, {
        actorId: 0,
        actorUsername: "system",
        actorType: "system",
        action: "delete_recordings",
        targetType: "recording",
        targetId: job.dedupeKey,
        clientAddress: "",
        detail: { reason: "retention", ...summary },
      });
      await completeJob(tx, job.id);
    });
  };
}

/**
 * Queues a retention run now and every hour on this instance; the job
 * queue makes each hour's run happen once across instances.
 */
export function startRetentionSchedule(
  db: Db,
  pokeJobs: () => void,
  intervalMs = RETENTION_EVERY_MS,
): { stop(): void } {
  const tick = () =>
    queueRetention(db).then(
      pokeJobs,
      (error) => log.error("could not queue recording retention", { error }),
    );
  tick();
  const timer = setInterval(tick, intervalMs);
  return { stop: () => clearInterval(timer) };
}
