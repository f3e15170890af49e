import assert from "node:assert/strict";
import { cosine, DIMENSIONS, startEncoder } from "../ai/sentence_encoder.ts";

Deno.test("the encoder embeds in its worker; texts in the same words lie closer than a holiday", async () => {
  const encoder = startEncoder();
  try {
    const [surgery, block, holiday, blank] = await encoder.embed([
      "Nail surgery under local anaesthetic",
      "A digital block with lidocaine, then phenol to the nail matrix",
      "We spent four days in Tokyo and took the train to Kyoto",
      "  ",
    ]);
    assert.equal(surgery.length, DIMENSIONS);
    assert.ok(cosine(surgery, block) > cosine(surgery, holiday) + 0.1);
    assert.deepEqual(blank, new Array(DIMENSIONS).fill(0));
    // Kept: the same text again is the same vector, without another job.
    assert.deepEqual((await encoder.embed(["Nail surgery under local anaesthetic"]))[0], surgery);
  } finally {
    encoder.close();
  }
});

Deno.test("a job that outlasts its bound stops the worker and fails, so the caller can fall back", async () => {
  const encoder = startEncoder({ timeoutMs: 1 });
  try {
    await assert.rejects(encoder.embed(["Nail surgery"]), /took longer than 1 ms/);
  } finally {
    encoder.close();
  }
});

Deno.test("jobs beyond the queue bound fail at once instead of waiting", async () => {
  const encoder = startEncoder({ maxPending: 1 });
  try {
    const first = encoder.embed(["Rotate stock in the display counter"]);
    await assert.rejects(
      encoder.embed(["Month-end bank reconciliations"]),
      /busy: 1 jobs are waiting/,
    );
    assert.equal((await first)[0].length, DIMENSIONS);
  } finally {
    encoder.close();
  }
});

Deno.test("blank texts need no worker", async () => {
  const encoder = startEncoder({ timeoutMs: 1 });
  try {
    assert.deepEqual(await encoder.embed(["", " \n"]), [
      new Array(DIMENSIONS).fill(0),
      new Array(DIMENSIONS).fill(0),
    ]);
  } finally {
    encoder.close();
  }
});

Deno.test("one owner's jobs beyond its share fail at once; another owner's still run", async () => {
  const encoder = startEncoder({ maxPending: 8, maxPerOwner: 2 });
  try {
    const flooding = [
      encoder.embed(["Chase overdue repairs with the contractor"], "user 1"),
      encoder.embed(["Serve notice of seeking possession"], "user 1"),
    ];
    await assert.rejects(
      encoder.embed(["Run settling-in visits for new tenants"], "user 1"),
      /busy: 2 jobs of user 1 are waiting/,
    );
    const other = await encoder.embed(["Label every specimen at the bedside"], "user 2");
    assert.equal(other[0].length, DIMENSIONS);
    for (const vectors of await Promise.all(flooding)) assert.equal(vectors[0].length, DIMENSIONS);
    // Its share is given back once its jobs are done.
    const again = await encoder.embed(["Run settling-in visits for new tenants"], "user 1");
    assert.equal(again[0].length, DIMENSIONS);
  } finally {
    encoder.close();
  }
});
