/**
 * This instance's live connections: candidate sessions by interview and
 * observers, fed from the event bus, with presence heartbeats.
 *
 * @module
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { interviews, proctoringEvents, transcriptSegments } from "../db/schema.ts";
import { BatchInsert } from "./batch_insert.ts";
import type { AuthUser } from "../http/api.ts";
import { type EventBus, INTERNAL_EVENT_TYPES, type LiveEvent } from "./event_bus.ts";
import type { RealtimeContext } from "./context.ts";
import { CandidateSession, CloseCode } from "./candidate_session.ts";
import { ObserverSession } from "./observer_session.ts";
import { log } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import type { ObjectStore } from "../media/object_store.ts";
import type { StagedAnswerRef, StagingHandoff } from "../media/staging_handoff.ts";

const HEARTBEAT_MS = 10_000;

/** Event type published when users or interviews are deleted ({@link deletedEvent}). */
const DELETED = "deleted";

/**
 * The event that makes every instance close the live connections of
 * deleted users and interviews (candidates and observers alike); it is not
 * forwarded to anyone.
 */
export function deletedEvent(deleted: { userIds: number[]; interviewIds: number[] }): LiveEvent {
  return {
    interview_id: 0,
    type: DELETED,
    user_ids: deleted.userIds,
    interview_ids: deleted.interviewIds,
  };
}

/** Owns the live connections of this instance. */
export class RealtimeHub implements RealtimeContext {
  readonly maxQueuedBytes: number;
  private readonly candidates = new Map<number, Set<CandidateSession>>();
  private readonly connectionsPerUser = new Map<number, number>();
  private readonly observers = new Set<ObserverSession>();
  /** The user of each observer, so that a deleted user's connections can be closed. */
  private readonly observerUsers = new WeakMap<ObserverSession, number>();
  private readonly unsubscribe: () => void;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  readonly inserts: RealtimeContext["inserts"];
  readonly live: RealtimeContext["live"];
  /** Ids of the candidate connections {@link close} closed, for the flush on stop. */
  readonly closedOnStop = new Set<string>();

  constructor(
    readonly config: Config,
    readonly db: Db,
    readonly bus: EventBus,
    readonly pokeJobs: () => void,
    private readonly metrics: Metrics,
    readonly store: ObjectStore,
    readonly staging: Pick<StagingHandoff, "claim">,
  ) {
    this.live = metrics.live;
    // At least one largest frame must fit, or nothing could ever be accepted.
    this.maxQueuedBytes = Math.max(config.MAX_QUEUED_KB, config.MAX_FRAME_KB + 1) * 1024;
    this.unsubscribe = bus.subscribe((event) => this.dispatch(event));
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.inserts = {
      transcripts: new BatchInsert(async (rows) => {
        await db.insert(transcriptSegments).values(rows);
      }),
      proctoring: new BatchInsert(async (rows) => {
        await db.insert(proctoringEvents).values(rows);
      }),
    };
  }

  readonly presence = {
    connected: async (interviewId: number, connectionId: string, at: Date) => {
      await this.db.update(interviews)
        .set({
          candidateConnectionId: connectionId,
          candidateSeenAt: at,
          candidateDisconnectedAt: null,
        })
        .where(eq(interviews.id, interviewId));
    },
    disconnected: async (interviewId: number, connectionId: string, at: Date) => {
      await this.db.update(interviews).set({ candidateDisconnectedAt: at })
        .where(
          and(eq(interviews.id, interviewId), eq(interviews.candidateConnectionId, connectionId)),
        );
    },
    isCurrent: async (interviewId: number, connectionId: string) => {
      const [row] = await this.db.select({ id: interviews.candidateConnectionId }).from(interviews)
        .where(eq(interviews.id, interviewId));
      return row?.id === connectionId;
    },
  };

  private async beat(): Promise<void> {
    const ids = [...this.candidates.keys()];
    if (ids.length === 0) return;
    try {
      await this.db.update(interviews).set({ candidateSeenAt: new Date() }).where(
        inArray(interviews.id, ids),
      );
    } catch (error) {
      log.warn("presence heartbeat failed", { error });
    }
  }

  private dispatch(event: LiveEvent): void {
    if (event.type === DELETED) return this.closeDeleted(event);
    if (INTERNAL_EVENT_TYPES.has(event.type)) return;
    for (const session of this.candidates.get(event.interview_id) ?? []) session.onEvent(event);
    for (const observer of this.observers) observer.onEvent(event);
  }

  private closeDeleted(event: LiveEvent): void {
    const users = new Set(event.user_ids as number[]);
    const interviewIds = new Set(event.interview_ids as number[]);
    for (const [interviewId, sessions] of this.candidates) {
      for (const session of sessions) {
        if (interviewIds.has(interviewId) || users.has(session.user.id)) {
          session.close(CloseCode.policy, "the interview or account was deleted");
        }
      }
    }
    for (const observer of this.observers) {
      const userId = this.observerUsers.get(observer);
      if (
        (observer.interviewId !== null && interviewIds.has(observer.interviewId)) ||
        (userId !== undefined && users.has(userId))
      ) observer.close(CloseCode.policy, "the interview or account was deleted");
    }
  }

  /**
   * Resolves once no candidate connection of this instance writes `answer`
   * any more (a newer connection elsewhere closes it with 4000), so that its
   * staging can be handed over.
   */
  async writersClosed(answer: StagedAnswerRef): Promise<void> {
    const writing = [...this.candidates.get(answer.interviewId) ?? []]
      .filter((session) => session.writes(answer.id));
    await Promise.all(writing.map((session) => session.done));
  }

  /** How many candidate connections `userId` has open on this instance. */
  connectionsOf(userId: number): number {
    return this.connectionsPerUser.get(userId) ?? 0;
  }

  /** Takes over an upgraded socket as the candidate's session of `interviewId`. */
  acceptCandidate(socket: WebSocket, user: AuthUser, interviewId: number): void {
    const session = new CandidateSession(socket, this, user, interviewId);
    let sessions = this.candidates.get(interviewId);
    if (!sessions) this.candidates.set(interviewId, sessions = new Set());
    sessions.add(session);
    this.connectionsPerUser.set(user.id, this.connectionsOf(user.id) + 1);
    this.metrics.candidateConnections.inc();
  }

  /** Takes over an upgraded socket as user `userId`'s observer (of one interview, or all when null). */
  acceptObserver(socket: WebSocket, interviewId: number | null, userId: number): void {
    this.metrics.observerConnections.inc();
    const observer = new ObserverSession(socket, this.db, interviewId, (o) => {
      this.observers.delete(o);
      this.metrics.observerConnections.dec();
    }, {
      maxBacklog: this.config.MAX_QUEUED_MESSAGES,
      maxOutboundBytes: this.config.MAX_OUTBOUND_KB * 1024,
    });
    this.observerUsers.set(observer, userId);
    this.observers.add(observer);
  }

  unregister(session: { interviewId: number; user: { id: number } }): void {
    const sessions = this.candidates.get(session.interviewId);
    if (sessions?.delete(session as CandidateSession) && sessions.size === 0) {
      this.candidates.delete(session.interviewId);
    }
    this.metrics.candidateConnections.dec();
    const count = this.connectionsOf(session.user.id) - 1;
    if (count > 0) this.connectionsPerUser.set(session.user.id, count);
    else this.connectionsPerUser.delete(session.user.id);
  }

  /**
   * Closes every connection (the server is going away; clients reconnect
   * elsewhere) and waits a little for the sessions to record that.
   */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const closing: Promise<void>[] = [];
    for (const sessions of this.candidates.values()) {
      for (const session of sessions) {
        session.close(CloseCode.goingAway, "server shutting down");
        closing.push(session.done);
        this.closedOnStop.add(session.id);
      }
    }
    for (const observer of this.observers) {
      observer.close(CloseCode.goingAway, "server shutting down");
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(closing),
      new Promise((resolve) => timer = setTimeout(resolve, 2000)),
    ]);
    clearTimeout(timer);
    await Promise.all([this.inserts.transcripts.flush(), this.inserts.proctoring.flush()]);
    this.unsubscribe();
  }
}
