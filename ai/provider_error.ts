/**
 * One error type for everything that can go wrong with a remote AI provider,
 * classified so the retry loop knows what to retry and the fallback can
 * record a precise reason.
 *
 * @module
 */

/** What went wrong with a provider call. */
export type FailureKind =
  /** No complete response within the time limit. */
  | "timeout"
  /** HTTP 429: the provider asks us to slow down. */
  | "rate_limited"
  /** HTTP 5xx or 408: the provider failed on its side. */
  | "server_error"
  /** The provider could not be reached. */
  | "network"
  /** The response was not the JSON we asked for, or broke its rules. */
  | "malformed_output"
  /** The model declined to answer. */
  | "refusal"
  /** Any other 4xx: our request or credentials are wrong; retrying cannot help. */
  | "rejected"
  /** Anything else, e.g. a bug; never retried. */
  | "unexpected";

/** A failed provider call. Its message says what failed and, where it helps, what to check. */
export class ProviderError extends Error {
  override name = "ProviderError";
  /** What went wrong. */
  readonly kind: FailureKind;
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** How many attempts were made before giving up; set by the retry loop. */
  attempts = 1;

  constructor(
    kind: FailureKind,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** One line for logs and for `fallbackReason`, e.g. "server_error after 3 attempts: HTTP 500 …". */
  describe(): string {
    const tries = this.attempts > 1 ? ` after ${this.attempts} attempts` : "";
    return `${this.kind}${tries}: ${this.message}`;
  }
}

/** Short, single-line excerpt of provider text for messages; never the whole body. */
export function excerpt(text: unknown, maxChars = 200): string {
  const line = String(text ?? "").replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/**
 * Reads Retry-After (seconds or an HTTP date) or the non-standard
 * retry-after-ms, in milliseconds; undefined when absent or unreadable.
 */
export function retryAfterMs(
  headers: Headers | Record<string, string | undefined> | undefined,
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) ?? undefined : headers[name];
  const ms = Number.parseFloat(get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Classifies an HTTP error status from `provider`. Rate limits and 5xx carry
 * Retry-After for the retry loop; 401, 403 and 404 say which setting to check.
 */
export function errorForStatus(
  status: number,
  provider: string,
  detail: string,
  headers?: Headers | Record<string, string | undefined>,
): ProviderError {
  const what = `HTTP ${status} from ${provider}${detail ? ` (${excerpt(detail)})` : ""}`;
  if (status === 429) {
    return new ProviderError("rate_limited", what, {
      status,
      retryAfterMs: retryAfterMs(headers),
    });
  }
  if (status >= 500 || status === 408) {
    return new ProviderError("server_error", what, { status, retryAfterMs: retryAfterMs(headers) });
  }
  const hint = status === 401 || status === 403
    ? "; check the API key"
    : status === 404
    ? "; check the model name and base URL"
    : "";
  return new ProviderError("rejected", `${what}${hint}`, { status });
}
