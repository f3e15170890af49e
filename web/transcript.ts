/// <reference lib="dom" />
/**
 * Transcript fragments of an answer: live from the Web Speech API where the
 * browser has it, and from the typed answer, which is always available.
 * Times are milliseconds from the start of the answer, as the protocol wants.
 *
 * @module
 */
import type { Transcript } from "../realtime/client.ts";

/** A transcript fragment without its question. */
export type Fragment = Omit<Transcript, "question_id">;

const MAX_FRAGMENT_CHARS = 10_000;
const MAX_MS = 86_400_000;
/** Errors after which recognition will not work on this page; others (silence) just restart it. */
const FATAL_SPEECH_ERRORS = new Set([
  "not-allowed",
  "service-not-allowed",
  "audio-capture",
  "network",
  "language-not-supported",
]);

function clampMs(ms: number): number {
  return Math.min(MAX_MS, Math.max(0, Math.round(ms)));
}

/** What is kept of a typed answer so that a reloaded page can put it back. */
export interface TypedDraft {
  text: string;
  /** When the text reached each length, in milliseconds from the start of the answer. */
  marks: { length: number; ms: number }[];
  /** Milliseconds from the start of the answer when the draft was taken. */
  elapsedMs: number;
}

/**
 * The typed answer. It remembers when the text reached each length, so each
 * typed sentence carries the time it was written and an interviewer can jump
 * to that moment of the recording.
 */
export class TypedAnswer {
  readonly #textarea: HTMLTextAreaElement;
  #origin = 0;
  #marks: { length: number; ms: number }[] = [];

  /** Watches `textarea`; `onInput` runs after each change, e.g. to keep a draft. */
  constructor(textarea: HTMLTextAreaElement, onInput: () => void = () => {}) {
    this.#textarea = textarea;
    textarea.addEventListener("input", () => {
      this.#marks.push({ length: textarea.value.length, ms: performance.now() - this.#origin });
      onInput();
    });
  }

  /** Clears the text; times count from `origin` (a `performance.now()` value) on. */
  begin(origin: number): void {
    this.#origin = origin;
    this.#textarea.value = "";
    this.#marks = [];
  }

  /** When the answer started, as a `performance.now()` value. */
  get origin(): number {
    return this.#origin;
  }

  /** The text so far with its times. */
  draft(): TypedDraft {
    return {
      text: this.#textarea.value,
      marks: [...this.#marks],
      elapsedMs: performance.now() - this.#origin,
    };
  }

  /** Puts a draft back; times go on from where the draft was taken. */
  restore(draft: TypedDraft): void {
    this.#origin = performance.now() - draft.elapsedMs;
    this.#textarea.value = draft.text;
    this.#marks = [...draft.marks];
  }

  /** The typed text as final fragments, one per sentence or line, in order. */
  fragments(): Fragment[] {
    const text = this.#textarea.value;
    const fragments: Fragment[] = [];
    let previousStart = -1;
    for (const match of text.matchAll(/[^.!?\n]+[.!?]*/g)) {
      const sentence = match[0].trim();
      if (!sentence) continue;
      const first = match.index + match[0].indexOf(sentence[0]);
      // The server orders fragments by start_ms; strictly increasing starts keep the typed order.
      const start = Math.max(previousStart + 1, clampMs(this.#typedAt(first)));
      const end = Math.max(start, clampMs(this.#typedAt(first + sentence.length - 1)));
      previousStart = start;
      for (let at = 0; at < sentence.length; at += MAX_FRAGMENT_CHARS) {
        fragments.push({
          text: sentence.slice(at, at + MAX_FRAGMENT_CHARS),
          is_final: true,
          start_ms: start,
          end_ms: end,
        });
      }
    }
    return fragments;
  }

  #typedAt(index: number): number {
    return this.#marks.find((mark) => mark.length > index)?.ms ??
      performance.now() - this.#origin;
  }
}

interface SpeechAlternative {
  transcript: string;
}
interface SpeechResult {
  readonly isFinal: boolean;
  readonly length: number;
  [index: number]: SpeechAlternative;
}
interface SpeechResultEvent extends Event {
  readonly resultIndex: number;
  readonly results: { readonly length: number; [index: number]: SpeechResult };
}
/** The part of `SpeechRecognition` used here; TypeScript's DOM types do not declare it. */
interface Recognition extends EventTarget {
  continuous: boolean;
  interimResults: boolean;
  lang: string;
  start(): void;
  stop(): void;
}

function recognitionClass(): (new () => Recognition) | undefined {
  const scope = globalThis as unknown as Record<string, (new () => Recognition) | undefined>;
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition;
}

/** Live speech recognition of an answer, where the browser offers it. */
export class SpeechTranscriber {
  readonly #onFragment: (fragment: Fragment) => void;
  readonly #onStatus: (text: string) => void;
  #recognition: Recognition | null = null;
  #origin = 0;
  #active = false;
  #unavailable = false;
  /** When each phrase of the current recognition run started, by result index. */
  #phraseStarts = new Map<number, number>();

  /** `onFragment` gets interim and final fragments; `onStatus` explains what recognition does. */
  constructor(onFragment: (fragment: Fragment) => void, onStatus: (text: string) => void) {
    this.#onFragment = onFragment;
    this.#onStatus = onStatus;
  }

  /** Starts listening; times count from `origin` (a `performance.now()` value). */
  start(origin: number): void {
    this.#origin = origin;
    const Recognition = recognitionClass();
    if (!Recognition || this.#unavailable) {
      this.#onStatus("This browser has no speech recognition: type your answer below.");
      return;
    }
    this.#active = true;
    this.#recognition ??= this.#create(Recognition);
    this.#run();
  }

  /** Stops listening; a phrase still being recognised may arrive as a last fragment. */
  stop(): void {
    this.#active = false;
    this.#recognition?.stop();
  }

  #create(Recognition: new () => Recognition): Recognition {
    const recognition = new Recognition();
    recognition.continuous = true;
    recognition.interimResults = true;
    recognition.lang = document.documentElement.lang || navigator.language;
    recognition.addEventListener("result", (event) => this.#onResult(event as SpeechResultEvent));
    recognition.addEventListener("error", (event) => {
      const error = (event as Event & { error?: string }).error ?? "unknown";
      if (!FATAL_SPEECH_ERRORS.has(error)) return;
      this.#unavailable = true;
      this.#onStatus(`Speech recognition is unavailable (${error}): type your answer below.`);
    });
    // Recognition ends by itself after a pause in speech; it is restarted while the answer lasts.
    recognition.addEventListener("end", () => {
      if (this.#active && !this.#unavailable) setTimeout(() => this.#run(), 250);
    });
    return recognition;
  }

  #run(): void {
    if (!this.#active || this.#unavailable) return;
    this.#phraseStarts.clear();
    try {
      this.#recognition?.start();
      this.#onStatus("Listening: what you say appears below.");
    } catch {
      // start() throws while a previous run is still ending; its "end" event restarts it.
    }
  }

  #onResult(event: SpeechResultEvent): void {
    const now = performance.now() - this.#origin;
    for (let index = event.resultIndex; index < event.results.length; index++) {
      const result = event.results[index];
      const text = result[0]?.transcript.trim() ?? "";
      if (!text) continue;
      if (!this.#phraseStarts.has(index)) this.#phraseStarts.set(index, now);
      const start = clampMs(this.#phraseStarts.get(index)!);
      this.#onFragment({
        text: text.slice(0, MAX_FRAGMENT_CHARS),
        is_final: result.isFinal,
        start_ms: start,
        end_ms: Math.max(start, clampMs(now)),
      });
    }
  }
}
