/**
 * Builds the interview engine the configuration asks for.
 *
 * @module
 */

import type { LanguageModel } from "ai";
import { type AiConfig, DEFAULT_MODELS } from "./config.ts";
import type { InterviewEngine } from "./engine.ts";
import { FallbackEngine } from "./fallback.ts";
import { type AiCallCounter, MeteredEngine } from "./metered.ts";
import { LlmEngine } from "./llm_engine.ts";
import { OfflineEngine } from "./offline_engine.ts";
import { anthropicModel } from "./providers/anthropic.ts";
import { openAiModel } from "./providers/openai.ts";
import { openAiCompatibleModel } from "./providers/openai_compatible.ts";

export { type AiConfig, AiConfigError, parseAiConfig } from "./config.ts";
export { createTranscriber, type Transcriber } from "./transcription.ts";

/** A value `parseAiConfig` guarantees; missing only when the config skipped validation. */
function required(value: string | undefined, variable: string, provider: string): string {
  if (value) return value;
  throw new Error(
    `${variable} is required when AI_PROVIDER=${provider}; validate the configuration with parseAiConfig`,
  );
}

function languageModel(config: AiConfig, provider: Exclude<AiConfig["AI_PROVIDER"], "offline">): {
  model: LanguageModel;
  modelId: string;
} {
  switch (provider) {
    case "openai": {
      const modelId = config.AI_MODEL ?? DEFAULT_MODELS.openai;
      return {
        model: openAiModel({
          apiKey: required(config.AI_API_KEY, "AI_API_KEY", provider),
          model: modelId,
          baseUrl: config.AI_BASE_URL,
        }),
        modelId,
      };
    }
    case "anthropic": {
      const modelId = config.AI_MODEL ?? DEFAULT_MODELS.anthropic;
      return {
        model: anthropicModel({
          apiKey: required(config.AI_API_KEY, "AI_API_KEY", provider),
          model: modelId,
          baseUrl: config.AI_BASE_URL,
        }),
        modelId,
      };
    }
    case "openai-compatible": {
      const modelId = required(config.AI_MODEL, "AI_MODEL", provider);
      return {
        model: openAiCompatibleModel({
          baseUrl: required(config.AI_BASE_URL, "AI_BASE_URL", provider),
          model: modelId,
          apiKey: config.AI_API_KEY,
        }),
        modelId,
      };
    }
  }
}

/**
 * The engine for `config`: the offline engine for `AI_PROVIDER=offline`,
 * otherwise the provider's model wrapped so that any provider failure falls
 * back to the offline engine (recorded in `engine` and `fallbackReason` on
 * each result). Its `name` is "<provider>:<model>", e.g. "openai:gpt-4.1-mini".
 *
 * Every provider call is bounded: `AI_TIMEOUT_MS` per attempt, at most
 * `AI_MAX_RETRIES` retries, and `AI_TIMEOUT_MS × (AI_MAX_RETRIES + 1)` in
 * all, after which the offline engine answers.
 *
 * @param config validated by `parseAiConfig` (or the service config it is merged into).
 * @param calls when given, every call is counted in it (see `MeteredEngine`).
 */
export function createEngine(config: AiConfig, calls?: AiCallCounter): InterviewEngine {
  const engine = configuredEngine(config);
  return calls ? new MeteredEngine(engine, calls) : engine;
}

/** The engine `config` names, uncounted. */
function configuredEngine(config: AiConfig): InterviewEngine {
  const offline = new OfflineEngine();
  const provider = config.AI_PROVIDER;
  if (provider === "offline") return offline;
  const { model, modelId } = languageModel(config, provider);
  const llm = new LlmEngine({
    name: `${provider}:${modelId}`,
    model,
    policy: { timeoutMs: config.AI_TIMEOUT_MS, maxRetries: config.AI_MAX_RETRIES },
  });
  return new FallbackEngine(llm, offline);
}
