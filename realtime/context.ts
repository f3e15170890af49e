import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "./event_bus.ts";
import type { BatchInsert } from "./batch_insert.ts";
import type { proctoringEvents, transcriptSegments } from "../db/schema.ts";
import type { LiveCounters } from "../metrics.ts";
import type { ObjectStore } from "../media/object_store.ts";
import type { StagingHandoff } from "../media/staging_handoff.ts";

/** What realtime sessions need from the server around them. */
export interface RealtimeContext {
  config: Config;
  db: Db;
  bus: EventBus;
  /** Where finished files are kept (`STORAGE`), shared by every instance. */
  store: ObjectStore;
  /**
   * Brings an answer's staged media into this instance's `DATA_DIR` (from
   * the instance holding it) before its offsets are read or it is written.
   */
  staging: Pick<StagingHandoff, "claim">;
  /** Bytes of media a connection may have waiting to be written. */
  maxQueuedBytes: number;
  /** Tells this instance's job runner that work was queued. */
  pokeJobs(): void;
  presence: {
    /** Records `connectionId` as the candidate's current connection. */
    connected(interviewId: number, connectionId: string, at: Date): Promise<void>;
    /** Records the disconnection, unless a newer connection took over. */
    disconnected(interviewId: number, connectionId: string, at: Date): Promise<void>;
    /** Whether `connectionId` is still the candidate's current connection. */
    isCurrent(interviewId: number, connectionId: string): Promise<boolean>;
  };
  /** Batched inserts shared by all sessions of this instance. */
  inserts: {
    transcripts: BatchInsert<typeof transcriptSegments.$inferInsert>;
    proctoring: BatchInsert<typeof proctoringEvents.$inferInsert>;
  };
  /** Per-chunk counters for `/metrics`, bumped without allocating. */
  live: LiveCounters;
  /** Forgets a closed session. */
  unregister(session: { interviewId: number; user: { id: number } }): void;
}
