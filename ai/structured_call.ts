/**
 * One structured-output call to a language model through the Vercel AI SDK,
 * under our retry loop: the reply is parsed against a zod schema, checked by
 * the caller, and every failure is classified for retry and fallback.
 *
 * @module
 */

import {
  APICallError,
  generateText,
  type LanguageModel,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  Output,
} from "ai";
import type { z } from "zod";
import type { Prompt } from "./prompts.ts";
import { errorForStatus, excerpt, ProviderError } from "./provider_error.ts";
import { type RetryPolicy, withRetries } from "./retry.ts";

/** What to ask for. */
export interface StructuredRequest<T> extends Prompt {
  /** Names the output schema; some providers pass it to the model. */
  name: string;
  schema: z.ZodType<T>;
  maxOutputTokens: number;
}

function refusal(provider: string, text: string | undefined, cause?: unknown): ProviderError {
  const said = text?.trim() ? `: ${excerpt(text)}` : "";
  return new ProviderError("refusal", `${provider} declined to answer${said}`, { cause });
}

/** Turns whatever the SDK threw into a {@link ProviderError}. */
export function classifySdkError(error: unknown, provider: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) {
      return new ProviderError(
        error.isRetryable ? "network" : "unexpected",
        `could not reach ${provider}: ${excerpt(error.message)}`,
        { cause: error },
      );
    }
    return errorForStatus(
      error.statusCode,
      provider,
      error.message,
      error.responseHeaders,
    );
  }
  if (NoObjectGeneratedError.isInstance(error)) {
    if (error.finishReason === "content-filter") return refusal(provider, error.text, error);
    // The SDK's message says whether parsing or the schema failed; the cause quotes the
    // model's text, which may echo candidate data, so it stays in `cause` and out of the reason.
    return new ProviderError(
      "malformed_output",
      `${provider} returned output that is not the requested JSON (${excerpt(error.message)})`,
      { cause: error },
    );
  }
  if (NoOutputGeneratedError.isInstance(error)) {
    return new ProviderError("malformed_output", `${provider} returned no output`, {
      cause: error,
    });
  }
  // fetch rejects with a TypeError when the connection fails.
  if (error instanceof TypeError) {
    return new ProviderError("network", `could not reach ${provider}: ${excerpt(error.message)}`, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError("unexpected", `calling ${provider} failed: ${excerpt(detail)}`, {
    cause: error,
  });
}

/**
 * Asks `model` for an object matching `request.schema`, then passes it to
 * `accept`, which may throw a malformed_output {@link ProviderError} to
 * have it retried once. The SDK's own retries are off (`maxRetries: 0`):
 * the loop in `retry.ts` retries transport errors and malformed output alike
 * within one time budget.
 *
 * @throws {ProviderError} when the call fails for good.
 */
export async function generateStructured<T, R>(
  model: LanguageModel,
  provider: string,
  policy: RetryPolicy,
  request: StructuredRequest<T>,
  accept: (value: T) => R,
): Promise<R> {
  return await withRetries(provider, policy, async (signal) => {
    const result = await generateText({
      model,
      instructions: request.instructions,
      prompt: request.prompt,
      output: Output.object({ schema: request.schema, name: request.name }),
      maxOutputTokens: request.maxOutputTokens,
      maxRetries: 0,
      abortSignal: signal,
    });
    if (result.finishReason === "content-filter") {
      throw refusal(provider, result.text);
    }
    return accept(result.output);
  }, (error) => classifySdkError(error, provider));
}
