/**
 * Validation of the optional planning settings shared by every engine:
 * difficulty and interview language.
 *
 * @module
 */

import type { Difficulty } from "./engine.ts";

/** Accepted difficulties, easiest first. */
export const DIFFICULTIES: readonly Difficulty[] = ["junior", "mid", "senior"];

/** Used when a request names no difficulty. */
export const DEFAULT_DIFFICULTY: Difficulty = "mid";

/** Used when a request names no language. */
export const DEFAULT_LANGUAGE = "en";

// A pragmatic subset of BCP-47: a primary tag and subtags, which is all we pass on.
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,3}$/i;

/**
 * Returns the difficulty, defaulting to "mid".
 *
 * @throws {RangeError} for any other value.
 */
export function resolveDifficulty(value: unknown): Difficulty {
  if (value === undefined || value === null) return DEFAULT_DIFFICULTY;
  if (DIFFICULTIES.includes(value as Difficulty)) return value as Difficulty;
  throw new RangeError(
    `difficulty must be one of ${DIFFICULTIES.join(", ")}, got ${JSON.stringify(value)}`,
  );
}

/**
 * Returns the language as a canonical BCP-47 tag ("de-ch" becomes "de-CH"),
 * defaulting to "en". Validating it matters because it is written into
 * model instructions.
 *
 * @throws {RangeError} when it is not a language tag like "en" or "pt-BR".
 */
export function resolveLanguage(value: unknown): string {
  if (value === undefined || value === null || value === "") return DEFAULT_LANGUAGE;
  if (typeof value === "string" && LANGUAGE_TAG.test(value)) {
    try {
      return Intl.getCanonicalLocales(value)[0];
    } catch {
      // Falls through to the error below: the pattern matched but the tag is not valid BCP-47.
    }
  }
  throw new RangeError(
    `language must be a BCP-47 tag like "en", "de" or "pt-BR", got ${JSON.stringify(value)}`,
  );
}

/** The language's English name for instructions, e.g. "German (Switzerland)". */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
