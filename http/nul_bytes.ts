/**
 * Refuses U+0000 in request strings. PostgreSQL `text` cannot store it, so a
 * NUL byte that reached a query would fail there as a 500; it is invalid
 * input and answered as such.
 *
 * @module
 */
import type { InputSource, ValidationIssue } from "./errors.ts";

/**
 * A 422 issue for every string (or object key) in `value` that contains
 * U+0000, located like zod's issues. The walk is iterative so that deeply
 * nested JSON cannot overflow the stack.
 */
export function nulByteIssues(source: InputSource, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === "string") {
      if (value.includes("\0")) {
        issues.push({
          loc: [source, ...path],
          msg: "must not contain the NUL character (U+0000); remove it and send again",
          type: "string_nul_character",
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: [...path, index] }));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        pending.push({ value: key, path });
        pending.push({ value: item, path: [...path, key] });
      }
    }
  }
  return issues;
}
