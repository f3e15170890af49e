/**
 * Reads one untrusted document in a child process that can be stopped.
 *
 * A Worker of the service would share its heap limit and address space: a PDF
 * whose streams inflate to gigabytes lives in ArrayBuffers outside any V8
 * limit, and a Worker's out-of-memory takes the whole process down. A child
 * `deno run` of `extract_child.ts` instead reads the document from stdin with
 * no permission but read access to the code it runs, gets its own V8 heap
 * limit, stops itself once its resident memory passes the limit (so inflated
 * buffers count too), and is killed after a wall-clock timeout. It starts in
 * about 0.1 s.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { DocumentKind } from "./detect.ts";
import { DocumentError, type ExtractionLimits } from "./extract.ts";
import { readStreamCapped } from "../media/bytes.ts";
import { MEMORY_EXIT_CODE } from "./extract_child.ts";
import { log } from "../log.ts";

/** Limits of one child process, on top of what extraction may read. */
export interface ChildLimits extends ExtractionLimits {
  /** The child is killed after this long. */
  timeoutMs: number;
  /** The child is killed once its resident memory exceeds this. */
  memoryBytes: number;
}

const PROJECT_DIR = fileURLToPath(new URL("../", import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL("./extract_child.ts", import.meta.url));
/** Resident memory of the runtime itself before it reads anything (measured: about 70 MB). */
const CHILD_BASELINE_MB = 64;
/** What the child's Worker loads at run time: the extraction code and its npm packages. */
const WORKER_READABLE = [
  fileURLToPath(new URL("./", import.meta.url)),
  fileURLToPath(new URL("../media/bytes.ts", import.meta.url)),
  `${PROJECT_DIR}node_modules`,
];
/** Enough of stderr to log a crash; the rest is drained and dropped. */
const STDERR_KEPT_BYTES = 8 * 1024;
/** Only what a cache lookup needs: the child must not see the service's secrets. */
const PASSED_ENV = ["HOME", "DENO_DIR", "XDG_CACHE_HOME"];

/**
 * Returns the text of `bytes` (a PDF or DOCX) as {@linkcode extractDocumentText}
 * would, read in a child process bounded by `limits`.
 *
 * @throws {DocumentError} if the document is unreadable, over a limit, or
 * the child needed more memory or time than allowed, or crashed.
 */
export async function extractInChildProcess(
  bytes: Uint8Array,
  kind: DocumentKind,
  limits: ChildLimits,
): Promise<string> {
  const memoryMb = Math.floor(limits.memoryBytes / 1024 / 1024);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--cached-only",
      `--allow-read=${WORKER_READABLE.join(",")}`,
      `--config=${PROJECT_DIR}deno.json`,
      // The heap limit makes V8 give up cleanly; the child's memory watch covers the rest.
      `--v8-flags=--max-old-space-size=${Math.max(32, memoryMb - CHILD_BASELINE_MB)}`,
      CHILD_ENTRY,
      kind,
      String(limits.maxPages),
      String(limits.maxTextChars),
      String(limits.memoryBytes),
    ],
    cwd: PROJECT_DIR,
    clearEnv: true,
    env: childEnv(),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // It exited meanwhile.
    }
  }, limits.timeoutMs);
  // JSON of normalised text takes at most 6 bytes per character.
  const maxOutput = limits.maxTextChars * 6 + 1024;
  let stdout: Uint8Array | null;
  let stderr: string;
  let status: Deno.CommandStatus;
  try {
    [stdout, stderr, status] = await Promise.all([
      readStreamCapped(child.stdout, maxOutput, () => new Error("too much output"))
        .catch(() => null),
      readHead(child.stderr, STDERR_KEPT_BYTES),
      child.status,
      feed(child.stdin, bytes),
    ]);
  } finally {
    clearTimeout(timer);
  }

  const label = kind === "pdf" ? "PDF" : kind === "docx" ? "DOCX" : "file";
  if (timedOut) {
    throw new DocumentError(
      `The ${label} took longer than ${limits.timeoutMs / 1000} s to read; it may be damaged ` +
        "or built to overload the server. Upload a shorter or simpler document, or its text " +
        "as a TXT file.",
    );
  }
  if (status.code === MEMORY_EXIT_CODE || /out of memory|heap limit/i.test(stderr)) {
    throw new DocumentError(
      `The ${label} needs more than ${memoryMb} MB of memory to read; it may be damaged or ` +
        "built to overload the server (a small file that expands to gigabytes). Upload a " +
        "shorter or simpler document, or its text as a TXT file.",
    );
  }
  const result = status.success && stdout ? parseResult(stdout) : undefined;
  if (result === undefined) {
    log.warn("document reader failed", {
      kind,
      code: status.code,
      signal: status.signal,
      stderr: stderr.slice(0, 2000),
    });
    throw new DocumentError(
      `The ${label} could not be read: the reader stopped unexpectedly. Export it again or ` +
        "upload its text as a TXT file.",
    );
  }
  if ("error" in result) throw new DocumentError(result.error);
  return result.text;
}

function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of PASSED_ENV) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

async function feed(stdin: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // The child stopped before reading everything; its status says why.
  }
}

/** The first `maxBytes` of a stream as text; the rest is read and dropped so the writer never blocks. */
async function readHead(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const kept: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    if (length >= maxBytes) continue;
    kept.push(chunk.subarray(0, maxBytes - length));
    length += kept.at(-1)!.byteLength;
  }
  const decoder = new TextDecoder();
  return kept.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
}

function parseResult(stdout: Uint8Array): { text: string } | { error: string } | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(stdout));
    if (typeof value?.text === "string") return { text: value.text };
    if (typeof value?.error === "string") return { error: value.error };
  } catch {
    // Not JSON: the child died while writing.
  }
  return undefined;
}
