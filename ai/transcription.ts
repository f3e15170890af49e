/**
 * Server-side transcription of a recorded answer through an OpenAI-compatible
 * `/audio/transcriptions` endpoint (OpenAI, or a self-hosted Whisper server).
 * Unlike the interview engine it has no offline fallback: when it fails,
 * the caller keeps the transcript captured live during the answer.
 *
 * @module
 */

import { type AiConfig, transcriptionBaseUrl } from "./config.ts";
import { resolveLanguage } from "./plan_options.ts";
import { errorForStatus, excerpt, ProviderError } from "./provider_error.ts";
import { type RetryPolicy, withRetries } from "./retry.ts";
import { readWavPieces } from "./wav.ts";

/** What a transcription produced, and which engine produced it. */
export interface Transcript {
  text: string;
  /** E.g. "transcription:whisper-1"; store it with the answer. */
  engine: string;
}

/** Turns recorded speech into text. */
export interface Transcriber {
  /**
   * Transcribes the WAV file at `wavPath`, reading it one upload at a time
   * so memory does not grow with the recording's length. `language` is a
   * BCP-47 tag of the spoken language; without it the service detects the
   * language.
   *
   * @throws {ProviderError} when the service fails for good.
   * @throws {RangeError} when the file is larger than one upload and not a
   * PCM WAV that can be cut into pieces.
   */
  transcribe(wavPath: string, options: { language?: string }): Promise<Transcript>;
}

/**
 * OpenAI rejects uploads over 25 MB; a margin keeps multipart overhead under
 * it. It is also what one transcription holds in memory (a few copies of one
 * piece while it is sent), however long the recording.
 */
const MAX_UPLOAD_BYTES = 24 * 1024 * 1024;

/** What an {@link OpenAiTranscriber} needs. */
export interface OpenAiTranscriberOptions {
  /** API root, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  policy: RetryPolicy;
  /** Longer recordings are sent in pieces of at most this many bytes. */
  maxUploadBytes?: number;
}

/** The service's error message from an OpenAI-style error body, else the body's start. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.error?.message === "string") return parsed.error.message;
  } catch {
    // Not JSON: show the text itself.
  }
  return body;
}

/** A transcriber for OpenAI's `/audio/transcriptions` and servers that copy it. */
export class OpenAiTranscriber implements Transcriber {
  /** Stored with transcripts. */
  readonly name: string;
  readonly #options: OpenAiTranscriberOptions;

  constructor(options: OpenAiTranscriberOptions) {
    this.name = `transcription:${options.model}`;
    this.#options = options;
  }

  async transcribe(wavPath: string, options: { language?: string }): Promise<Transcript> {
    // The API takes ISO 639-1 codes: "de-CH" is sent as "de"; others are left to detection.
    const primary = options.language ? resolveLanguage(options.language).split("-")[0] : "";
    const language = primary.length === 2 ? primary : undefined;
    const texts: string[] = [];
    const maxBytes = this.#options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
    for await (const piece of readWavPieces(wavPath, maxBytes)) {
      texts.push(
        await withRetries(
          this.name,
          this.#options.policy,
          (signal) => this.#post(piece, language, signal),
          (error) =>
            error instanceof ProviderError ? error : new ProviderError(
              "network",
              `could not reach ${this.name}: ${excerpt(String(error))}`,
              { cause: error },
            ),
        ),
      );
    }
    return { text: texts.join(" ").replace(/\s+/g, " ").trim(), engine: this.name };
  }

  async #post(
    wav: Uint8Array<ArrayBuffer>,
    language: string | undefined,
    signal: AbortSignal,
  ): Promise<string> {
    const form = new FormData();
    form.append("file", new Blob([wav], { type: "audio/wav" }), "answer.wav");
    form.append("model", this.#options.model);
    form.append("response_format", "json");
    if (language) form.append("language", language);
    const response = await fetch(`${this.#options.baseUrl}/audio/transcriptions`, {
      method: "POST",
      headers: this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {},
      body: form,
      signal,
    });
    const body = await response.text();
    if (!response.ok) {
      throw errorForStatus(response.status, this.name, errorDetail(body), response.headers);
    }
    let text: unknown;
    try {
      text = JSON.parse(body)?.text;
    } catch {
      // Reported below with the body's start.
    }
    if (typeof text !== "string") {
      throw new ProviderError(
        "malformed_output",
        `${this.name} answered without a "text" field: ${excerpt(body)}`,
      );
    }
    return text;
  }
}

/**
 * The transcriber `config` asks for, or null when `AI_TRANSCRIPTION_MODEL`
 * is unset (server-side transcription is off).
 */
export function createTranscriber(config: AiConfig): Transcriber | null {
  if (!config.AI_TRANSCRIPTION_MODEL) return null;
  return new OpenAiTranscriber({
    baseUrl: transcriptionBaseUrl(config),
    model: config.AI_TRANSCRIPTION_MODEL,
    apiKey: config.AI_TRANSCRIPTION_API_KEY ?? config.AI_API_KEY,
    policy: { timeoutMs: config.AI_TRANSCRIPTION_TIMEOUT_MS, maxRetries: config.AI_MAX_RETRIES },
  });
}
