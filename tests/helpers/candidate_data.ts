/**
 * Seeds a candidate with everything an account can own (documents, an
 * interview with answers, recordings, a stored report PDF, transcripts,
 * proctoring events, jobs, event payloads, throttle rows), and lists what
 * of it is left, for the deletion and audit tests; and records a real
 * answer over the realtime channel ({@linkcode recordAnswer}).
 *
 * @module
 */
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import type { TestApp } from "./app.ts";
import {
  documents,
  eventPayloads,
  interviews,
  jobs,
  loginThrottle,
  proctoringEvents,
  questionAnswers,
  transcriptSegments,
  users,
} from "../../db/schema.ts";
import { outputPath } from "../../media/recordings.ts";
import { writeFileAtomic } from "../../media/storage.ts";
import { rowsOf } from "../../db/migrate.ts";
import { reportKeyPrefix } from "../../routes/performance.ts";
import { storedAndLocalFiles } from "./storage.ts";
import { InterviewClient } from "../../realtime/client.ts";
import type { StreamName } from "../../realtime/frame.ts";
import { createCandidate, startInterview } from "../../bench/api.ts";
import { splitIntoChunks } from "../fixtures/media.ts";

const JD = "Backend engineer. Requirements: TypeScript, PostgreSQL and Redis. " +
  "You will design REST APIs and mentor junior engineers.";
const RESUME = "Jane Doe, software engineer. Skills: TypeScript, PostgreSQL, Docker.\n" +
  "Project: built a billing service in TypeScript on PostgreSQL.";

/** A seeded candidate's ids. */
export interface SeededCandidate {
  id: number;
  token: string;
  username: string;
  /** A completed interview with a report, recordings and every kind of row. */
  interviewId: number;
}

/** Bytes of the seeded camera recording. */
export const RECORDING_BYTES = new Uint8Array(4096).fill(7);

/**
 * Creates candidate `username` with documents, and one interview of two
 * answered questions whose first has a camera recording and a WAV in the
 * app's object store and the second staged chunks on local disk,
 * transcripts and a proctoring event; a report (its PDF downloaded once, so
 * stored), a queued report job, an event payload and a failed login from
 * one address.
 */
export async function seedCandidate(t: TestApp, username: string): Promise<SeededCandidate> {
  const { db } = t.deps.database;
  const user = await t.user(username);
  const token = user.token;
  assert.equal(
    (await t.request("POST", "/jd_resume/upload_jd", { token, body: { text: JD } })).status,
    201,
  );
  const form = new FormData();
  form.append("file", new File([RESUME], "resume.txt", { type: "text/plain" }));
  assert.equal(
    (await t.request("POST", "/jd_resume/upload_resume", { token, body: form })).status,
    201,
  );
  const started = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: `${username}'s round`, question_count: 2 },
  });
  assert.equal(started.status, 201);
  const interviewId = (await started.json()).interview_id as number;
  for (const questionId of [1, 2]) {
    const answered = await t.request("POST", "/interview/answer_question", {
      token,
      body: { interview_id: interviewId, question_id: questionId, answer_text: "I use indexes." },
    });
    assert.equal(answered.status, 200);
  }
  const camera = outputPath(interviewId, 1, "camera.webm");
  const wav = outputPath(interviewId, 1, "audio.wav");
  await t.deps.store.put(camera, RECORDING_BYTES);
  await t.deps.store.put(wav, new Uint8Array(64));
  // Staging is always on local disk, whatever STORAGE says.
  await writeFileAtomic(
    t.deps.config.DATA_DIR,
    `recordings/${interviewId}/2/staging/audio.raw`,
    new Uint8Array(8),
  );
  const [first] = await db.update(questionAnswers).set({
    cameraRecordingPath: camera,
    media: { streams: ["camera"], mimeTypes: { camera: "video/webm" }, wavPath: wav },
  }).where(eq(questionAnswers.interviewId, interviewId)).returning();
  await db.update(interviews).set({
    report: {
      strengths: ["Indexes"],
      gaps: ["Caching"],
      recommendation: "hire",
      summary: "Knows PostgreSQL.",
      engine: "offline",
    },
  }).where(eq(interviews.id, interviewId));
  const pdf = await t.request("GET", `/api/performance/details/${interviewId}/report.pdf`, {
    token,
  });
  assert.equal(pdf.status, 200);
  await pdf.body?.cancel();
  assert.equal((await t.deps.store.list(reportKeyPrefix(interviewId))).length, 1);
  await db.insert(transcriptSegments).values({
    questionAnswerId: first.id,
    text: "I use indexes.",
    startMs: 0,
    endMs: 900,
  });
  await db.insert(proctoringEvents).values({
    interviewId,
    questionId: 1,
    kind: "tab_hidden",
    occurredAt: new Date(),
  });
  await db.insert(jobs).values({
    kind: "interview_report",
    dedupeKey: `seeded_report:${interviewId}`,
    payload: { interview_id: interviewId },
  });
  await db.insert(jobs).values({
    kind: "finalize_answer",
    dedupeKey: `seeded_finalize:${first.id}`,
    payload: { question_answer_id: first.id, reason: "seeded" },
    status: "done",
  });
  await db.insert(eventPayloads).values({ payload: { interview_id: interviewId, type: "x" } });
  const failed = await t.request("POST", "/auth/login", {
    body: { username, password: "not the password" },
  });
  assert.equal(failed.status, 401);
  return { id: user.id, token, username, interviewId };
}

/** Rows of every table that refer to user `userId` or interview `interviewId`, by table. */
export async function rowsLeft(
  t: TestApp,
  who: { userId: number; username: string; interviewId: number },
): Promise<Record<string, number>> {
  const { db } = t.deps.database;
  const countOf = async (query: Promise<unknown[]>) => (await query).length;
  const answerIds = sql`(select id from question_answers where interview_id = ${who.interviewId})`;
  return {
    users: await countOf(db.select().from(users).where(eq(users.id, who.userId))),
    documents: await countOf(db.select().from(documents).where(eq(documents.userId, who.userId))),
    interviews: await countOf(
      db.select().from(interviews).where(eq(interviews.id, who.interviewId)),
    ),
    question_answers: await countOf(
      db.select().from(questionAnswers).where(eq(questionAnswers.interviewId, who.interviewId)),
    ),
    // Transcripts hang off answers; any whose answer is gone would be orphans.
    transcript_segments: rowsOf<unknown>(
      await db.execute(sql`select 1 from transcript_segments
        where question_answer_id in ${answerIds}
           or question_answer_id not in (select id from question_answers)`),
    ).length,
    proctoring_events: await countOf(
      db.select().from(proctoringEvents).where(eq(proctoringEvents.interviewId, who.interviewId)),
    ),
    jobs: rowsOf<unknown>(
      await db.execute(
        sql`select 1 from jobs where payload->>'interview_id' = ${
          String(who.interviewId)
        } or payload->>'question_answer_id' in (select id::text from question_answers
        where interview_id = ${who.interviewId})`,
      ),
    ).length,
    event_payloads: rowsOf<unknown>(
      await db.execute(
        sql`select 1 from event_payloads where payload->>'interview_id' = ${
          String(who.interviewId)
        }`,
      ),
    ).length,
    login_throttle: await countOf(
      db.select().from(loginThrottle).where(
        eq(loginThrottle.username, who.username.toLowerCase()),
      ),
    ),
  };
}

/**
 * Every stored file: uploaded documents, recordings and report PDFs in the
 * app's object store (keys `uploads/...`, `recordings/...`, `reports/...`)
 * and whatever is under the same folders of `DATA_DIR` (staging).
 */
export async function filesUnder(t: TestApp): Promise<string[]> {
  return await storedAndLocalFiles(t.deps.store, t.deps.config.DATA_DIR, [
    "uploads/",
    "recordings/",
    "reports/",
  ]);
}

/** The files of `filesUnder` that belong to user `userId` or interview `interviewId`. */
export function filesOf(
  files: string[],
  who: { userId: number; interviewId: number },
): string[] {
  return files.filter((path) =>
    path.startsWith(`recordings/${who.interviewId}/`) ||
    path.startsWith(reportKeyPrefix(who.interviewId)) ||
    new RegExp(`^uploads/[a-z]+/${who.userId}/`).test(path)
  );
}

const mimeTypes: Record<StreamName, string> = {
  camera: "video/webm",
  screen: "video/webm",
  audio: "audio/webm",
};

/**
 * Signs up a new candidate on the server at `base`, starts a one-question
 * interview and records its answer over the realtime channel as a browser
 * does: each of `streams` (the bytes of a live WebM) in 64 KiB chunks, then
 * waits until the answer is finalized. An empty `transcript` sends none, as
 * a browser without speech recognition.
 */
export async function recordAnswer(
  base: string,
  streams: Partial<Record<StreamName, Uint8Array>>,
  transcript: string,
): Promise<{
  interviewId: number;
  questionId: number;
  token: string;
  question: Record<string, unknown>;
}> {
  const token = await createCandidate(base, `rec${crypto.randomUUID().slice(0, 8)}`);
  const interviewId = await startInterview(base, token, "Recorded");
  const client = new InterviewClient({
    url: `${base.replace(/^http/, "ws")}/realtime/interviews/${interviewId}`,
    token,
  });
  try {
    const questionId = (await client.connect()).question!.question_id;
    const names = Object.keys(streams) as StreamName[];
    await client.startAnswer(
      questionId,
      names,
      Object.fromEntries(names.map((n) => [n, mimeTypes[n]])),
    );
    for (const name of names) {
      for (const chunk of splitIntoChunks(streams[name]!, [64 * 1024])) {
        await client.sendChunk(questionId, name, chunk);
      }
    }
    if (transcript) {
      client.sendTranscript({
        question_id: questionId,
        text: transcript,
        is_final: true,
        start_ms: 0,
        end_ms: 900,
      });
    }
    for (const name of names) await client.endStream(questionId, name);
    const finalized = client.waitFor("finalized", undefined, 60_000);
    await client.endAnswer(questionId);
    return { interviewId, questionId, token, question: (await finalized).question };
  } finally {
    client.close();
  }
}
