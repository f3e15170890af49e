/**
 * Service configuration, read from the environment (and `.env` when present)
 * and validated once at start.
 *
 * @module
 */
import { z } from "zod";
import { aiConfigShape, refineAiConfig } from "./ai/config.ts";
import { parseEnv } from "./env.ts";

const booleanString = z.enum(["true", "false", "1", "0"]).transform((v) =>
  v === "true" || v === "1"
);

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().regex(
    /^postgres(ql)?:\/\//,
    "must start with postgres:// or postgresql://",
  )
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_TTL_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(60 * 12),
  CORS_ORIGINS: z.string().default("*").transform((value, ctx) => {
    const origins = value.split(",").map((o) => o.trim()).filter(Boolean);
    for (const origin of origins) {
      if (origin === "*") continue;
      try {
        if (new URL(origin).origin !== origin) throw new Error();
      } catch {
        ctx.addIssue({
          code: "custom",
          message: `"${origin}" is not an origin like https://app.example.com or *`,
        });
      }
    }
    return origins;
  }),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(10),
  ADMIN_USERNAME: z.string().min(3).max(50).optional(),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(128).optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  ANSWER_TIME_LIMIT_S: z.coerce.number().int().min(10).max(3 * 3600).default(300),
  RECONNECT_GRACE_S: z.coerce.number().int().min(1).max(3600).default(60),
  ABANDON_AFTER_S: z.coerce.number().int().min(10).max(7 * 86400).default(1800),
  MAX_FRAME_KB: z.coerce.number().int().min(16).max(64 * 1024).default(4096),
  MAX_QUEUED_KB: z.coerce.number().int().min(64).max(1024 * 1024).default(16 * 1024),
  MAX_ANSWER_MB: z.coerce.number().int().min(1).max(100 * 1024).default(2048),
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(100).default(4),
  FINALIZE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  AI_MAX_FOLLOW_UPS: z.coerce.number().int().min(0).max(5).default(0),
  // Live channel, per connection: messages waiting to be handled, unread replies, error streak.
  MAX_QUEUED_MESSAGES: z.coerce.number().int().min(16).max(1_000_000).default(4096),
  MAX_OUTBOUND_KB: z.coerce.number().int().min(16).max(1024 * 1024).default(4096),
  MAX_ERROR_REPLIES: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  MAX_BODY_KB: z.coerce.number().int().min(1).max(1024 * 1024).default(64),
  PASSWORD_QUEUE_MAX: z.coerce.number().int().min(0).max(10_000).default(32),
  AUTH_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  // Front door (http/front_door.ts): limits on connections before and between requests.
  HEADER_TIMEOUT_S: z.coerce.number().positive().max(300).default(10),
  IDLE_TIMEOUT_S: z.coerce.number().min(61, "must be longer than the 60 s WebSocket ping interval")
    .max(86400).default(120),
  MAX_HEADER_KB: z.coerce.number().int().min(1).max(1024).default(16),
  MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(256),
  // Uploaded documents (documents/document_reader.ts, db/documents.ts): reading limits and quota.
  DOCUMENT_MAX_PAGES: z.coerce.number().int().min(1).max(100_000).default(200),
  DOCUMENT_READ_TIMEOUT_S: z.coerce.number().positive().max(600).default(20),
  DOCUMENT_READ_MEMORY_MB: z.coerce.number().int().min(96).max(64 * 1024).default(256),
  DOCUMENT_READ_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  DOCUMENT_READ_QUEUE: z.coerce.number().int().min(0).max(10_000).default(8),
  MAX_DOCUMENTS_PER_USER: z.coerce.number().int().min(5).max(1_000_000).default(100),
  MAX_DOCUMENT_MB_PER_USER: z.coerce.number().positive().max(1024 * 1024).default(200),
  // Recordings of interviews that ended this many days ago are deleted (jobs/retention.ts).
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  // Bearer token that /metrics requires; unset leaves /metrics open, as exporters usually are.
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // How long an instance waits for another one to hand over an answer's staged media
  // (media/staging_handoff.ts) before the candidate is told to retry (1013).
  STAGING_HANDOFF_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(10),
  // Where uploaded documents are kept (media/object_store.ts): DATA_DIR or an S3 bucket.
  STORAGE: z.enum(["fs", "s3"]).default("fs"),
  S3_ENDPOINT: z.url("must be a URL like http://minio:9000").optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanString.default(false),
  ...aiConfigShape,
  TRUST_PROXY: booleanString.default(false),
}).refine((c) => (c.ADMIN_USERNAME === undefined) === (c.ADMIN_PASSWORD === undefined), {
  message: "set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither",
  path: ["ADMIN_PASSWORD"],
}).superRefine(refineAiConfig).superRefine(refineStorageConfig);

/** With `STORAGE=s3`, the bucket and the credentials must be set. */
function refineStorageConfig(
  config: {
    STORAGE: "fs" | "s3";
    S3_BUCKET?: string;
    S3_ACCESS_KEY_ID?: string;
    S3_SECRET_ACCESS_KEY?: string;
  },
  ctx: z.RefinementCtx,
): void {
  if (config.STORAGE !== "s3") return;
  for (const name of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
    if (config[name] !== undefined) continue;
    ctx.addIssue({
      code: "custom",
      path: [name],
      message: "required when STORAGE=s3; set it, or set STORAGE=fs to keep files in DATA_DIR",
    });
  }
}

/** Validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** Raised when the environment holds an invalid value; its message is one line. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Validates a map of environment variables. Empty strings count as unset so
 * that `FOO=` in a `.env` file falls back to the default.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env, (message) => new ConfigError(message));
}

/**
 * Parses the text of a `.env` file: `KEY=value` lines, `#` comments, optional
 * `export ` prefix, and single or double quotes around values.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, "");
    values[match[1]] = value;
  }
  return values;
}

/**
 * Loads the configuration: `.env` in the working directory supplies values
 * that the real environment does not set.
 */
export async function loadConfig(): Promise<Config> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotEnv(await Deno.readTextFile(".env"));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return parseConfig({ ...fromFile, ...Deno.env.toObject() });
}
