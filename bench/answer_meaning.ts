/**
 * Cost of reading an answer's meaning (`ai/answer_meaning.ts`): the sentence
 * encoder's first load, then the time per answer at three lengths, each
 * answer new to the encoder's cache, the longest the event loop went without
 * running a 5 ms timer meanwhile (the encoder runs in a worker), and the
 * process's memory afterwards. Prints a Markdown table for docs/benchmarks.md.
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

/** How long a call takes, and the longest gap between ticks of a 5 ms timer meanwhile. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  await call();
  const ms = performance.now() - start;
  clearInterval(ticker);
  return { ms, stall: Math.max(stall, performance.now() - last) };
}

const load = await timed(() => readMeaning(QUESTION, "I check circulation first."));

const rows = [
  `| first call (loads the model) | ${load.ms.toFixed(0)} ms | – | ${load.stall.toFixed(0)} ms |`,
];
for (const chars of [300, 2_000, 10_000]) {
  const times: number[] = [];
  let stall = 0;
  for (let run = 0; run < RUNS; run++) {
    const text = answer(chars, chars * 100 + run);
    const call = await timed(() => readMeaning(QUESTION, text));
    times.push(call.ms);
    stall = Math.max(stall, call.stall);
  }
  rows.push(
    `| answer of ${chars.toLocaleString("en")} characters | ${median(times).toFixed(0)} ms | ${
      Math.max(...times).toFixed(0)
    } ms | ${stall.toFixed(0)} ms |`,
  );
}
const { rss } = Deno.memoryUsage();
console.log("| reading an answer's meaning | median | max | longest event-loop stall |");
console.log("| --- | --- | --- | --- |");
for (const row of rows) console.log(row);
console.log(
  `\nResident memory afterwards (main thread and worker): ${
    (rss / 1e6).toFixed(0)
  } MB (${RUNS} runs per length).`,
);
