/**
 * Everything behind the live channel, started and stopped together: the
 * event bus, ffmpeg workers, the job runner that finalizes answers, the
 * sweeper, and the hub of connections.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { InterviewEngine } from "../ai/engine.ts";
import { createLocalBus, createPostgresBus, type EventBus } from "./event_bus.ts";
import { RealtimeHub } from "./hub.ts";
import { startSweeper } from "./sweeper.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { finalizeJobHandler } from "../media/finalize.ts";
import { FINALIZE_JOB } from "../media/finalize_job.ts";
import { type JobRunner, startJobRunner } from "../jobs/runner.ts";
import { REPORT_JOB, reportJobHandler } from "../jobs/report.ts";
import { createTranscriber } from "../ai/transcription.ts";
import type { Metrics } from "../metrics.ts";
import type { ObjectStore } from "../media/object_store.ts";
import { RETENTION_JOB, retentionJobHandler, startRetentionSchedule } from "../jobs/retention.ts";
import { StagingHandoff } from "../media/staging_handoff.ts";

/** The running live machinery of one instance. */
export interface LiveRuntime {
  hub: RealtimeHub;
  bus: EventBus;
  /**
   * Waits for running jobs and stops workers and the bus. Close the hub
   * first (`hub.close()`), before the HTTP server shuts down, so open
   * WebSockets do not hold the shutdown up.
   */
  stop(): Promise<void>;
}

/** Starts the live machinery on `database`, keeping finished files in `store`. */
export async function startLiveRuntime(
  config: Config,
  database: Database,
  engine: InterviewEngine,
  metrics: Metrics,
  store: ObjectStore,
  options: { sweepIntervalMs?: number } = {},
): Promise<LiveRuntime> {
  const { db } = database;
  const bus = config.DATABASE_URL
    ? await createPostgresBus(config.DATABASE_URL, db)
    : createLocalBus();
  const staging = await StagingHandoff.start({
    db,
    dataDir: config.DATA_DIR,
    store,
    bus,
    timeoutMs: config.STAGING_HANDOFF_TIMEOUT_S * 1000,
  });
  // With STORAGE=fs the store is this DATA_DIR: whoever could read a flush shares this
  // staging area already and needs none. Any other store is shared beyond it.
  const flushOnStop = config.STORAGE !== "fs";
  const ffmpeg = new FfmpegPool({ concurrency: config.FINALIZE_CONCURRENCY });
  // Handlers queue follow-on jobs (reports) on the runner that runs them.
  const pokeJobs = () => runner.poke();
  const runner: JobRunner = startJobRunner(
    db,
    {
      [FINALIZE_JOB]: finalizeJobHandler({
        db,
        dataDir: config.DATA_DIR,
        store,
        engine,
        ffmpeg,
        bus,
        transcriber: createTranscriber(config),
        pokeJobs,
        claimStaging: (qa) => staging.claim(qa),
      }),
      [REPORT_JOB]: reportJobHandler({ db, engine }),
      ...(config.RECORDING_RETENTION_DAYS && {
        [RETENTION_JOB]: retentionJobHandler({
          db,
          dataDir: config.DATA_DIR,
          store,
          retentionDays: config.RECORDING_RETENTION_DAYS,
        }),
      }),
    },
    config.FINALIZE_CONCURRENCY,
    metrics,
  );
  const hub = new RealtimeHub(config, db, bus, pokeJobs, metrics, store, staging);
  staging.writersClosed = (answer) => hub.writersClosed(answer);
  const sweeper = startSweeper(
    { db, config, bus, pokeJobs, store, stagingArea: staging.areaId },
    options.sweepIntervalMs,
  );
  const retention = config.RECORDING_RETENTION_DAYS ? startRetentionSchedule(db, pokeJobs) : null;
  return {
    hub,
    bus,
    async stop() {
      await sweeper.stop();
      retention?.stop();
      await runner.stop();
      // After the jobs: a finalization running here still reads its staging.
      if (flushOnStop) await staging.flush(hub.closedOnStop);
      staging.close();
      ffmpeg.close();
      await bus.close();
    },
  };
}
