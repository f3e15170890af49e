/**
 * Self-hosted or third-party servers that speak OpenAI's Chat Completions
 * (vLLM, llama.cpp, Ollama, LM Studio, LiteLLM…), through
 * `@ai-sdk/openai-compatible`.
 *
 * @module
 */

import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";

/**
 * A chat model on an OpenAI-compatible server. Structured outputs are
 * switched on so the JSON schema is sent as `response_format`; without it
 * the SDK asks only for "some JSON" and the model never sees the schema.
 * Servers that ignore the schema are still covered: the reply is validated,
 * retried once when malformed, and the engine falls back after that.
 */
export function openAiCompatibleModel(options: {
  baseUrl: string;
  model: string;
  apiKey?: string;
}): LanguageModel {
  return createOpenAICompatible({
    name: "openai-compatible",
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    supportsStructuredOutputs: true,
  }).chatModel(options.model);
}
