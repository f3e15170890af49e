/**
 * Watches `/health` while an attack runs: one request at a time, each with a
 * deadline, so the adversarial tests and `bench/abuse.ts` can tell whether the
 * service kept answering other people.
 *
 * @module
 */

/** What a watch saw between its start and its stop. */
export interface HealthReport {
  /** Requests sent. */
  requests: number;
  /** Requests that failed or did not answer 200 before the deadline. */
  failures: number;
  /** Latencies of every request in milliseconds (a failure counts as its time until it failed). */
  latenciesMs: number[];
  /** The slowest request, in milliseconds. */
  maxMs: number;
  /** 99th percentile latency, in milliseconds. */
  p99Ms: number;
  /** The first failure's reason, if any. */
  firstFailure?: string;
}

/** A running watch. */
export interface HealthWatch {
  /** Stops watching and reports. */
  stop(): Promise<HealthReport>;
}

/** The `p`-th percentile (0–100) of `values`, by nearest rank; 0 when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Polls `${base}/health` every `intervalMs` until stopped. A request that takes
 * longer than `deadlineMs` is aborted and counted as a failure.
 */
export function watchHealth(
  base: string,
  { intervalMs = 100, deadlineMs = 1000 }: { intervalMs?: number; deadlineMs?: number } = {},
): HealthWatch {
  const report: HealthReport = {
    requests: 0,
    failures: 0,
    latenciesMs: [],
    maxMs: 0,
    p99Ms: 0,
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      report.requests++;
      try {
        // A fresh connection each time, as a new visitor would open one.
        const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
        try {
          const response = await fetch(`${base}/health`, {
            client,
            signal: AbortSignal.timeout(deadlineMs),
          });
          await response.body?.cancel();
          if (response.status !== 200) throw new Error(`status ${response.status}`);
        } finally {
          client.close();
        }
      } catch (error) {
        report.failures++;
        report.firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(
          error,
        );
      }
      const elapsed = performance.now() - started;
      report.latenciesMs.push(elapsed);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      report.maxMs = Math.max(0, ...report.latenciesMs);
      report.p99Ms = percentile(report.latenciesMs, 99);
      return report;
    },
  };
}

/**
 * Throws unless every `/health` request answered 200 within `deadlineMs`;
 * the message names the attack and what was seen.
 */
export function assertStayedHealthy(attack: string, report: HealthReport, deadlineMs = 1000) {
  if (report.requests === 0) throw new Error(`${attack}: /health was never asked`);
  if (report.failures > 0 || report.maxMs > deadlineMs) {
    throw new Error(
      `${attack}: /health failed ${report.failures} of ${report.requests} times, slowest ${
        Math.round(report.maxMs)
      } ms (first failure: ${report.firstFailure ?? "none"})`,
    );
  }
}
