/**
 * Finalization of a recorded answer: remux each staged stream into a
 * seekable WebM, build the combined camera+microphone file and the WAV for
 * transcription (all on local disk, where ffmpeg works), take the answer
 * text from the final transcript (or the WAV), move the files into the
 * object store, evaluate the answer, store the outcome, and announce it.
 * Runs as a job, so it is retried after a crash or a failure of the store,
 * and does nothing twice.
 *
 * @module
 */
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type AnswerMedia, type AnswerSource, questionAnswers } from "../db/schema.ts";
import { completeJob, enqueueJob } from "../jobs/queue.ts";
import type { JobHandler } from "../jobs/runner.ts";
import {
  evaluationValues,
  findInterview,
  findQuestionAnswer,
  insertFollowUp,
  proposeFollowUp,
  type QuestionAnswerRow,
  questionToEvaluate,
  transcriptsOf,
  type Tx,
  updateAnswer,
} from "../db/interviews.ts";
import type { InterviewEngine } from "../ai/engine.ts";
import type { Transcriber } from "../ai/transcription.ts";
import { queueReport } from "../jobs/report.ts";
import type { EventBus } from "../realtime/event_bus.ts";
import type { StreamName } from "../realtime/protocol.ts";
import { toQuestionAnswerOut } from "../http/schemas.ts";
import { FfmpegError, type FfmpegPool } from "./ffmpeg.ts";
import { concatWebm, extractWav, muxCombined, remuxWebm } from "./remux.ts";
import {
  answerDir,
  localOutputPath,
  outputPath,
  removeEmptyAnswerDir,
  removeStaging,
  segmentWebmPath,
  stagedStream,
} from "./recordings.ts";
import { PRIVATE_DIR_MODE } from "./storage.ts";
import type { ObjectStore } from "./object_store.ts";
import { FINALIZE_JOB, finalizeJobKey } from "./finalize_job.ts";
import { StagingUnavailableError } from "./staging_handoff.ts";
import { log } from "../log.ts";

/** What finalization needs. */
export interface FinalizeDeps {
  db: Db;
  dataDir: string;
  /** Where finished recordings are kept (`STORAGE`). */
  store: ObjectStore;
  engine: InterviewEngine;
  ffmpeg: FfmpegPool;
  bus: EventBus;
  /** Server-side speech-to-text, when configured. */
  transcriber: Transcriber | null;
  /** Tells the job runner that a job was queued. */
  pokeJobs: () => void;
  /**
   * Brings the answer's staged media into `dataDir` from the instance that
   * holds it (media/staging_handoff.ts); throws when that instance does not
   * hand it over in time, so the job is retried.
   */
  claimStaging: (qa: QuestionAnswerRow) => Promise<void>;
}

const labels: Record<StreamName, string> = {
  camera: "camera recording",
  screen: "screen recording",
  audio: "microphone recording",
};

type OutputFile = Parameters<typeof outputPath>[2];

/** What {@link buildOutputs} made: keys the row will hold, each made as a local file first. */
interface Outputs {
  /** Object store keys, valid once {@link storeOutputs} has moved the files there. */
  paths: {
    camera: string | null;
    screen: string | null;
    audio: string | null;
    combined: string | null;
  };
  wavPath: string | null;
  /** The WAV on local disk, for the transcriber, until it is stored. */
  wavLocalPath: string | null;
  /** Every made file: where it is on local disk and the key it is stored under. */
  files: { key: string; localPath: string }[];
  receivedBytes: Partial<Record<StreamName, number>>;
  problems: string[];
}

function describe(error: unknown): string {
  if (error instanceof FfmpegError || error instanceof StagingUnavailableError) {
    return error.message;
  }
  return `unexpected error: ${String(error)}`;
}

/**
 * Makes the finalized files on local disk, in the answer's `staging/out/`
 * (media/recordings.ts): ffmpeg reads the staged recordings and writes
 * every output in place, so memory does not grow with the answer. They are
 * stored by {@link storeOutputs}.
 */
async function buildOutputs(deps: FinalizeDeps, qa: QuestionAnswerRow): Promise<Outputs> {
  const media: AnswerMedia = qa.media ?? { streams: [], mimeTypes: {} };
  const outputs: Outputs = {
    paths: { camera: null, screen: null, audio: null, combined: null },
    wavPath: null,
    wavLocalPath: null,
    files: [],
    receivedBytes: {},
    problems: [],
  };
  // What an earlier attempt left (cut short by a crash or a failed store) is made again.
  const outDir = join(deps.dataDir, answerDir(qa.interviewId, qa.questionId), "staging", "out");
  await Deno.remove(outDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const make = async (file: OutputFile, run: (localPath: string) => Promise<void>) => {
    const localPath = localOutputPath(deps.dataDir, qa.interviewId, qa.questionId, file);
    await Deno.mkdir(outDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await run(localPath);
    const key = outputPath(qa.interviewId, qa.questionId, file);
    outputs.files.push({ key, localPath });
    return { key, localPath };
  };
  const remuxed: Partial<Record<StreamName, { path: string }>> = {};
  for (const stream of media.streams) {
    const parts: { segment: number; path: string }[] = [];
    outputs.receivedBytes[stream] = 0;
    for (let segment = 0; segment <= (media.segment ?? 0); segment++) {
      const staged = await stagedStream(
        deps.dataDir,
        qa.interviewId,
        qa.questionId,
        stream,
        segment,
      );
      outputs.receivedBytes[stream] += staged.committed;
      if (staged.path && staged.committed > 0) parts.push({ segment, path: staged.path });
    }
    if (parts.length === 0) {
      outputs.problems.push(`The ${labels[stream]} is empty: no media arrived.`);
      continue;
    }
    try {
      const made = await make(
        `${stream}.webm`,
        (outputPath) =>
          parts.length === 1
            ? remuxWebm(deps.ffmpeg, { path: parts[0].path }, { label: labels[stream], outputPath })
            : joinSegments(deps, qa, stream, parts, outputPath),
      );
      outputs.paths[stream] = made.key;
      remuxed[stream] = { path: made.localPath };
    } catch (error) {
      outputs.problems.push(describe(error));
    }
  }
  if (remuxed.camera) {
    const { camera } = remuxed;
    // A reload loses the unsent end of each stream's segment, by different amounts, so joined
    // camera and microphone recordings drift apart; the camera's own sound stays in step.
    const audio = (media.segment ?? 0) > 0 ? null : remuxed.audio ?? null;
    try {
      outputs.paths.combined = (await make(
        "combined.webm",
        (outputPath) => muxCombined(deps.ffmpeg, camera, audio, { outputPath }),
      )).key;
    } catch (error) {
      outputs.problems.push(describe(error));
    }
  }
  const speech = remuxed.audio ?? remuxed.camera;
  if (speech) {
    try {
      const made = await make(
        "audio.wav",
        (outputPath) =>
          extractWav(deps.ffmpeg, speech, { label: "microphone recording", outputPath }),
      );
      outputs.wavPath = made.key;
      outputs.wavLocalPath = made.localPath;
    } catch (error) {
      // Only a transcription provider needs the WAV; the answer itself is intact.
      log.warn("could not extract the WAV for transcription", {
        question_answer_id: qa.id,
        error: describe(error),
      });
    }
  }
  return outputs;
}

/**
 * Moves every made file into the object store, one after the other, each
 * streamed (a multipart upload on S3), never read whole. Throws when the
 * store fails: the row is not updated, staging stays, and the job is tried
 * again, so no row ever points at a key the store has not confirmed.
 */
async function storeOutputs(
  deps: FinalizeDeps,
  qa: QuestionAnswerRow,
  outputs: Outputs,
): Promise<void> {
  for (const { key, localPath } of outputs.files) {
    try {
      await deps.store.moveFile(key, localPath);
    } catch (error) {
      throw new Error(
        `could not store ${key} of answer ${qa.id} (${String(error)}); ` +
          "the answer stays as it is and finalization is tried again",
        { cause: error },
      );
    }
  }
}

/**
 * Makes one recording of a stream recorded in several segments (the page
 * was reloaded mid-answer): each segment is remuxed on its own, then they
 * are joined in order. A segment that cannot be read (e.g. cut inside its
 * header by the reload) is left out when another one can be.
 */
async function joinSegments(
  deps: FinalizeDeps,
  qa: QuestionAnswerRow,
  stream: StreamName,
  parts: { segment: number; path: string }[],
  outputPath: string,
): Promise<void> {
  const label = labels[stream];
  const remuxed: { path: string }[] = [];
  let firstError: unknown;
  for (const part of parts) {
    const path = segmentWebmPath(deps.dataDir, qa.interviewId, qa.questionId, stream, part.segment);
    try {
      await remuxWebm(deps.ffmpeg, { path: part.path }, { label, outputPath: path });
      remuxed.push({ path });
    } catch (error) {
      firstError ??= error;
      log.warn("left out a segment of a recording that could not be read", {
        question_answer_id: qa.id,
        stream,
        segment: part.segment,
        error: describe(error),
      });
    }
  }
  if (remuxed.length === 0) throw firstError;
  if (remuxed.length === 1) {
    await Deno.copyFile(remuxed[0].path, outputPath);
    return;
  }
  await concatWebm(deps.ffmpeg, remuxed, { label, outputPath });
}

/**
 * The answer's text: the browser's final transcript, or, when the browser
 * sent none, server-side speech-to-text of the WAV if a transcriber is set.
 */
async function answerText(
  deps: FinalizeDeps,
  qa: QuestionAnswerRow,
  wavLocalPath: string | null,
  language: string,
): Promise<{ text: string; source: AnswerSource; engine: string | null }> {
  const live = await transcriptText(deps.db, qa.id);
  if (live || !deps.transcriber || !wavLocalPath) {
    return { text: live, source: "transcript", engine: live ? "browser" : null };
  }
  try {
    const transcript = await deps.transcriber.transcribe(wavLocalPath, { language });
    return { text: transcript.text.trim(), source: "speech_to_text", engine: transcript.engine };
  } catch (error) {
    log.warn("speech-to-text failed; the answer has no text", {
      question_answer_id: qa.id,
      error: String(error),
    });
    return { text: "", source: "speech_to_text", engine: null };
  }
}

async function transcriptText(db: Db, questionAnswerId: number): Promise<string> {
  const segments = (await transcriptsOf(db, [questionAnswerId])).get(questionAnswerId) ?? [];
  return segments.map((s) => s.text.trim()).filter(Boolean).join(" ");
}

/**
 * Finalizes question/answer row `questionAnswerId`. `complete` runs in the
 * transaction that stores the results (to mark the job done with them).
 * Does nothing when the answer is already final.
 */
export async function finalizeAnswer(
  deps: FinalizeDeps,
  questionAnswerId: number,
  complete: (tx: Tx) => Promise<void>,
): Promise<void> {
  const qa = await findQuestionAnswer(deps.db, questionAnswerId);
  if (!qa || (qa.status !== "RECORDING" && qa.status !== "PROCESSING")) {
    await deps.db.transaction(complete);
    return;
  }
  const started = performance.now();
  await deps.claimStaging(qa);
  const outputs = await buildOutputs(deps, qa);
  const interview = await findInterview(deps.db, qa.interviewId);
  const language = interview?.language ?? "en";
  // The transcriber reads the local WAV, so text comes before the files are moved away.
  const answer = await answerText(deps, qa, outputs.wavLocalPath, language);
  await storeOutputs(deps, qa, outputs);
  const text = answer.text;
  const evaluation = await deps.engine.evaluateAnswer(
    questionToEvaluate(qa),
    text,
    `user ${qa.userId}`,
  );
  const followUp = await proposeFollowUp(deps.db, deps.engine, qa, {
    text,
    evaluation,
    language,
    maxFollowUps: interview?.maxFollowUps ?? 0,
  });
  const failed = outputs.problems.length > 0;
  const result = await updateAnswer(deps.db, {
    interviewId: qa.interviewId,
    questionRowId: qa.id,
    fromStatuses: ["RECORDING", "PROCESSING"],
  }, {
    status: failed ? "FAILED" : "ANSWERED",
    failureReason: failed ? outputs.problems.join(" ") : null,
    answerText: text || null,
    answerSource: text ? answer.source : null,
    transcriptEngine: answer.engine,
    cameraRecordingPath: outputs.paths.camera,
    screenRecordingPath: outputs.paths.screen,
    audioRecordingPath: outputs.paths.audio,
    combinedRecordingPath: outputs.paths.combined,
    ...evaluationValues(evaluation),
    aiRemark: text
      ? evaluation.remark
      : "No answer was transcribed, so nothing could be evaluated.",
    answeredAt: new Date(),
    media: {
      ...(qa.media ?? { streams: [], mimeTypes: {} }),
      wavPath: outputs.wavPath ?? undefined,
      receivedBytes: outputs.receivedBytes,
    },
  }, async (tx) => {
    if (followUp) await insertFollowUp(tx, qa, followUp);
    await complete(tx);
  });
  if (!result) {
    await deps.db.transaction(complete);
    return;
  }
  if (result.interviewCompleted) {
    await queueReport(deps.db, qa.interviewId);
    deps.pokeJobs();
  }
  log.info("answer finalized", {
    question_answer_id: qa.id,
    interview_id: qa.interviewId,
    status: result.row.status,
    score: evaluation.score,
    problems: outputs.problems.length,
    ms: Math.round(performance.now() - started),
  });
  await discardStaging(deps, qa);
  await announceFinalized(deps, result.row, result.interviewCompleted);
}

/** Tells the candidate and observers that an answer is final, and whether the interview is over. */
export async function announceFinalized(
  deps: Pick<FinalizeDeps, "db" | "bus">,
  row: QuestionAnswerRow,
  interviewCompleted: boolean,
): Promise<void> {
  deps.bus.publish({
    interview_id: row.interviewId,
    type: "finalized",
    question: toQuestionAnswerOut(
      row,
      { isCandidate: false },
      (await transcriptsOf(deps.db, [row.id])).get(row.id),
    ),
  });
  if (interviewCompleted) {
    const interview = await findInterview(deps.db, row.interviewId);
    deps.bus.publish({
      interview_id: row.interviewId,
      type: "interview.completed",
      status: interview?.status ?? "completed",
    });
  }
}

/**
 * Marks an answer failed without its recordings, when finalization itself
 * keeps failing: the interview must go on. What the candidate said is kept:
 * the live transcript (already in the database, also when the instance
 * holding the recording died) becomes the answer's text and is evaluated.
 */
export async function failAnswer(
  deps: Pick<FinalizeDeps, "db" | "bus" | "dataDir" | "store" | "engine">,
  questionAnswerId: number,
  reason: string,
  complete: (tx: Tx) => Promise<void>,
): Promise<void> {
  const qa = await findQuestionAnswer(deps.db, questionAnswerId);
  if (!qa) return;
  const text = await transcriptText(deps.db, qa.id);
  const evaluation = text
    ? await deps.engine.evaluateAnswer(questionToEvaluate(qa), text).catch((error) => {
      log.warn("could not evaluate the transcript of a failed answer", {
        question_answer_id: qa.id,
        error: String(error),
      });
      return null;
    })
    : null;
  const result = await updateAnswer(
    deps.db,
    {
      interviewId: qa.interviewId,
      questionRowId: qa.id,
      fromStatuses: ["RECORDING", "PROCESSING"],
    },
    {
      status: "FAILED",
      failureReason: reason,
      answeredAt: new Date(),
      ...(text && { answerText: text, answerSource: "transcript", transcriptEngine: "browser" }),
      ...(evaluation && { ...evaluationValues(evaluation), aiRemark: evaluation.remark }),
    },
    complete,
  );
  if (!result) return;
  await removeUnreferencedOutputs(deps, qa);
  await discardStaging(deps, qa);
  await announceFinalized(deps, result.row, result.interviewCompleted);
}

/**
 * Deletes what an earlier attempt of a now FAILED answer may have stored
 * before failing: its row points at none of these keys, so nothing would
 * ever read or delete them.
 */
async function removeUnreferencedOutputs(
  deps: Pick<FinalizeDeps, "store">,
  qa: QuestionAnswerRow,
): Promise<void> {
  const files: OutputFile[] = [
    "camera.webm",
    "screen.webm",
    "audio.webm",
    "combined.webm",
    "audio.wav",
  ];
  for (const file of files) {
    const key = outputPath(qa.interviewId, qa.questionId, file);
    await deps.store.delete(key).catch((error) =>
      log.warn("could not delete a stored recording of a failed answer", {
        question_answer_id: qa.id,
        key,
        error: String(error),
      })
    );
  }
}

/**
 * Staging is deleted once the outcome is stored, also of a FAILED answer:
 * what the product shows of it (failure reason, transcript, score, any
 * finalized file) is in the row and the finalized files.
 */
async function discardStaging(
  deps: Pick<FinalizeDeps, "dataDir">,
  qa: QuestionAnswerRow,
): Promise<void> {
  await removeStaging(deps.dataDir, qa.interviewId, qa.questionId)
    // With STORAGE=s3 nothing of the answer is left locally, not even its folder.
    .then(() => removeEmptyAnswerDir(deps.dataDir, qa.interviewId, qa.questionId))
    .catch((error) =>
      log.warn("could not delete the staged recordings of a final answer", {
        question_answer_id: qa.id,
        error: String(error),
      })
    );
}

/**
 * Hands a recording answer over to finalization: its status becomes
 * PROCESSING and a finalize job is queued, in one transaction. Safe to call
 * from several places at once (the session, its deadline, the sweeper).
 * Returns whether this call moved the answer on.
 */
export async function queueFinalization(
  db: Db,
  qa: { id: number },
  reason: string,
): Promise<boolean> {
  return await db.transaction(async (tx) => {
    const [moved] = await tx.update(questionAnswers).set({
      status: "PROCESSING",
      updatedAt: new Date(),
    })
      .where(and(eq(questionAnswers.id, qa.id), eq(questionAnswers.status, "RECORDING")))
      .returning({ id: questionAnswers.id });
    if (!moved) return false;
    await enqueueJob(tx, {
      kind: FINALIZE_JOB,
      key: finalizeJobKey(qa.id),
      payload: { question_answer_id: qa.id, reason },
    });
    return true;
  });
}

/** The job handler for {@link FINALIZE_JOB}; on the last attempt a failure marks the answer FAILED. */
export function finalizeJobHandler(deps: FinalizeDeps): JobHandler {
  return async (job, { lastAttempt }) => {
    const questionAnswerId = Number(job.payload.question_answer_id);
    const complete = (tx: Tx) => completeJob(tx, job.id);
    try {
      await finalizeAnswer(deps, questionAnswerId, complete);
    } catch (error) {
      if (!lastAttempt) throw error;
      const reason = `Finalization failed after ${job.attempts} attempts: ${describe(error)}`;
      await failAnswer(deps, questionAnswerId, reason, complete);
    }
  };
}
