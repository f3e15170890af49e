// The service on an OpenAI-compatible provider (a fake one started here):
// generated questions, rubric scores, a follow-up and the report end to end;
// and with the provider gone, the interview still completes on the offline
// engine, which is recorded.
import assert from "node:assert/strict";
import { extractText } from "unpdf";
import {
  naiveModel,
  openAiCompletion,
  startLlmServer,
  transcriptionReply,
} from "./fixtures/llm_server.ts";
import { makeLiveWebm } from "./fixtures/media.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { encodeFrame } from "../realtime/frame.ts";
import { recordEvaluationOwners } from "./helpers/app.ts";
import { RawPeer } from "./helpers/raw_peer.ts";
import { type LiveServer, startLiveServer } from "./helpers/live_server.ts";

const JD = "Backend engineer. Must know PostgreSQL and Kubernetes; Redis is a plus.";

function liveTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startInterview(server: LiveServer, token: string, body: Record<string, unknown>) {
  await server.request("POST", "/jd_resume/upload_jd", { token, body: { text: JD } });
  const response = await server.request("POST", "/interview/start_interview", { token, body });
  assert.equal(response.status, 201);
  return await response.json();
}

async function answer(
  server: LiveServer,
  token: string,
  interviewId: number,
  questionId: number,
  text: string,
) {
  const response = await server.request("POST", "/interview/answer_question", {
    token,
    body: { interview_id: interviewId, question_id: questionId, answer_text: text },
  });
  assert.equal(response.status, 200);
  return await response.json();
}

liveTest(
  "on an OpenAI-compatible provider an interview gets generated questions, rubric scores, a follow-up and a report",
  async () => {
    const llm = startLlmServer((request) => openAiCompletion(naiveModel(request)));
    const server = await startLiveServer({
      AI_PROVIDER: "openai-compatible",
      AI_BASE_URL: llm.url,
      AI_MODEL: "interviewer-test",
      AI_TIMEOUT_MS: "3000",
    });
    try {
      const { token } = await server.user("lena");
      const started = await startInterview(server, token, {
        interview_name: "LLM",
        question_count: 2,
        difficulty: "senior",
        max_follow_ups: 1,
      });
      assert.equal(started.questions.length, 2);
      assert.match(
        started.questions[0].question_text,
        /How have you used PostgreSQL in production/,
      );
      const planRequest = llm.requests.find((r) =>
        JSON.stringify(r.json).includes("interview questions")
      );
      assert.ok(planRequest, "the provider was asked for the questions");

      const first = await answer(
        server,
        token,
        started.interview_id,
        1,
        "In production we hit an incident with PostgreSQL internals: vacuum lagged, and I reduced bloat by 40 percent.",
      );
      assert.equal(first.evaluation_engine, "openai-compatible:interviewer-test");
      assert.equal(first.fallback_reason, null);
      // The rubric has weights 3, 2 and 1; the naive model reports which points were met and our code scores them.
      assert.ok(first.candidate_score > 0 && first.candidate_score <= 10);

      const afterFirst =
        await (await server.request("GET", `/interview/${started.interview_id}`, { token })).json();
      assert.equal(afterFirst.questions.length, 3, "a follow-up was added");
      assert.equal(
        afterFirst.questions[1].question_id,
        3,
        "right after the question it follows, with the next free number",
      );
      // Answer whatever is open, in order, until the interview is complete (each planned question may get one follow-up).
      for (let round = 0; round < 6; round++) {
        const current =
          await (await server.request("GET", `/interview/${started.interview_id}`, { token }))
            .json();
        const next = current.questions.find((q: { status: string }) => q.status === "NEW");
        if (!next) break;
        await answer(
          server,
          token,
          started.interview_id,
          next.question_id,
          "Internals in production: MVCC keeps old row versions.",
        );
      }
      const finished =
        await (await server.request("GET", `/interview/${started.interview_id}`, { token })).json();
      assert.equal(finished.status, "completed");
      assert.equal(
        finished.questions.filter((q: { question_id: number }) => q.question_id > 2).length,
        2,
        "one follow-up per planned question",
      );
      const report = await waitFor(async () => {
        const details =
          await (await server.request("GET", `/api/performance/details/${started.interview_id}`, {
            token,
          })).json();
        return details.interview.report ?? undefined;
      }, "the report");
      assert.equal(report.engine, "openai-compatible:interviewer-test");
      assert.ok(
        ["strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"].includes(
          report.recommendation,
        ),
      );
      const pdf = await server.request(
        "GET",
        `/api/performance/details/${started.interview_id}/report.pdf`,
        { token },
      );
      assert.equal(pdf.headers.get("content-type"), "application/pdf");
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), "%PDF-");
      const { text } = await extractText(bytes, { mergePages: true });
      assert.ok(text.includes("Recommendation"), text);
      assert.ok(text.includes(report.summary.slice(0, 40)), "the engine's summary is in the PDF");

      // The provider goes away: the next interview completes on the offline engine, and says so.
      await llm.close();
      const offline = await startInterview(server, token, {
        interview_name: "Fallback",
        question_count: 1,
      });
      assert.equal(offline.questions.length, 1);
      const done = await answer(
        server,
        token,
        offline.interview_id,
        1,
        "PostgreSQL with indexes and EXPLAIN ANALYZE.",
      );
      assert.equal(done.evaluation_engine, "offline");
      assert.match(done.fallback_reason, /./);
      const details =
        await (await server.request("GET", `/api/performance/details/${offline.interview_id}`, {
          token,
        }))
          .json();
      assert.equal(details.interview.status, "completed");
      assert.equal(details.questions[0].question_engine, "offline");
    } finally {
      await server.stop();
      await llm.close();
    }
  },
);

liveTest("an answer recorded without a transcript is transcribed on the server", async () => {
  const llm = startLlmServer((request) =>
    request.path.endsWith("/audio/transcriptions")
      ? transcriptionReply("I scaled PostgreSQL with read replicas and partitioning.")
      : openAiCompletion(naiveModel(request))
  );
  const server = await startLiveServer({
    AI_TRANSCRIPTION_MODEL: "whisper-test",
    AI_TRANSCRIPTION_BASE_URL: llm.url,
    AI_TRANSCRIPTION_API_KEY: "test-key",
  });
  const pool = new FfmpegPool({ concurrency: 1 });
  try {
    const audio = await makeLiveWebm(pool, { seconds: 3, video: false, audio: true });
    const { id, token } = await server.user("milo");
    // The finalizer evaluates on behalf of the answer's owner (the encoder's fair share).
    const owners = recordEvaluationOwners(server.deps.engine);
    const started = await startInterview(server, token, {
      interview_name: "Spoken",
      question_count: 1,
    });
    const peer = await RawPeer.open(
      `${server.wsBase}/realtime/interviews/${started.interview_id}?token=${token}`,
    );
    await peer.next("session");
    peer.send({ type: "answer.start", question_id: 1, streams: ["audio"] });
    await peer.next("answer.started");
    peer.sendBinary(
      encodeFrame({ stream: "audio", questionId: 1, seq: 0, offset: 0, payload: audio }),
    );
    await peer.next("ack");
    peer.send({
      type: "stream.end",
      question_id: 1,
      stream: "audio",
      final_offset: audio.byteLength,
    });
    peer.send({ type: "answer.end", question_id: 1 });
    const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
      string,
      unknown
    >;
    assert.equal(finalized.answer_text, "I scaled PostgreSQL with read replicas and partitioning.");
    assert.equal(finalized.answer_source, "speech_to_text");
    assert.deepEqual(owners, [`user ${id}`]);
    const upload = llm.requests.find((r) => r.path.endsWith("/audio/transcriptions"));
    const file = upload?.form?.file as { bytes: Uint8Array } | undefined;
    assert.ok(file, "the WAV was uploaded");
    const header = new DataView(file.bytes.buffer, file.bytes.byteOffset, 44);
    assert.equal(header.getUint32(24, true), 16000, "16 kHz");
    assert.equal(header.getUint16(22, true), 1, "mono");
    assert.equal(upload?.form?.model, "whisper-test");
    await peer.close();
  } finally {
    pool.close();
    await server.stop();
    await llm.close();
  }
});
