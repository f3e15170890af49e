/**
 * Configuration of the AI providers, read from the environment. Self-contained
 * so that it can be merged into the service configuration: spread
 * {@link aiConfigShape} into the service schema and add
 * {@link refineAiConfig} as a `superRefine`.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `AI_PROVIDER` | `offline` | `offline`, `openai`, `anthropic` or `openai-compatible` |
 * | `AI_BASE_URL` | the provider's | API base URL, e.g. `http://localhost:11434/v1`; required for `openai-compatible` |
 * | `AI_MODEL` | `gpt-4.1-mini` / `claude-haiku-4-5` | model id; required for `openai-compatible` |
 * | `AI_API_KEY` | none | required for `openai` and `anthropic` |
 * | `AI_TIMEOUT_MS` | 30000 | longest one request to the provider may take |
 * | `AI_MAX_RETRIES` | 2 | retries after a 429, 5xx or network error |
 * | `AI_TRANSCRIPTION_MODEL` | none | e.g. `whisper-1`; server-side transcription is off without it |
 * | `AI_TRANSCRIPTION_BASE_URL` | `AI_BASE_URL`, else `https://api.openai.com/v1` | OpenAI-compatible audio API |
 * | `AI_TRANSCRIPTION_API_KEY` | `AI_API_KEY` | key for the audio API |
 * | `AI_TRANSCRIPTION_TIMEOUT_MS` | 120000 | longest one transcription request may take |
 *
 * @module
 */
import { z } from "zod";
import { parseEnv } from "../env.ts";

/** The supported providers. */
export const AI_PROVIDERS = ["offline", "openai", "anthropic", "openai-compatible"] as const;

/** A supported provider. */
export type AiProvider = typeof AI_PROVIDERS[number];

/** Models used when `AI_MODEL` is unset; cheap ones that support structured output. */
export const DEFAULT_MODELS: Readonly<Record<"openai" | "anthropic", string>> = {
  openai: "gpt-4.1-mini",
  anthropic: "claude-haiku-4-5",
};

/** Where OpenAI's API lives; the transcription default when no base URL is set. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}, "must be an http:// or https:// URL, e.g. https://api.openai.com/v1")
  // The SDKs append paths like "/chat/completions" themselves.
  .transform((value) => value.replace(/\/+$/, ""));

const modelId = z.string().min(1).max(200);

/** The AI variables, ready to spread into a larger `z.object`. */
export const aiConfigShape = {
  AI_PROVIDER: z.enum(AI_PROVIDERS).default("offline"),
  AI_BASE_URL: httpUrl.optional(),
  AI_MODEL: modelId.optional(),
  AI_API_KEY: z.string().min(1).optional(),
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  AI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  AI_TRANSCRIPTION_MODEL: modelId.optional(),
  AI_TRANSCRIPTION_BASE_URL: httpUrl.optional(),
  AI_TRANSCRIPTION_API_KEY: z.string().min(1).optional(),
  AI_TRANSCRIPTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(1_800_000).default(120_000),
};

/** Validated AI configuration; any object with these fields will do, e.g. the service config. */
export type AiConfig = z.output<z.ZodObject<typeof aiConfigShape>>;

/** Cross-field rules: what each provider needs. Issues name the variable to set. */
export function refineAiConfig(config: AiConfig, ctx: z.RefinementCtx): void {
  const provider = config.AI_PROVIDER;
  if ((provider === "openai" || provider === "anthropic") && !config.AI_API_KEY) {
    ctx.addIssue({
      code: "custom",
      path: ["AI_API_KEY"],
      message: `required when AI_PROVIDER=${provider}; set it to your ${
        provider === "openai" ? "OpenAI" : "Anthropic"
      } API key, or set AI_PROVIDER=offline`,
    });
  }
  if (provider === "openai-compatible") {
    if (!config.AI_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["AI_BASE_URL"],
        message:
          "required when AI_PROVIDER=openai-compatible; set it to the server's API root, e.g. http://localhost:11434/v1",
      });
    }
    if (!config.AI_MODEL) {
      ctx.addIssue({
        code: "custom",
        path: ["AI_MODEL"],
        message:
          "required when AI_PROVIDER=openai-compatible; set it to a model the server serves, e.g. llama3.1",
      });
    }
  }
  if (
    config.AI_TRANSCRIPTION_MODEL && transcriptionBaseUrl(config) === OPENAI_BASE_URL &&
    !(config.AI_TRANSCRIPTION_API_KEY ?? config.AI_API_KEY)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["AI_TRANSCRIPTION_API_KEY"],
      message:
        "required for transcription with OpenAI; set it (or AI_API_KEY), or point AI_TRANSCRIPTION_BASE_URL at your own server",
    });
  }
}

/** The validating schema of the AI variables alone. */
export const aiConfigSchema = z.object(aiConfigShape).superRefine(refineAiConfig);

/** Raised when an AI variable holds an invalid value; its message is one line naming the variable. */
export class AiConfigError extends Error {
  override name = "AiConfigError";
}

/** The base URL of the transcription API: its own, else the provider's, else OpenAI's. */
export function transcriptionBaseUrl(config: AiConfig): string {
  return config.AI_TRANSCRIPTION_BASE_URL ?? config.AI_BASE_URL ?? OPENAI_BASE_URL;
}

/**
 * Validates the AI variables in a map of environment variables. Empty
 * strings count as unset, as in the service configuration. API keys are
 * never echoed in errors.
 *
 * @throws {AiConfigError} naming the first invalid variable and what to set.
 */
export function parseAiConfig(env: Record<string, string | undefined>): AiConfig {
  return parseEnv(
    aiConfigSchema,
    env,
    (message) => new AiConfigError(message),
    (name) => name.startsWith("AI_"),
  );
}
