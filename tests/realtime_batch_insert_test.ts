// BatchInsert: rows of many senders share one statement, but a row the
// database refuses fails only its own promise.
import assert from "node:assert/strict";
import { BatchInsert } from "../realtime/batch_insert.ts";

/** An insert that stores rows in `table` and refuses, all or nothing, any batch holding a `bad` row. */
function fakeTable() {
  const table: string[] = [];
  const statements: number[] = [];
  const insert = (rows: string[]) => {
    statements.push(rows.length);
    if (rows.some((row) => row.startsWith("bad"))) {
      return Promise.reject(new Error('invalid byte sequence for encoding "UTF8": 0x00'));
    }
    table.push(...rows);
    return Promise.resolve();
  };
  return { table, statements, insert };
}

Deno.test("a refused row fails only its own sender; the rest of its batch is stored", async () => {
  const { table, statements, insert } = fakeTable();
  const batch = new BatchInsert(insert, 1000);
  const adds = ["victim 1", "bad 1", "victim 2", "bad 2", "victim 3"].map((row) => batch.add(row));
  await batch.flush();
  const results = await Promise.allSettled(adds);
  assert.deepEqual(results.map((r) => r.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /0x00/);
  assert.deepEqual(table, ["victim 1", "victim 2", "victim 3"]);
  assert.deepEqual(statements, [5, 1, 1, 1, 1, 1], "one batch, then each row alone");
});

Deno.test("a batch without bad rows is one statement", async () => {
  const { table, statements, insert } = fakeTable();
  const batch = new BatchInsert(insert, 1000);
  const adds = ["a", "b", "c"].map((row) => batch.add(row));
  await batch.flush();
  await Promise.all(adds);
  assert.deepEqual(table, ["a", "b", "c"]);
  assert.deepEqual(statements, [3]);
});
