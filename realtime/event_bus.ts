/**
 * Live events of interviews, delivered to every subscriber on every
 * instance: in process for the embedded database, through PostgreSQL
 * `LISTEN/NOTIFY` when several instances share a PostgreSQL.
 *
 * @module
 */
import postgres from "postgres";
import { z } from "zod";
import { eq, lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { eventPayloads } from "../db/schema.ts";
import { log } from "../log.ts";

/** An event about one interview; `type` says which (see docs/protocol.md, observers). */
export interface LiveEvent {
  interview_id: number;
  type: string;
  [field: string]: unknown;
}

/** Type of the events instances exchange to hand over staged media (media/staging_handoff.ts). */
export const STAGING_HANDOFF_EVENT = "staging.handoff";

/**
 * A hand-off of one answer's staged media between staging areas:
 * `request` asks the instances of staging area `area` to hand it over;
 * `moving` says the holder is uploading it (sent now and then, so a claimer
 * waits for a large upload instead of giving up); `done` says it is in the
 * object store. Instances only: never forwarded to observers or candidates.
 */
export const stagingHandoffEvent = z.object({
  interview_id: z.number().int().positive(),
  type: z.literal(STAGING_HANDOFF_EVENT),
  phase: z.enum(["request", "moving", "done"]),
  question_answer_id: z.number().int().positive(),
  question_id: z.number().int().positive(),
  /** The staging area asked (`request`) or acting (`moving`, `done`). */
  area: z.string().min(1).max(100),
});

/** A parsed {@link stagingHandoffEvent}. */
export type StagingHandoffEvent = z.infer<typeof stagingHandoffEvent>;

/** Event types between instances only, which nobody connected to the live channel sees. */
export const INTERNAL_EVENT_TYPES: ReadonlySet<string> = new Set([STAGING_HANDOFF_EVENT]);

/** Publishes and delivers live events. */
export interface EventBus {
  /** Sends `event` to all subscribers, on all instances, in publish order per instance. */
  publish(event: LiveEvent): void;
  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

function dispatch(listeners: Set<(event: LiveEvent) => void>, event: LiveEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      log.error("event listener failed", { type: event.type, error });
    }
  }
}

/** A bus for one process (the embedded database allows only one). */
export function createLocalBus(): EventBus {
  const listeners = new Set<(event: LiveEvent) => void>();
  return {
    // Delivered after the publisher returns, as over the network, so publishers never re-enter listeners.
    publish: (event) => queueMicrotask(() => dispatch(listeners, event)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => Promise.resolve(),
  };
}

const CHANNEL = "interviewer_events";
/** NOTIFY payloads must stay under 8000 bytes; keep a margin for the JSON array. */
const MAX_NOTIFY_BYTES = 7800;
const FLUSH_DELAY_MS = 10;

/** A notification carries events, or `{ref}` pointing at a stored one. */
type Envelope = LiveEvent | { ref: number; type?: undefined };

/**
 * A bus over PostgreSQL `LISTEN/NOTIFY`. Events are batched for a few
 * milliseconds into JSON arrays that fit a notification; an event too large
 * for one is stored in `event_payloads` and its id is sent instead.
 */
export async function createPostgresBus(url: string, db: Db): Promise<EventBus> {
  const listeners = new Set<(event: LiveEvent) => void>();
  // One connection for NOTIFY keeps this instance's events in order.
  const notifier = postgres(url, { max: 1, onnotice: () => {} });
  const listener = postgres(url, { max: 1, onnotice: () => {} });
  const encoder = new TextEncoder();

  async function receive(payload: string): Promise<void> {
    let envelopes: Envelope[];
    try {
      envelopes = JSON.parse(payload);
    } catch {
      log.warn("ignored a malformed event notification");
      return;
    }
    for (const envelope of envelopes) {
      if (envelope.type === undefined) {
        const [row] = await db.select({ payload: eventPayloads.payload }).from(eventPayloads)
          .where(eq(eventPayloads.id, envelope.ref));
        if (row) dispatch(listeners, row.payload as LiveEvent);
      } else {
        dispatch(listeners, envelope);
      }
    }
  }

  // Notifications may arrive faster than oversized ones are read back: keep order.
  let receiving = Promise.resolve();
  await listener.listen(CHANNEL, (payload) => {
    receiving = receiving.then(() => receive(payload)).catch((error) =>
      log.error("event delivery failed", { error })
    );
  });

  let queue: LiveEvent[] = [];
  let flushing = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  async function flush(events: LiveEvent[]): Promise<void> {
    let batch: string[] = [];
    let size = 2;
    const send = async () => {
      if (batch.length) await notifier.notify(CHANNEL, `[${batch.join(",")}]`);
      batch = [];
      size = 2;
    };
    for (const event of events) {
      let json = JSON.stringify(event);
      if (encoder.encode(json).byteLength > MAX_NOTIFY_BYTES - 2) {
        const [row] = await db.insert(eventPayloads).values({ payload: event }).returning({
          id: eventPayloads.id,
        });
        json = JSON.stringify({ ref: row.id });
      }
      const bytes = encoder.encode(json).byteLength + 1;
      if (size + bytes > MAX_NOTIFY_BYTES) await send();
      batch.push(json);
      size += bytes;
    }
    await send();
  }

  return {
    publish(event) {
      if (closed) return log.debug("event dropped: the bus is closed", { type: event.type });
      queue.push(event);
      timer ??= setTimeout(() => {
        timer = undefined;
        const events = queue;
        queue = [];
        flushing = flushing.then(() => flush(events)).catch((error) =>
          log.error("event publish failed", { error, events: events.length })
        );
      }, FLUSH_DELAY_MS);
    },
    subscribe(listenerFn) {
      listeners.add(listenerFn);
      return () => listeners.delete(listenerFn);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      if (queue.length) await flush(queue).catch(() => {});
      await flushing;
      await Promise.all([notifier.end({ timeout: 2 }), listener.end({ timeout: 2 })]);
    },
  };
}

/** Deletes stored oversized payloads older than `maxAgeMs`; every instance has read them by then. */
export async function pruneEventPayloads(db: Db, maxAgeMs = 3600_000): Promise<void> {
  await db.delete(eventPayloads).where(
    lt(eventPayloads.createdAt, new Date(Date.now() - maxAgeMs)),
  );
}
