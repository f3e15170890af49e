/**
 * Collects rows from many connections and inserts them together, a few
 * milliseconds later, so a second of transcript fragments from hundreds
 * of candidates costs a handful of statements instead of hundreds. When a
 * batch fails, its rows are inserted one by one, so a row the database
 * refuses fails only its own sender and not everyone batched with it.
 *
 * @module
 */
import { log } from "../log.ts";

// The message only: the error object may carry the statement's parameters, i.e. candidate text.
function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refuse(waiting: { reject: (error: unknown) => void }, error: unknown): void {
  log.error("insert of a row failed", { error: errorMessage(error) });
  waiting.reject(error);
}

/** Batches rows for one table. */
export class BatchInsert<T> {
  private rows: T[] = [];
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly insert: (rows: T[]) => Promise<void>,
    private readonly delayMs = 20,
    private readonly maxRows = 500,
  ) {}

  /** Queues `row`; the promise settles once it is stored, or rejects if this row could not be. */
  add(row: T): Promise<void> {
    this.rows.push(row);
    const stored = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (this.rows.length >= this.maxRows) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    return stored;
  }

  /** Inserts what is queued now. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.rows;
    const waiting = this.waiting;
    this.rows = [];
    this.waiting = [];
    if (rows.length === 0) return Promise.resolve();
    return this.insert(rows).then(
      () => waiting.forEach((w) => w.resolve()),
      async (error) => {
        if (rows.length === 1) return refuse(waiting[0], error);
        log.warn("batched insert failed; inserting its rows one by one", {
          rows: rows.length,
          error: errorMessage(error),
        });
        for (const [i, row] of rows.entries()) {
          try {
            await this.insert([row]);
            waiting[i].resolve();
          } catch (rowError) {
            refuse(waiting[i], rowError);
          }
        }
      },
    );
  }
}
