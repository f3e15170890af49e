/**
 * The retry loop for provider calls: a timeout per attempt, exponential
 * backoff that honours Retry-After, and a hard bound on the whole call, so
 * a broken provider can slow an interview down but never stall it.
 *
 * @module
 */

import { ProviderError } from "./provider_error.ts";

/** How hard to try. */
export interface RetryPolicy {
  /** Longest one attempt may take, in milliseconds. Timed-out attempts are not retried. */
  timeoutMs: number;
  /** Retries after the first attempt, for rate limits, 5xx, network errors and (once) malformed output. */
  maxRetries: number;
  /** First backoff wait in milliseconds; it doubles with each retry. */
  baseDelayMs?: number;
}

const DEFAULT_BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A model that returned unusable output twice is unlikely to do better a third time. */
const MAX_MALFORMED_RETRIES = 1;

const RETRYABLE = new Set(["rate_limited", "server_error", "network", "malformed_output"]);

/**
 * The most time a call under `policy` can take, waits included:
 * `timeoutMs × (maxRetries + 1)`.
 */
export function totalBudgetMs(policy: RetryPolicy): number {
  return policy.timeoutMs * (policy.maxRetries + 1);
}

/** Backoff before retry `retry` (1-based), with jitter so parallel jobs do not retry in lockstep. */
function backoffMs(policy: RetryPolicy, retry: number): number {
  const base = (policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS) * 2 ** (retry - 1);
  return Math.min(MAX_BACKOFF_MS, base) * (0.5 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds or fails for good. Each attempt gets an
 * AbortSignal that fires after `policy.timeoutMs` (or when the total budget
 * runs out); `classify` turns anything it throws into a
 * {@link ProviderError}. The attempt is also raced against that signal, so
 * code that ignores the signal cannot stall the call either.
 *
 * @param provider names the provider in messages, e.g. "openai:gpt-4.1-mini".
 * @throws {ProviderError} the last failure, with `attempts` set.
 */
export async function withRetries<T>(
  provider: string,
  policy: RetryPolicy,
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => ProviderError,
): Promise<T> {
  const deadline = performance.now() + totalBudgetMs(policy);
  let malformed = 0;
  for (let attemptNo = 1;; attemptNo++) {
    const limit = Math.max(0, Math.min(policy.timeoutMs, deadline - performance.now()));
    const controller = new AbortController();
    let failure: ProviderError;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ProviderError(
          "timeout",
          `no complete response from ${provider} within ${Math.round(limit)} ms`,
        );
        controller.abort(error);
        reject(error);
      }, limit);
    });
    try {
      return await Promise.race([attempt(controller.signal), timedOut]);
    } catch (error) {
      failure = controller.signal.aborted
        ? controller.signal.reason as ProviderError
        : classify(error);
    } finally {
      clearTimeout(timer);
    }
    failure.attempts = attemptNo;
    const retriesLeft = attemptNo <= policy.maxRetries;
    if (!RETRYABLE.has(failure.kind) || !retriesLeft) throw failure;
    if (failure.kind === "malformed_output" && ++malformed > MAX_MALFORMED_RETRIES) throw failure;
    const wait = failure.retryAfterMs ?? backoffMs(policy, attemptNo);
    const left = deadline - performance.now();
    if (wait >= left) {
      const stopped = new ProviderError(
        failure.kind,
        `${failure.message}; not retried: waiting ${Math.round(wait)} ms would pass the ${
          totalBudgetMs(policy)
        } ms budget`,
        { cause: failure, status: failure.status },
      );
      stopped.attempts = attemptNo;
      throw stopped;
    }
    await sleep(wait);
  }
}
