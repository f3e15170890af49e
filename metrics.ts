/**
 * The service's Prometheus metrics (prom-client), one registry per service
 * instance so that several apps in one process (the tests) never collide.
 *
 * The live channel's per-chunk figures are plain numbers bumped on the hot
 * path and turned into metrics only when `/metrics` is scraped: prom-client's
 * `inc()` and `observe()` allocate label objects on every call.
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";
import { count } from "drizzle-orm";
import type { Database } from "./db/client.ts";
import { jobs } from "./db/schema.ts";
import { type StreamName, streamNames } from "./realtime/frame.ts";
import { log } from "./log.ts";

/** Upper bounds of the ack latency buckets, in seconds (fsync dominates). */
const ACK_LATENCY_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What the live channel counts per chunk, read when metrics are scraped. */
export interface LiveCounters {
  /** Media bytes stored, by stream kind. */
  receivedBytes: Record<StreamName, number>;
  /** Acks sent, by latency bucket (`ACK_LATENCY_BOUNDS`, then one past the last). */
  ackBuckets: Float64Array;
  /** Sum of ack latencies in seconds. */
  ackSeconds: number;
}

/** Every metric of one service instance. */
export interface Metrics {
  registry: Registry;
  /** HTTP requests by method, route pattern and status; `_count` is the request count. */
  httpDuration: Histogram<"method" | "route" | "status">;
  candidateConnections: Gauge;
  observerConnections: Gauge;
  live: LiveCounters;
  /** Jobs this instance is running now, by kind. */
  jobsRunning: Gauge<"kind">;
  /** Attempts this instance ran, by kind and outcome (`done`, `retry`, `failed`). */
  jobDuration: Histogram<"kind" | "outcome">;
  /** Engine calls by engine, operation and outcome (`ok`, `fallback`, `error`). */
  aiCalls: Counter<"engine" | "operation" | "outcome">;
}

/** Records one ack that took `seconds` from the chunk's arrival; allocates nothing. */
export function recordAck(live: LiveCounters, seconds: number): void {
  let bucket = 0;
  while (bucket < ACK_LATENCY_BOUNDS.length && seconds > ACK_LATENCY_BOUNDS[bucket]) bucket++;
  live.ackBuckets[bucket]++;
  live.ackSeconds += seconds;
}

/**
 * The ack latency histogram, exported from `LiveCounters` at scrape time.
 * prom-client's Histogram cannot be given counts, so this is a metric object
 * of the shape the registry reads (`get()`, as its own metrics have).
 */
function ackLatencyMetric(live: LiveCounters): Metric {
  const name = "interviewer_live_ack_latency_seconds";
  const metric = {
    name,
    help: "Time from a media chunk's arrival to its ack (it is on disk then); _count is acks sent",
    type: "histogram",
    aggregator: "sum",
    reset() {
      live.ackBuckets.fill(0);
      live.ackSeconds = 0;
    },
    get() {
      const values: {
        metricName: string;
        labels: Record<string, string | number>;
        value: number;
      }[] = [];
      let cumulative = 0;
      live.ackBuckets.forEach((count, i) => {
        cumulative += count;
        const le = i < ACK_LATENCY_BOUNDS.length ? ACK_LATENCY_BOUNDS[i] : "+Inf";
        values.push({ metricName: `${name}_bucket`, labels: { le }, value: cumulative });
      });
      values.push(
        { metricName: `${name}_sum`, labels: {}, value: live.ackSeconds },
        { metricName: `${name}_count`, labels: {}, value: cumulative },
      );
      return Promise.resolve({
        name,
        help: metric.help,
        type: "histogram",
        aggregator: "sum",
        values,
      });
    },
  };
  return metric as unknown as Metric;
}

/**
 * Creates the metrics of one service instance on `database`. Jobs waiting,
 * running and failed are counted in the database at scrape time: the queue
 * is shared by every instance, so each reports the same totals.
 */
export function createMetrics(database: Database): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const live: LiveCounters = {
    receivedBytes: { camera: 0, screen: 0, audio: 0 },
    ackBuckets: new Float64Array(ACK_LATENCY_BOUNDS.length + 1),
    ackSeconds: 0,
  };
  new Counter({
    name: "interviewer_live_received_bytes_total",
    help: "Media bytes received and stored from candidates, by stream kind",
    labelNames: ["stream"],
    registers,
    collect() {
      this.reset();
      for (const stream of streamNames) this.inc({ stream }, live.receivedBytes[stream]);
    },
  });
  registry.registerMetric(ackLatencyMetric(live));
  new Gauge({
    name: "interviewer_jobs",
    help: "Jobs in the database (shared by all instances), by kind and status",
    labelNames: ["kind", "status"],
    registers,
    async collect() {
      this.reset();
      try {
        const rows = await database.db.select({
          kind: jobs.kind,
          status: jobs.status,
          count: count(),
        }).from(jobs).groupBy(jobs.kind, jobs.status);
        for (const row of rows) this.set({ kind: row.kind, status: row.status }, row.count);
      } catch (error) {
        // The other metrics still tell what is wrong, e.g. statements piling up.
        log.warn("metrics: jobs not counted", { error });
      }
    },
  });
  new Gauge({
    name: "interviewer_db_pool_size",
    help: "Database connections this instance may open (PGlite: 1)",
    registers,
    collect() {
      this.set(database.load.connections);
    },
  });
  new Gauge({
    name: "interviewer_db_in_flight",
    help: "Database statements and transactions of this instance started and not yet settled; " +
      "those beyond interviewer_db_pool_size wait for a connection",
    registers,
    collect() {
      this.set(database.load.inFlight);
    },
  });
  return {
    registry,
    httpDuration: new Histogram({
      name: "interviewer_http_request_duration_seconds",
      help: "HTTP requests by method, route pattern (unmatched: no route) and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    candidateConnections: new Gauge({
      name: "interviewer_live_candidate_connections",
      help: "Open candidate WebSocket connections on this instance",
      registers,
    }),
    observerConnections: new Gauge({
      name: "interviewer_live_observer_connections",
      help: "Open observer WebSocket connections on this instance",
      registers,
    }),
    live,
    jobsRunning: new Gauge({
      name: "interviewer_jobs_running",
      help: "Jobs (answer finalization, reports) running on this instance, by kind",
      labelNames: ["kind"],
      registers,
    }),
    jobDuration: new Histogram({
      name: "interviewer_job_duration_seconds",
      help: "Job attempts run on this instance by kind and outcome (done, retry, failed)",
      labelNames: ["kind", "outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    aiCalls: new Counter({
      name: "interviewer_ai_calls_total",
      help: "Interview engine calls by engine, operation and outcome (ok, fallback, error)",
      labelNames: ["engine", "operation", "outcome"],
      registers,
    }),
  };
}
