// A viewer who starts a recording download and goes away (a closed tab, a
// seek that drops the old request, or a hostile client opening streams it
// never reads) must not keep the server busy: the read from the object store
// stops with the request, and the server can stop at once.
import assert from "node:assert/strict";
import { makeLiveWebm } from "../fixtures/media.ts";
import { FfmpegPool } from "../../media/ffmpeg.ts";
import { outputPath } from "../../media/recordings.ts";
import { startLiveServer } from "../helpers/live_server.ts";
import { recordAnswer } from "../helpers/candidate_data.ts";
import { testStorageEnv } from "../helpers/storage.ts";
import { settlesWithin } from "../../deadline.ts";

/** Resolves with "timeout" if `work` takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | "timeout"> {
  let result: T | undefined;
  const settled = await settlesWithin(work.then((value) => result = value), ms);
  return settled ? result as T : "timeout";
}

Deno.test({
  name: "abandoned recording downloads end with their requests, and the server stops at once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer(await testStorageEnv());
    let stopped = false;
    try {
      const pool = new FfmpegPool({ concurrency: 1 });
      const camera = await makeLiveWebm(pool, { seconds: 2, video: true, audio: true })
        .finally(() => pool.close());
      const { interviewId, questionId, token } = await recordAnswer(
        server.base,
        { camera },
        "I would add an index on the foreign key.",
      );
      // A recording far larger than any buffer between the store, the server and the client.
      const big = new Uint8Array(48 * 1024 * 1024).fill(7);
      await server.deps.store.put(outputPath(interviewId, questionId, "combined.webm"), big);
      const url =
        `${server.base}/interview/${interviewId}/questions/${questionId}/recordings/combined`;

      const small =
        `${server.base}/interview/${interviewId}/questions/${questionId}/recordings/camera`;
      for (const target of [url, small]) {
        for (const range of [undefined, "bytes=0-", "bytes=1000-"]) {
          for (const readFirst of [true, false]) {
            const aborter = new AbortController();
            const response = await fetch(target, {
              headers: { authorization: `Bearer ${token}`, ...(range ? { range } : {}) },
              signal: aborter.signal,
            });
            assert.ok([200, 206].includes(response.status), String(response.status));
            if (readFirst) {
              const reader = response.body!.getReader();
              const first = await reader.read();
              assert.ok(first.value && first.value.byteLength > 0);
            }
            // The viewer stops reading and leaves.
            aborter.abort();
          }
        }
      }
      // More abandoned downloads than the store client keeps connections (50), then a viewer
      // who watches to the end: left-over reads would hold every connection and starve it.
      for (let i = 0; i < 60; i++) {
        const aborter = new AbortController();
        const response = await fetch(url, {
          headers: { authorization: `Bearer ${token}`, range: `bytes=${i * 1000}-` },
          signal: aborter.signal,
        });
        assert.equal(response.status, 206);
        await response.body!.getReader().read();
        aborter.abort();
      }
      const whole = await within(
        fetch(small, { headers: { authorization: `Bearer ${token}` } })
          .then((response) => response.arrayBuffer()),
        15_000,
      );
      assert.notEqual(
        whole,
        "timeout",
        "a download after 60 abandoned ones did not finish in 15 s",
      );
      // Shutting down waits for in-flight requests; none may be left hanging on the store.
      const result = await within(server.stop().then(() => "stopped"), 15_000);
      stopped = true;
      assert.equal(result, "stopped", "the server did not stop within 15 s");
    } finally {
      if (!stopped) await within(server.stop(), 15_000);
    }
  },
});
