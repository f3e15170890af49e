/**
 * Item 9 of issue 8: a candidate records one very large answer (a valid
 * camera WebM as long as `MAX_ANSWER_MB` allows) and ends it, so the server
 * finalizes it. Finalization used to hold the recording in memory several
 * times over (2 GB answer, 8.6 GB peak).
 *
 * @module
 */
import { FfmpegPool } from "../../../media/ffmpeg.ts";
import { InterviewClient } from "../../../realtime/client.ts";
import { createCandidate, startInterview } from "../../../bench/api.ts";
import { makeLiveWebm } from "../../fixtures/media.ts";
import { repeatWebm } from "../../fixtures/webm.ts";
import type { Attack, AttackSize, AttackTarget } from "./attack.ts";

/** Answer size per attack size, in bytes: full stays just under the default 2048 MiB limit. */
export const BIG_ANSWER_BYTES: Record<AttackSize, number> = {
  small: 150e6,
  full: 2_100e6,
};

const FINALIZE_TIMEOUT_MS = 15 * 60_000;

/** A 20 s camera recording (640x480 VP8 ~1 Mbit/s with Opus) whose clusters are repeated. */
async function cameraSeed(): Promise<Uint8Array> {
  const pool = new FfmpegPool();
  try {
    return await makeLiveWebm(pool, {
      seconds: 20,
      video: true,
      audio: true,
      width: 640,
      height: 480,
      videoBitrate: "1M",
    });
  } finally {
    pool.close();
  }
}

/**
 * Streams one camera answer of `bytes` and ends it; resolves with the
 * finalized question as the candidate is told, and how long each part took.
 * `onUploaded` is called when every byte is committed, before the answer ends.
 */
export async function recordBigAnswer(
  base: string,
  bytes: number,
  onUploaded?: () => void,
): Promise<{ question: Record<string, unknown>; uploadMs: number; finalizeMs: number }> {
  const seed = await cameraSeed();
  const token = await createCandidate(base, `big${crypto.randomUUID().slice(0, 8)}`);
  const interviewId = await startInterview(base, token, "Big answer");
  const client = new InterviewClient({
    url: `${base.replace(/^http/, "ws")}/realtime/interviews/${interviewId}`,
    token,
  });
  try {
    const session = await client.connect();
    const questionId = session.question!.question_id;
    await client.startAnswer(questionId, ["camera"], { camera: "video/webm;codecs=vp8,opus" });
    const started = performance.now();
    for (const chunk of repeatWebm(seed, bytes)) {
      await client.sendChunk(questionId, "camera", chunk);
    }
    await client.endStream(questionId, "camera");
    const uploadMs = performance.now() - started;
    onUploaded?.();
    const finalized = client.waitFor("finalized", undefined, FINALIZE_TIMEOUT_MS);
    const ended = performance.now();
    await client.endAnswer(questionId);
    const { question } = await finalized;
    return { question, uploadMs, finalizeMs: performance.now() - ended };
  } finally {
    client.close();
  }
}

/** The attacks of this file. */
export const attacks: Attack[] = [{
  name: "big-answer",
  item: 9,
  // Uploading 2 GB over loopback must not run into the answer's time limit.
  env: { ANSWER_TIME_LIMIT_S: "3600" },
  async run(target: AttackTarget, size: AttackSize): Promise<string> {
    const bytes = BIG_ANSWER_BYTES[size];
    const { question, uploadMs, finalizeMs } = await recordBigAnswer(target.base, bytes);
    return `${Math.round(bytes / 1e6)} MB answer uploaded in ${
      Math.round(uploadMs / 1000)
    } s, finalized ${question.status} in ${Math.round(finalizeMs / 1000)} s`;
  },
}];
