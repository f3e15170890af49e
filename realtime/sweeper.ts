/**
 * Finds answers that nobody will end: past their time limit, or whose
 * candidate left and did not come back within the grace period, and hands
 * them to finalization; abandons interviews whose candidate stayed away.
 * Every instance runs it; the job queue makes the work happen once. It also
 * removes temporary files and staged recordings that a crash left under
 * `DATA_DIR`.
 *
 * @module
 */
import { and, eq, isNotNull, lt, or, type SQL } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { interviews, questionAnswers } from "../db/schema.ts";
import { queueFinalization } from "../media/finalize.ts";
import { removeStaging, stagedAnswers } from "../media/recordings.ts";
import type { ObjectStore } from "../media/object_store.ts";
import { removeLeftoverHandoffs, stagingHeldElsewhere } from "../media/staging_handoff.ts";
import { removeStaleTemporaryFiles } from "../media/storage.ts";
import { type EventBus, pruneEventPayloads } from "./event_bus.ts";
import { PRESENCE_TIMEOUT_MS } from "./observer_session.ts";
import { log } from "../log.ts";

/** Lets the connected session's own deadline timer act first. */
const DEADLINE_SLACK_MS = 2000;
const PRUNE_EVERY = 300;
/** Leftover files are looked for on the first pass (start-up) and then every this many passes. */
const LEFTOVERS_EVERY = 300;
/**
 * A temporary file unchanged for this long has no live writer: writers
 * change theirs continuously until they rename it (an ffmpeg job writing
 * one is also stopped by its timeout long before).
 */
export const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/** Statuses whose staged recordings may still be written to or finalized. */
const STAGING_IN_USE = new Set<string>(["NEW", "RECORDING", "PROCESSING"]);

/**
 * Removes what a crash left behind: temporary files, the staging of answers
 * that are final (finalization stores the outcome before deleting staging,
 * so a crash in between keeps it), that no longer exist, or that another
 * staging area took over (media/staging_handoff.ts), and hand-offs left in
 * the store that nobody will take. Staging this area holds of answers still
 * NEW, RECORDING or PROCESSING is kept. Logs what it removed.
 */
export async function removeLeftovers(
  deps: {
    db: Db;
    config: Config;
    /** With it, hand-offs nobody will take are removed from the store. */
    store?: ObjectStore;
    /** This DATA_DIR's staging area; with it, staging other areas took over is removed. */
    stagingArea?: string;
  },
): Promise<void> {
  const dataDir = deps.config.DATA_DIR;
  const removed = await removeStaleTemporaryFiles(dataDir, STALE_TEMPORARY_MS);
  if (removed.length > 0) log.info("removed temporary files left by a crash", { files: removed });
  const staged = Map.groupBy(await stagedAnswers(dataDir), (answer) => answer.interviewId);
  for (const [interviewId, answers] of staged) {
    const rows = await deps.db.select({
      questionId: questionAnswers.questionId,
      status: questionAnswers.status,
      stagingArea: questionAnswers.stagingArea,
    }).from(questionAnswers).where(eq(questionAnswers.interviewId, interviewId));
    const byQuestion = new Map(rows.map((row) => [row.questionId, row]));
    for (const { questionId } of answers) {
      const row = byQuestion.get(questionId);
      const handedOver = row !== undefined && deps.stagingArea !== undefined &&
        stagingHeldElsewhere(row.stagingArea, deps.stagingArea);
      if (row && STAGING_IN_USE.has(row.status) && !handedOver) continue;
      await removeStaging(dataDir, interviewId, questionId);
      log.info(
        handedOver
          ? "removed staged recordings another instance took over"
          : "removed the staged recordings of an answer that is over",
        { interview_id: interviewId, question_id: questionId, status: row?.status ?? "deleted" },
      );
    }
  }
  if (!deps.store) return;
  const handoffs = await removeLeftoverHandoffs(deps.db, deps.store);
  if (handoffs.length > 0) {
    log.info("removed hand-offs nobody will take from the object store", {
      answers: handoffs.map((answer) => `${answer.interviewId}/${answer.questionId}`),
    });
  }
}

/** When the candidate of an interview counts as gone since (null if never connected). */
function awaySince(
  interview: { candidateSeenAt: Date | null; candidateDisconnectedAt: Date | null },
): number | null {
  if (interview.candidateDisconnectedAt) return interview.candidateDisconnectedAt.getTime();
  if (!interview.candidateSeenAt) return null;
  // No goodbye: the instance died. Its heartbeat stopped at the last sighting.
  const staleAt = interview.candidateSeenAt.getTime() + PRESENCE_TIMEOUT_MS;
  return staleAt < Date.now() ? interview.candidateSeenAt.getTime() : null;
}

/** One pass of the sweeper. Exported for tests. */
export async function sweep(
  deps: { db: Db; config: Config; bus: EventBus; pokeJobs: () => void },
  now = new Date(),
): Promise<void> {
  const { db, config, bus } = deps;
  const handOver = async (
    qa: { id: number; interviewId: number; questionId: number },
    reason: string,
  ) => {
    if (await queueFinalization(db, qa, reason)) {
      bus.publish({
        interview_id: qa.interviewId,
        type: "answer.processing",
        question_id: qa.questionId,
        reason,
      });
      deps.pokeJobs();
    }
  };

  const recordingWhere = (condition: SQL) =>
    db.select({
      id: questionAnswers.id,
      interviewId: questionAnswers.interviewId,
      questionId: questionAnswers.questionId,
    }).from(questionAnswers).where(and(eq(questionAnswers.status, "RECORDING"), condition));

  const overdue = await recordingWhere(
    lt(questionAnswers.deadlineAt, new Date(now.getTime() - DEADLINE_SLACK_MS)),
  );
  for (const qa of overdue) await handOver(qa, "time limit reached");

  const inProgress = await db.select({
    id: interviews.id,
    candidateSeenAt: interviews.candidateSeenAt,
    candidateDisconnectedAt: interviews.candidateDisconnectedAt,
  }).from(interviews).where(and(
    eq(interviews.status, "in_progress"),
    or(
      isNotNull(interviews.candidateDisconnectedAt),
      lt(interviews.candidateSeenAt, new Date(now.getTime() - PRESENCE_TIMEOUT_MS)),
    ),
  ));
  for (const interview of inProgress) {
    const since = awaySince(interview);
    if (since === null) continue;
    const away = now.getTime() - since;
    if (away > config.ABANDON_AFTER_S * 1000) {
      const [abandoned] = await db.update(interviews).set({
        status: "abandoned",
        updatedAt: now,
        completedAt: now,
      })
        .where(and(eq(interviews.id, interview.id), eq(interviews.status, "in_progress")))
        .returning({ id: interviews.id });
      if (abandoned) {
        log.info("interview abandoned", {
          interview_id: interview.id,
          away_s: Math.round(away / 1000),
        });
        bus.publish({
          interview_id: interview.id,
          type: "interview.completed",
          status: "abandoned",
        });
      }
    } else if (away > config.RECONNECT_GRACE_S * 1000) {
      const recording = await recordingWhere(eq(questionAnswers.interviewId, interview.id));
      for (const qa of recording) await handOver(qa, "the candidate left and did not come back");
    }
  }
}

/** Runs {@link sweep} every `intervalMs` until stopped. */
export function startSweeper(
  deps: Parameters<typeof sweep>[0] & Parameters<typeof removeLeftovers>[0],
  intervalMs = 2000,
): { stop(): Promise<void> } {
  let passes = 0;
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      const pass = passes++;
      if (pass % LEFTOVERS_EVERY === 0) {
        await removeLeftovers(deps).catch((error) =>
          log.error("could not remove leftover files", { error })
        );
      }
      await sweep(deps);
      if ((pass + 1) % PRUNE_EVERY === 0) await pruneEventPayloads(deps.db);
    }).catch((error) => log.error("sweep failed", { error }));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
