/// <reference lib="dom" />
/**
 * Errors and scoring remarks in words a candidate understands. The API's
 * messages are written for developers (they name routes and fields), so the
 * candidate page shows its own sentence for each kind of failure and passes
 * a server message through only when it is plain text.
 *
 * @module
 */
import { ApiError } from "./api.ts";

/** Route names, field paths and snake_case identifiers are for developers, not candidates. */
const TECHNICAL = /\b(GET|POST|PUT|PATCH|DELETE)\b|\/[a-z_]+\/|\b[a-z]+_[a-z_]+\b|\w+\.\w+:/;

/**
 * What went wrong, for a candidate. `fallback` says what failed in the
 * page's words ("Your files could not be uploaded."), used whenever the
 * server's own message is not fit to show.
 */
export function plainMessage(error: unknown, fallback: string): string {
  if (!(error instanceof ApiError)) {
    // fetch throws TypeError when the server cannot be reached at all.
    return error instanceof TypeError
      ? `${fallback} The server could not be reached; check your connection and try again.`
      : fallback;
  }
  if (error.status === 401 && /token/i.test(error.message)) {
    return "Your session has ended. Reload the page and sign in again.";
  }
  if (error.status < 500 && !TECHNICAL.test(error.message)) return error.message;
  if (error.status === 413) return `${fallback} The file is too large.`;
  if (error.status === 429 || error.status === 503) {
    return `${fallback} The server is busy; try again in a minute.`;
  }
  if (error.status >= 500) return `${fallback} Something went wrong on our side; try again.`;
  return fallback;
}

/**
 * A scoring remark without the score's formula ("Score 6.3 = coverage
 * 5.4/7 + specificity 0.9/3."): candidates see what was covered and missed,
 * interviewers see the whole remark.
 */
export function candidateRemark(remark: string | null): string {
  return (remark ?? "").replace(/\s*Score \d+(\.\d+)? = .*?\.(?=\s|$)/, "").trim();
}
