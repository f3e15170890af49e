/**
 * Reads uploaded documents with bounded concurrency: PDFs and DOCX files in
 * child processes (`extract_process.ts`), at most `concurrency` at a time,
 * with at most `queueLength` more waiting and one at a time per user. A full
 * queue is refused at once rather than growing without end.
 *
 * @module
 */
import type { DocumentKind } from "./detect.ts";
import { extractDocumentText, MAX_TEXT_CHARS } from "./extract.ts";
import { type ChildLimits, extractInChildProcess } from "./extract_process.ts";

/** Settings of a {@linkcode DocumentReader}. */
export interface DocumentReaderOptions {
  /** Child processes reading at once. */
  concurrency: number;
  /** Documents that may wait for a free slot; more are refused. */
  queueLength: number;
  /** A PDF with more pages is refused before any page is read. */
  maxPages: number;
  /** Each child is killed after this many seconds. */
  timeoutSeconds: number;
  /** Each child is killed once its resident memory exceeds this many MB. */
  memoryMb: number;
}

/** Thrown when a document cannot be read now; the caller answers 429 or 503 with `Retry-After`. */
export class ReaderBusyError extends Error {
  override name = "ReaderBusyError";
  /**
   * `perUser`: this user already has a document being read (429); otherwise
   * the service is reading as many as it queues (503).
   */
  constructor(message: string, readonly perUser: boolean, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** Turns uploads into text within the limits it was created with. */
export interface DocumentReader {
  /**
   * The text of `bytes`, as {@linkcode extractDocumentText} returns it.
   *
   * @throws {DocumentError} if the document is unreadable or over a limit.
   * @throws {ReaderBusyError} if `userId` already has a document being read or the queue is full.
   */
  read(userId: number, bytes: Uint8Array, kind: DocumentKind): Promise<string>;
}

/** Creates a reader; it holds no resources between reads. */
export function createDocumentReader(options: DocumentReaderOptions): DocumentReader {
  const limits: ChildLimits = {
    maxPages: options.maxPages,
    maxTextChars: MAX_TEXT_CHARS,
    timeoutMs: options.timeoutSeconds * 1000,
    memoryBytes: options.memoryMb * 1024 * 1024,
  };
  const readingFor = new Set<number>();
  const waiting: (() => void)[] = [];
  let running = 0;

  async function slot(): Promise<void> {
    if (running < options.concurrency) {
      running++;
      return;
    }
    // The releasing read hands its slot over, so `running` stays as it is.
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  return {
    async read(userId, bytes, kind) {
      // Text is decoded and normalised in one linear pass over at most
      // MAX_UPLOAD_MB: cheaper than starting a process.
      if (kind === "text" || kind === "markdown") {
        return await extractDocumentText(bytes, kind, limits);
      }
      // A whole queue's wait, roughly: when a retry has a fair chance.
      const retryAfter = Math.ceil(options.timeoutSeconds / 2);
      if (readingFor.has(userId)) {
        throw new ReaderBusyError(
          "One of your documents is still being read. Wait for it to finish, then upload again.",
          true,
          retryAfter,
        );
      }
      if (running >= options.concurrency && waiting.length >= options.queueLength) {
        throw new ReaderBusyError(
          "The server is reading too many documents right now. Try again in a few seconds.",
          false,
          retryAfter,
        );
      }
      readingFor.add(userId);
      try {
        await slot();
        try {
          return await extractInChildProcess(bytes, kind, limits);
        } finally {
          release();
        }
      } finally {
        readingFor.delete(userId);
      }
    },
  };
}
