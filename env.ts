/**
 * Validation of environment variables against a zod schema, shared by the
 * service configuration and the AI configuration.
 *
 * @module
 */
import type { z } from "zod";

/**
 * Validates `env` with `schema`. Empty values count as unset, so `FOO=` in
 * a `.env` file falls back to the default. On failure, `makeError` gets one
 * line naming the first invalid variable and what is allowed; values of
 * keys, secrets and passwords are never shown.
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
  makeError: (message: string) => Error,
  include: (name: string) => boolean = () => true,
): z.output<T> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (include(key) && value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0] ?? "configuration");
  const shown = name in cleaned && !/KEY|SECRET|PASSWORD/.test(name)
    ? ` (got "${cleaned[name]}")`
    : "";
  throw makeError(`Invalid ${name}${shown}: ${issue.message}`);
}
