/**
 * Runs queued jobs in the background with bounded concurrency, off the
 * request and WebSocket paths.
 *
 * @module
 */
import type { Db } from "../db/client.ts";
import { claimJob, extendLease, failJob, type JobRow } from "./queue.ts";
import { log } from "../log.ts";
import type { Metrics } from "../metrics.ts";

/** Runs one job; throwing makes it retry. `lastAttempt` is true when no retry follows. */
export type JobHandler = (job: JobRow, context: { lastAttempt: boolean }) => Promise<void>;

const LEASE_MS = 120_000;
const POLL_MS = 1000;

/** A running job runner. */
export interface JobRunner {
  /** Looks for work now instead of at the next poll (after an enqueue on this instance). */
  poke(): void;
  /** Stops claiming jobs and waits for those running. */
  stop(): Promise<void>;
}

/**
 * Starts a runner for `handlers` (by job kind), running at most `concurrency`
 * jobs at once, and counting them in `metrics` when given.
 */
export function startJobRunner(
  db: Db,
  handlers: Record<string, JobHandler>,
  concurrency: number,
  metrics?: Metrics,
): JobRunner {
  const kinds = Object.keys(handlers);
  const running = new Set<Promise<void>>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let filling = false;

  async function run(job: JobRow): Promise<void> {
    const started = performance.now();
    let outcome = "done";
    metrics?.jobsRunning.inc({ kind: job.kind });
    const lease = setInterval(() => {
      extendLease(db, job.id, LEASE_MS).catch((error) =>
        log.warn("lease extension failed", { job_id: job.id, error })
      );
    }, LEASE_MS / 3);
    try {
      await handlers[job.kind](job, { lastAttempt: job.attempts >= job.maxAttempts });
      log.info("job done", {
        job_id: job.id,
        kind: job.kind,
        ms: Math.round(performance.now() - started),
      });
    } catch (error) {
      // Should recording the failure fail too, the lease runs out and the job runs again.
      outcome = "retry";
      const gaveUp = await failJob(db, job, error instanceof Error ? error.message : String(error));
      if (gaveUp) outcome = "failed";
      log.error("job failed", {
        job_id: job.id,
        kind: job.kind,
        attempt: job.attempts,
        gave_up: gaveUp,
        error,
      });
    } finally {
      clearInterval(lease);
      metrics?.jobsRunning.dec({ kind: job.kind });
      metrics?.jobDuration.observe(
        { kind: job.kind, outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  async function fill(): Promise<void> {
    if (filling || stopped) return;
    filling = true;
    try {
      while (!stopped && running.size < concurrency) {
        const job = await claimJob(db, kinds, LEASE_MS);
        if (!job) break;
        const task = run(job).finally(() => {
          running.delete(task);
          schedule(0);
        });
        running.add(task);
      }
    } catch (error) {
      log.error("job claim failed", { error });
    } finally {
      filling = false;
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => fill().finally(() => schedule(POLL_MS)), delay);
  }

  schedule(0);
  return {
    poke: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
