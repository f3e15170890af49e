/**
 * Entry point of the child process that reads one uploaded document (see
 * `extract_process.ts`). It gets the document on stdin and the limits as
 * arguments (`<kind> <maxPages> <maxTextChars> <memoryBytes>`), and writes
 * one JSON object to stdout: `{"text": "..."}`, or `{"error": "..."}` with a
 * message meant for the uploader.
 *
 * The reading happens in a Worker so that this thread stays free to watch
 * the process's resident memory (inflated buffers live outside V8's heap
 * limit) and to exit with {@linkcode MEMORY_EXIT_CODE} once it passes the
 * limit. The parent cannot watch it itself: Deno lets a process read another
 * one's `/proc/<pid>/status` only under `--allow-all`.
 *
 * @module
 */
import type { DocumentKind } from "./detect.ts";
import type { ReadRequest, ReadResult } from "./extract_worker.ts";

/** The exit status of a child that stopped itself at its memory limit. */
export const MEMORY_EXIT_CODE = 3;
/** Fast enough that inflating at ~1 GB/s overshoots the limit by a few tens of MB at most. */
const MEMORY_POLL_MS = 10;

if (import.meta.main) {
  const [kind, maxPages, maxTextChars, memoryBytes] = Deno.args;
  const watchdog = setInterval(() => {
    if (Deno.memoryUsage().rss > Number(memoryBytes)) Deno.exit(MEMORY_EXIT_CODE);
  }, MEMORY_POLL_MS);
  const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
  const worker = new Worker(new URL("./extract_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const result = await new Promise<ReadResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<ReadResult>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    const request: ReadRequest = {
      bytes,
      kind: kind as DocumentKind,
      limits: { maxPages: Number(maxPages), maxTextChars: Number(maxTextChars) },
    };
    worker.postMessage(request, [bytes.buffer]);
  });
  clearInterval(watchdog);
  worker.terminate();
  const writer = Deno.stdout.writable.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(result)));
  await writer.close();
}
