/**
 * Collects rows from many connections and inserts them together, a few
 * milliseconds later, so a second of transcript fragments from hundreds
 * of candidates costs a handful of statements instead of hundreds.
 *
 * @module
 */
import { log } from "../log.ts";

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

  /** Queues `row`; the promise settles once it is stored (or its batch failed). */
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
      (error) => {
        log.error("batched insert failed", { rows: rows.length, error });
        waiting.forEach((w) => w.reject(error));
      },
    );
  }
}
