/**
 * Helpers of the tests that run whole interviews over the live channel
 * against real servers (in process or `main.ts` processes): a candidate
 * with a started interview, live WebM recordings to send, and the
 * environment and lifecycle of service processes.
 *
 * @module
 */
import { join } from "node:path";
import type { InterviewClient } from "../../realtime/client.ts";
import type { StreamName } from "../../realtime/frame.ts";
import { FfmpegPool } from "../../media/ffmpeg.ts";
import { makeLiveWebm, splitIntoChunks } from "../fixtures/media.ts";
import type { ServiceProcess } from "./service_process.ts";

const JD = "Site reliability engineer: Kubernetes, Terraform, PostgreSQL, Prometheus, Linux.";

/** A test that leaves servers, sockets and workers to its own `finally`. */
export function liveTest(name: string, fn: () => Promise<void>, ignore = false): void {
  Deno.test({ name, fn, ignore, sanitizeOps: false, sanitizeResources: false });
}

let recordings: Promise<{ camera: Uint8Array; audio: Uint8Array }> | undefined;

/** A 4 s camera recording and a 4 s microphone recording as a browser makes them, made once. */
export function media(): Promise<{ camera: Uint8Array; audio: Uint8Array }> {
  recordings ??= (async () => {
    const pool = new FfmpegPool({ concurrency: 2 });
    try {
      const [camera, audio] = await Promise.all([
        makeLiveWebm(pool, { seconds: 4, video: true, audio: false }),
        makeLiveWebm(pool, { seconds: 4, video: false, audio: true }),
      ]);
      return { camera, audio };
    } finally {
      pool.close();
    }
  })();
  return recordings;
}

/** POSTs `body` as JSON (with `token` as bearer, if any) and returns the JSON reply; throws unless 2xx. */
export async function postJson(
  base: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(base + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Signs up over HTTP, uploads a JD and starts an interview of `questionCount` questions. */
export async function newInterview(
  base: string,
  username: string,
  questionCount = 1,
): Promise<{ token: string; interviewId: number }> {
  const signup = await postJson(base, "/auth/signup", {
    username,
    password: "resilient-password",
  });
  const token = signup.access_token as string;
  await postJson(base, "/jd_resume/upload_jd", { text: JD }, token);
  const started = await postJson(base, "/interview/start_interview", {
    interview_name: "Resilience",
    question_count: questionCount,
  }, token);
  return { token, interviewId: started.interview_id as number };
}

/** The 8 KiB chunks the tests send a recording in. */
export function chunksOf(bytes: Uint8Array): Uint8Array[] {
  return splitIntoChunks(bytes, [8 * 1024]);
}

/** Queues every chunk of `bytes` on `stream`; `between` runs after each chunk is queued. */
export async function sendAll(
  client: InterviewClient,
  stream: StreamName,
  bytes: Uint8Array,
  between: (index: number) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const chunks = chunksOf(bytes);
  for (let i = 0; i < chunks.length; i++) {
    await client.sendChunk(1, stream, chunks[i]);
    await between(i);
  }
}

/** Waits until the server acknowledged everything `client` sent. */
export async function allAcked(client: InterviewClient): Promise<void> {
  while (client.unackedBytes > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The staged (ended) recording of `stream` of question 1. */
export async function stagedBytes(
  dataDir: string,
  interviewId: number,
  stream: StreamName,
): Promise<Uint8Array> {
  return await Deno.readFile(join(dataDir, `recordings/${interviewId}/1/staging/${stream}.raw`));
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Environment for server processes of these tests; on PostgreSQL when the suite is. */
export function serviceEnv(
  dataDir: string,
  port: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: String(port),
    JWT_SECRET: "resilience-test-secret-that-is-long-enough-1234",
    DATABASE_URL: Deno.env.get("TEST_DATABASE_URL") ?? "",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** Kills a service process with SIGKILL (no clean-up of any kind) and waits for it to end. */
export async function kill(process: ServiceProcess): Promise<void> {
  try {
    process.child.kill("SIGKILL");
  } catch { /* already gone */ }
  await process.child.status;
}
