/**
 * Finalization time of a 2-minute answer on the real server, as a candidate
 * sees it: 120 s of camera (640x480 VP8 ~1 Mbit/s with Opus) and microphone
 * (Opus ~32 kbit/s) recordings, the same fixtures as
 * `bench/finalize_media.ts`, uploaded in 120 chunks each as fast as the
 * channel takes them, then timed from `answer.end` to `finalized`.
 *
 * @module
 */
import { FfmpegPool } from "../media/ffmpeg.ts";
import { InterviewClient } from "../realtime/client.ts";
import { makeLiveWebm, splitIntoChunks } from "../tests/fixtures/media.ts";
import { startInterview } from "./api.ts";

const SECONDS = 120;
const FINALIZE_TIMEOUT_MS = 300_000;

/** One measured finalization. */
export interface FinalizeResult {
  cameraBytes: number;
  audioBytes: number;
  /** From the first chunk to both `stream.ended`. */
  uploadMs: number;
  /** From `answer.end` to `answer.accepted`. */
  acceptedMs: number;
  /** From `answer.end` to `finalized`. */
  finalizedMs: number;
  /** Status and failure reason of the finalized answer. */
  status: string;
  failureReason: string | null;
}

/** The two recordings, encoded on first use and cached under `.test-cache/media/`. */
export async function twoMinuteRecordings(): Promise<{ camera: Uint8Array; audio: Uint8Array }> {
  const pool = new FfmpegPool();
  try {
    const camera = await makeLiveWebm(pool, {
      seconds: SECONDS,
      video: true,
      audio: true,
      width: 640,
      height: 480,
      fps: 15,
      videoBitrate: "1M",
    });
    const audio = await makeLiveWebm(pool, { seconds: SECONDS, video: false, audio: true });
    return { camera, audio };
  } finally {
    pool.close();
  }
}

/** Records one 2-minute answer for the candidate of `token` and times its finalization. */
export async function measureFinalization(
  base: string,
  token: string,
  media: { camera: Uint8Array; audio: Uint8Array },
): Promise<FinalizeResult> {
  const interviewId = await startInterview(base, token, "Finalization");
  const client = new InterviewClient({
    url: `${base.replace(/^http/, "ws")}/realtime/interviews/${interviewId}`,
    token,
  });
  try {
    const session = await client.connect();
    const questionId = session.question!.question_id;
    await client.startAnswer(questionId, ["camera", "audio"], {
      camera: "video/webm;codecs=vp8,opus",
      audio: "audio/webm;codecs=opus",
    });
    const camera = splitIntoChunks(media.camera, [Math.ceil(media.camera.byteLength / SECONDS)]);
    const audio = splitIntoChunks(media.audio, [Math.ceil(media.audio.byteLength / SECONDS)]);
    const uploadStarted = performance.now();
    for (let second = 0; second < SECONDS; second++) {
      const sends = [client.sendChunk(questionId, "camera", camera[second])];
      if (audio[second]) sends.push(client.sendChunk(questionId, "audio", audio[second]));
      await Promise.all(sends);
      if (second % 10 === 9) {
        client.sendTranscript({
          question_id: questionId,
          text: `Part ${(second + 1) / 10}: I would index the tenant column, batch the writes ` +
            "and keep p99 latency under a hundred milliseconds with a bounded queue.",
          is_final: true,
          start_ms: (second - 9) * 1000,
          end_ms: second * 1000 + 990,
        });
      }
    }
    await Promise.all([
      client.endStream(questionId, "camera"),
      client.endStream(questionId, "audio"),
    ]);
    const uploadMs = performance.now() - uploadStarted;
    const finalized = client.waitFor("finalized", undefined, FINALIZE_TIMEOUT_MS);
    const ended = performance.now();
    await client.endAnswer(questionId);
    const acceptedMs = performance.now() - ended;
    const { question } = await finalized;
    return {
      cameraBytes: media.camera.byteLength,
      audioBytes: media.audio.byteLength,
      uploadMs: Math.round(uploadMs),
      acceptedMs: Math.round(acceptedMs),
      finalizedMs: Math.round(performance.now() - ended),
      status: String(question.status),
      failureReason: (question.failure_reason as string | null) ?? null,
    };
  } finally {
    client.close();
  }
}
