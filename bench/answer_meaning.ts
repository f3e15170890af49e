/**
 * Cost of reading an answer's meaning (`ai/answer_meaning.ts`): the sentence
 * encoder's first load, then the time per answer at three lengths, each
 * answer new to the encoder's cache, and the process's memory afterwards.
 * Prints a Markdown table for docs/benchmarks.md.
 *
 * `npx -y deno@2.9.6 run --allow-read --allow-env bench/answer_meaning.ts`
 *
 * @module
 */
import { readMeaning } from "../ai/answer_meaning.ts";

const RUNS = 20;
const QUESTION = "The role asks you to perform nail surgery under local anaesthetic. " +
  "How do you approach this in practice?";
const STEPS = [
  "I check circulation and the medication list",
  "I ring-block the toe with plain lidocaine",
  "I fit a tourniquet and wait for the block to take",
  "I cut away the offending edge of the nail plate",
  "I apply phenol to the matrix three times",
  "I release the tourniquet and dress the toe",
  "I give written aftercare and book a review",
];

/** An answer of about `chars` characters whose sentences no earlier answer used. */
function answer(chars: number, run: number): string {
  const sentences: string[] = [];
  for (let i = 0; sentences.join(" ").length < chars; i++) {
    sentences.push(`${STEPS[i % STEPS.length]} for patient ${run}-${i}.`);
  }
  return sentences.join(" ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const loadStart = performance.now();
await readMeaning(QUESTION, "I check circulation first.");
const load = performance.now() - loadStart;

const rows = [`| first call (loads the model) | ${load.toFixed(0)} ms | – |`];
for (const chars of [300, 2_000, 10_000]) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const text = answer(chars, chars * 100 + run);
    const start = performance.now();
    await readMeaning(QUESTION, text);
    times.push(performance.now() - start);
  }
  rows.push(
    `| answer of ${chars.toLocaleString("en")} characters | ${median(times).toFixed(0)} ms | ${
      Math.max(...times).toFixed(0)
    } ms |`,
  );
}
const { rss } = Deno.memoryUsage();
console.log("| reading an answer's meaning | median | max |");
console.log("| --- | --- | --- |");
for (const row of rows) console.log(row);
console.log(
  `\nResident memory afterwards: ${(rss / 1e6).toFixed(0)} MB (${RUNS} runs per length).`,
);
