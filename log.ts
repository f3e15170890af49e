/**
 * Structured logging: one JSON object per line on stdout (errors on stderr),
 * so logs can be shipped and queried without parsing prose.
 *
 * @module
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold = severity.info;

/** Sets the lowest level that is written. */
export function setLogLevel(level: LogLevel): void {
  threshold = severity[level];
}

/**
 * An error as a log field. A failed query (drizzle's DrizzleQueryError,
 * which has `query` and `params`) puts its parameters, which are candidate
 * text, into its message and stack; it is logged as the statement, the
 * database's error code and message, and a stack without that message.
 * Messages of data exceptions (SQLSTATE class 22) quote the offending value,
 * so for those only the code is kept.
 */
function errorField(error: Error): Record<string, unknown> {
  if (!("query" in error && "params" in error)) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const quotesValue = code === undefined || code.startsWith("22");
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return {
    name: error.name,
    message: `Failed query: ${String(error.query)}`,
    code,
    cause: !quotesValue && typeof cause?.message === "string" ? cause.message : undefined,
    stack: frames.join("\n"),
  };
}

function write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (severity[level] < threshold) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [key, value] of Object.entries(fields ?? {})) {
    entry[key] = value instanceof Error ? errorField(value) : value;
  }
  const line = JSON.stringify(entry);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** The service logger. Fields are merged into the JSON line. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
