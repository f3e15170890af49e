/**
 * OpenAI through `@ai-sdk/openai`.
 *
 * @module
 */

import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";

/**
 * An OpenAI chat model. Chat Completions rather than the Responses API:
 * it supports strict JSON-schema output, it is the format OpenAI-compatible
 * servers speak too, and it keeps every request self-contained (the
 * Responses API can store conversations on OpenAI's side, which candidate
 * data should not be).
 */
export function openAiModel(options: {
  apiKey: string;
  model: string;
  baseUrl?: string;
}): LanguageModel {
  return createOpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl }).chat(options.model);
}
