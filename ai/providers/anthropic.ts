/**
 * Anthropic through `@ai-sdk/anthropic`.
 *
 * @module
 */

import { createAnthropic } from "@ai-sdk/anthropic";
import type { LanguageModel } from "ai";

/**
 * An Anthropic Messages model. The SDK uses native structured output
 * (`output_config.format`) for models that support it and a forced JSON
 * tool for older ones; both arrive here as the same parsed object.
 *
 * @param options.baseUrl the API root including `/v1`, e.g. https://api.anthropic.com/v1.
 */
export function anthropicModel(options: {
  apiKey: string;
  model: string;
  baseUrl?: string;
}): LanguageModel {
  return createAnthropic({ apiKey: options.apiKey, baseURL: options.baseUrl })
    .languageModel(options.model);
}
