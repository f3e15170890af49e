/**
 * Error responses in FastAPI's shapes: `{detail: "..."}` for ordinary errors
 * and `{detail: [{loc, msg, type}]}` with status 422 for invalid input.
 *
 * @module
 */
import type { z } from "zod";

/** An error that becomes an HTTP response with `{detail}`. Throw it from any handler. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly detail: string | ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : "Request validation failed");
  }
}

/** One entry of a 422 response's `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Where a validated value came from, the first element of `loc`. */
export type InputSource = "body" | "query" | "path" | "header";

function issueType(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return input === undefined ? "missing" : `${issue.expected}_type`;
    case "too_small":
      return issue.origin === "string" ? "string_too_short" : "greater_than_equal";
    case "too_big":
      return issue.origin === "string" ? "string_too_long" : "less_than_equal";
    case "invalid_value":
      return "enum";
    case "invalid_format":
      return "string_pattern_mismatch";
    case "unrecognized_keys":
      return "extra_forbidden";
    default:
      return issue.code;
  }
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Converts zod issues into FastAPI-style validation issues. */
export function toValidationIssues(
  source: InputSource,
  error: z.ZodError,
  input: unknown,
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const value = valueAt(input, issue.path);
    const type = issueType(issue, value);
    return {
      loc: [source, ...issue.path.map((p) => typeof p === "number" ? p : String(p))],
      msg: type === "missing" ? "Field required" : issue.message,
      type,
    };
  });
}

/** A 422 error for the given issues. */
export function validationError(issues: ValidationIssue[]): HttpError {
  return new HttpError(422, issues);
}
