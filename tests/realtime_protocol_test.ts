// The live channel spoken frame by frame: a whole interview with real WebM,
// repeated, out-of-order, oversized and garbage frames, and who may connect.
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeFrame, type StreamName } from "../realtime/protocol.ts";
import { crc32 } from "../media/bytes.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { makeLiveWebm, splitIntoChunks } from "./fixtures/media.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import { type LiveServer, startLiveServer } from "./helpers/live_server.ts";
import { handshakeStatus, RawPeer } from "./helpers/raw_peer.ts";

const JD = "Backend engineer: TypeScript, PostgreSQL, Kubernetes, Docker, Redis, AWS.";

function liveTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

async function interviewFor(server: LiveServer, username: string, questions = 2) {
  const { id, token } = await server.user(username);
  await server.request("POST", "/jd_resume/upload_jd", { token, body: { text: JD } });
  const started = await server.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Live", question_count: questions },
  });
  const body = await started.json();
  return { userId: id, token, interviewId: body.interview_id as number, questions: body.questions };
}

const fixturePool = new FfmpegPool({ concurrency: 2 });
let fixtures: Promise<{ camera: Uint8Array; audio: Uint8Array }> | undefined;
function media() {
  fixtures ??= Promise.all([
    makeLiveWebm(fixturePool, { seconds: 3, video: true, audio: false }),
    makeLiveWebm(fixturePool, { seconds: 3, video: false, audio: true }),
  ]).then(([camera, audio]) => ({ camera, audio }));
  return fixtures;
}

function frame(
  questionId: number,
  stream: StreamName,
  seq: number,
  offset: number,
  payload: Uint8Array,
  checksum = true,
) {
  return encodeFrame({
    stream,
    questionId,
    seq,
    offset,
    payload,
    crc32: checksum ? crc32(payload) : undefined,
  });
}

/** Sends `bytes` as chunks and waits for the last ack. */
async function stream(
  peer: RawPeer,
  questionId: number,
  name: StreamName,
  bytes: Uint8Array,
  chunk = 16 * 1024,
) {
  const chunks = splitIntoChunks(bytes, Array(Math.ceil(bytes.byteLength / chunk)).fill(chunk));
  let offset = 0;
  chunks.forEach((payload, seq) => {
    peer.sendBinary(frame(questionId, name, seq, offset, payload));
    offset += payload.byteLength;
  });
  await peer.next("ack", { question_id: questionId, stream: name, seq: chunks.length - 1 });
  return offset;
}

liveTest(
  "a whole interview over the protocol: real WebM in, finalized recordings out",
  async () => {
    const server = await startLiveServer();
    try {
      const { token, interviewId } = await interviewFor(server, "ada");
      const { camera, audio } = await media();
      const peer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
      );
      const session = await peer.next("session");
      assert.equal((session.question as { question_id: number }).question_id, 1);
      assert.equal(session.answer, null);

      peer.send({
        type: "answer.start",
        question_id: 1,
        streams: ["camera", "audio"],
        mime_types: { camera: "video/webm" },
      });
      const started = await peer.next("answer.started", { question_id: 1 });
      assert.ok(Date.parse(String(started.deadline)) > Date.parse(String(started.started_at)));
      const cameraBytes = await stream(peer, 1, "camera", camera);
      const audioBytes = await stream(peer, 1, "audio", audio, 4096);
      peer.send({
        type: "transcript",
        question_id: 1,
        text: "I use PostgreSQL",
        is_final: false,
        start_ms: 0,
        end_ms: 500,
      });
      peer.send({
        type: "transcript",
        question_id: 1,
        text:
          "In my last project I tuned PostgreSQL indexes with EXPLAIN ANALYZE and cut p99 from 120 ms to 15 ms.",
        is_final: true,
        start_ms: 0,
        end_ms: 4000,
      });
      peer.send({ type: "event", kind: "tab_hidden", at: Date.now() });
      peer.send({
        type: "stream.end",
        question_id: 1,
        stream: "camera",
        final_offset: cameraBytes,
      });
      peer.send({ type: "stream.end", question_id: 1, stream: "audio", final_offset: audioBytes });
      assert.equal((await peer.next("stream.ended", { stream: "camera" })).committed, cameraBytes);
      peer.send({ type: "answer.end", question_id: 1 });
      await peer.next("answer.accepted", { question_id: 1 });

      const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "ANSWERED", String(finalized.failure_reason ?? ""));
      assert.match(String(finalized.answer_text), /EXPLAIN ANALYZE/);
      assert.deepEqual(
        (finalized.transcript_segments as { start_ms: number; end_ms: number }[]).map((
          s,
        ) => [s.start_ms, s.end_ms]),
        [[0, 4000]],
        "only final fragments are kept, with their times",
      );
      assert.ok(Number(finalized.candidate_score) > 0);
      for (
        const field of ["camera_recording_path", "audio_recording_path", "combined_recording_path"]
      ) {
        const path = String(finalized[field]);
        const layout = readWebmLayout(await Deno.readFile(join(server.deps.config.DATA_DIR, path)));
        assert.ok(
          layout.durationSeconds !== null && Math.abs(layout.durationSeconds - 3) < 0.5,
          `${field} duration`,
        );
        assert.ok(layout.hasCues, `${field} is seekable`);
      }
      assert.equal(finalized.screen_recording_path, null);
      const next = await peer.next("question", { question_id: 2 });
      assert.equal(next.number, 2);

      // Recordings are served with ranges to their candidate.
      const url = `${server.base}/interview/${interviewId}/questions/1/recordings/combined`;
      const whole = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const wholeBytes = new Uint8Array(await whole.arrayBuffer());
      assert.equal(whole.status, 200);
      const part = await fetch(`${url}?token=${token}`, { headers: { range: "bytes=100-199" } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), `bytes 100-199/${wholeBytes.byteLength}`);
      assert.deepEqual(new Uint8Array(await part.arrayBuffer()), wholeBytes.subarray(100, 200));
      const tail = await fetch(`${url}?token=${token}`, { headers: { range: "bytes=-10" } });
      assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), wholeBytes.subarray(-10));
      const beyond = await fetch(`${url}?token=${token}`, {
        headers: { range: `bytes=${wholeBytes.byteLength}-` },
      });
      assert.equal(beyond.status, 416);
      await beyond.body?.cancel();
      const stranger = await server.user("stranger");
      const reviewer = await server.user("reviewer", "interviewer");
      const refused = await fetch(`${url}?token=${stranger.token}`);
      assert.equal(refused.status, 404, "another candidate cannot fetch it");
      await refused.body?.cancel();
      const reviewed = await fetch(`${url}?token=${reviewer.token}`);
      assert.equal(reviewed.status, 200, "interviewers can");
      await reviewed.body?.cancel();
      const anonymous = await fetch(url);
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();

      // The second answer: audio only, no transcript; the interview completes.
      peer.send({ type: "answer.start", question_id: 2, streams: ["audio"] });
      const second = await stream(peer, 2, "audio", audio);
      peer.send({ type: "stream.end", question_id: 2, stream: "audio", final_offset: second });
      peer.send({ type: "answer.end", question_id: 2 });
      const last = (await peer.next("finalized", {}, 60_000, 1)).question as Record<
        string,
        unknown
      >;
      assert.equal(last.question_id, 2);
      assert.equal(last.answer_text, null);
      assert.equal(last.candidate_score, 0);
      const completed = await peer.next("interview.completed", {}, 30_000);
      assert.equal(completed.status, "completed");
      assert.equal(await peer.closed(), 1000);
    } finally {
      await server.stop();
    }
  },
);

liveTest(
  "repeated, out-of-order, corrupt, oversized and garbage frames are refused without harm",
  async () => {
    const server = await startLiveServer({ MAX_FRAME_KB: "64" });
    try {
      const { token, interviewId } = await interviewFor(server, "bob");
      const peer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
      );
      await peer.next("session");
      const first = new Uint8Array(1000).fill(1);
      const second = new Uint8Array(500).fill(2);

      peer.sendBinary(frame(1, "camera", 0, 0, first));
      assert.equal((await peer.next("error")).code, "not_current_question");
      peer.send({ type: "answer.start", question_id: 1, streams: ["camera"] });
      await peer.next("answer.started");
      peer.sendBinary(frame(1, "screen", 0, 0, first));
      assert.equal((await peer.next("error", { code: "stream_not_open" })).stream, "screen");

      peer.sendBinary(frame(1, "camera", 0, 0, first));
      assert.equal((await peer.next("ack", { seq: 0 })).committed, 1000);
      peer.sendBinary(frame(1, "camera", 0, 0, first));
      assert.equal(
        (await peer.next("ack", { seq: 0 }, 5000, 1)).committed,
        1000,
        "a repeat is acked again",
      );
      peer.sendBinary(frame(1, "camera", 2, 1500, second));
      assert.equal((await peer.next("error", { code: "wrong_offset" })).expected_offset, 1000);
      const corrupt = frame(1, "camera", 1, 1000, second);
      corrupt[corrupt.byteLength - 1] ^= 0xff;
      peer.sendBinary(corrupt);
      await peer.next("error", { code: "checksum_mismatch" });
      peer.sendBinary(new Uint8Array(100 * 1024));
      await peer.next("error", { code: "frame_too_large" });
      peer.sendBinary(new Uint8Array([9, 9, 9]));
      await peer.next("error", { code: "bad_frame" });
      peer.send("{not json");
      peer.send({ type: "answer.start", question_id: "one" });
      peer.send({ type: "launch_missiles" });
      await peer.next("error", { code: "bad_message" }, 5000, 2);
      // Overlapping resend: only the new bytes are written.
      peer.sendBinary(
        frame(1, "camera", 1, 500, new Uint8Array([...first.subarray(500), ...second])),
      );
      assert.equal((await peer.next("ack", { seq: 1 })).committed, 1500);
      peer.send({ type: "stream.end", question_id: 1, stream: "camera", final_offset: 2000 });
      assert.equal((await peer.next("error", { code: "incomplete_stream" })).expected_offset, 1500);
      peer.send({ type: "answer.end", question_id: 1 });
      await peer.next("error", { code: "streams_open" });

      const staged = await Deno.readFile(
        join(server.deps.config.DATA_DIR, `recordings/${interviewId}/1/staging/camera.part`),
      );
      assert.deepEqual(
        staged,
        new Uint8Array([...first, ...second]),
        "the staged bytes are exactly what was sent once",
      );
      peer.send({ type: "ping", id: "p1" });
      assert.equal((await peer.next("pong")).id, "p1");
      // A client that lost its byte counts (a reloaded page) can still end the answer.
      peer.send({ type: "answer.end", question_id: 1, force: true });
      await peer.next("answer.accepted", { question_id: 1 });
      const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.question_id, 1);
      await peer.close();
    } finally {
      await server.stop();
    }
  },
);

liveTest("only the interview's candidate connects; refusals come before the upgrade", async () => {
  const server = await startLiveServer({ CORS_ORIGINS: "https://app.example" });
  try {
    const { token, interviewId } = await interviewFor(server, "cleo", 1);
    const other = await server.user("mallory");
    const interviewer = await server.user("ivan", "interviewer");
    const url = `${server.wsBase}/realtime/interviews/${interviewId}`;
    assert.equal(await handshakeStatus(url), 401);
    assert.equal(await handshakeStatus(`${url}?token=garbage`), 401);
    assert.equal(await handshakeStatus(`${url}?token=${other.token}`), 404);
    assert.equal(await handshakeStatus(`${url}?token=${interviewer.token}`), 403);
    assert.equal(
      await handshakeStatus(`${server.wsBase}/realtime/interviews/99999?token=${token}`),
      404,
    );
    assert.equal(
      await handshakeStatus(`${url}?token=${token}`, { Origin: "https://evil.example" }),
      403,
    );
    assert.equal(
      await handshakeStatus(`${url}?token=${token}`, { Origin: "https://app.example" }),
      101,
    );
    assert.equal(
      await handshakeStatus(`${url}?token=${token}`, { "Sec-WebSocket-Protocol": "x" }),
      101,
    );

    // The token may come as a subprotocol, which is what browsers can set.
    const peer = await RawPeer.open(url, ["interviewer.v1", `bearer.${token}`]);
    assert.equal(peer.socket.protocol, "interviewer.v1");
    await peer.next("session");
    // A second connection replaces the first, which is told so.
    const second = await RawPeer.open(`${url}?token=${token}`);
    await second.next("session");
    assert.equal(await peer.closed(), 4000);

    const observerUrl = `${url}/observe`;
    assert.equal(
      await handshakeStatus(`${observerUrl}?token=${token}`),
      403,
      "candidates cannot observe",
    );
    assert.equal(await handshakeStatus(`${server.wsBase}/realtime/live?token=${other.token}`), 403);
    assert.equal(await handshakeStatus(`${observerUrl}?token=${interviewer.token}`), 101);
    assert.equal(await handshakeStatus(`${server.base}/realtime/live`.replace("ws", "http")), 401);
    await second.close();
  } finally {
    await server.stop();
  }
});

liveTest(
  "observers see the state on join, then every live event, and nothing of other interviews",
  async () => {
    const server = await startLiveServer();
    try {
      const { token, interviewId } = await interviewFor(server, "dora", 1);
      const otherInterview = await interviewFor(server, "ezra", 1);
      const interviewer = await server.user("olga", "interviewer");
      const observer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}/observe?token=${interviewer.token}`,
      );
      const state = await observer.next("observe.state");
      assert.equal((state.interview as { username: string }).username, "dora");
      assert.equal((state.interview as { candidate_online: boolean }).candidate_online, false);
      assert.equal((state.questions as unknown[]).length, 1);
      const live = await RawPeer.open(`${server.wsBase}/realtime/live?token=${interviewer.token}`);
      assert.deepEqual((await live.next("live.state")).interviews, []);

      const { audio } = await media();
      const peer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
      );
      await peer.next("session");
      await observer.next("candidate.connected");
      await observer.next("question.asked", { question_id: 1 });
      peer.send({ type: "answer.start", question_id: 1, streams: ["audio"] });
      await observer.next("answer.started", { question_id: 1 });
      const sent = await stream(peer, 1, "audio", audio, 2048);
      peer.send({
        type: "transcript",
        question_id: 1,
        text: "Kubernetes rolling",
        is_final: false,
        start_ms: 0,
        end_ms: 300,
      });
      peer.send({
        type: "transcript",
        question_id: 1,
        text: "I roll out with readiness probes and maxSurge.",
        is_final: true,
        start_ms: 0,
        end_ms: 2000,
      });
      peer.send({ type: "event", kind: "paste", at: Date.now(), detail: "42 characters" });
      assert.equal(
        (await observer.next("transcript", { is_final: false })).text,
        "Kubernetes rolling",
      );
      await observer.next("transcript", { is_final: true });
      assert.equal((await observer.next("proctoring")).kind, "paste");
      const stats = await observer.next("stream.stats", {}, 10_000);
      assert.ok((stats.streams as Record<string, { committed: number }>).audio.committed > 0);

      // A late joiner gets what happened so far in its state.
      const late = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}/observe?token=${interviewer.token}`,
      );
      const lateState = await late.next("observe.state");
      assert.equal((lateState.interview as { candidate_online: boolean }).candidate_online, true);
      assert.equal(
        (lateState.transcript as { text: string }[])[0].text,
        "I roll out with readiness probes and maxSurge.",
      );
      assert.equal((lateState.proctoring as { kind: string }[])[0].kind, "paste");
      const liveNow = await RawPeer.open(
        `${server.wsBase}/realtime/live?token=${interviewer.token}`,
      );
      const listed = (await liveNow.next("live.state")).interviews as {
        interview_id: number;
        username: string;
      }[];
      assert.deepEqual(listed.map((i) => [i.interview_id, i.username]), [[interviewId, "dora"]]);

      peer.send({ type: "stream.end", question_id: 1, stream: "audio", final_offset: sent });
      peer.send({ type: "answer.end", question_id: 1 });
      await observer.next("answer.processing");
      const finalized = (await observer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.ok(typeof finalized.candidate_score === "number");
      assert.match(String(finalized.candidate_grade), /^[A-F]$/);
      await observer.next("interview.completed");
      await live.next("interview.completed", { interview_id: interviewId });
      await observer.next("candidate.disconnected");

      assert.ok(
        observer.messages.every((m) =>
          m.interview_id === undefined || m.interview_id === interviewId
        ),
        "no event of another interview reaches a single-interview observer",
      );
      assert.ok(!live.messages.some((m) => m.interview_id === otherInterview.interviewId));
      for (const p of [observer, live, late, liveNow]) await p.close();
    } finally {
      await server.stop();
    }
  },
);

liveTest(
  "a recording that cannot be repaired fails its answer with the reason; the interview goes on",
  async () => {
    const server = await startLiveServer();
    try {
      const { token, interviewId } = await interviewFor(server, "finn", 2);
      const peer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
      );
      await peer.next("session");
      peer.send({ type: "answer.start", question_id: 1, streams: ["camera"] });
      const garbage = new Uint8Array(20_000).map((_, i) => (i * 7919) % 251);
      const sent = await stream(peer, 1, "camera", garbage);
      peer.send({
        type: "transcript",
        question_id: 1,
        text: "My answer in words.",
        is_final: true,
        start_ms: 0,
        end_ms: 900,
      });
      peer.send({ type: "stream.end", question_id: 1, stream: "camera", final_offset: sent });
      peer.send({ type: "answer.end", question_id: 1 });
      const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "FAILED");
      assert.equal(finalized.camera_recording_path, null);
      assert.equal(
        finalized.answer_text,
        "My answer in words.",
        "the transcript is still kept and scored",
      );
      const details =
        await (await server.request("GET", `/api/performance/details/${interviewId}`, { token }))
          .json();
      assert.equal(details.questions[0].status, "FAILED");
      assert.match(details.questions[0].failure_reason, /camera recording/);
      await peer.next("question", { question_id: 2 });
      await peer.close();
    } finally {
      await server.stop();
    }
  },
);

liveTest("an answer past its time limit is closed and finalized with what arrived", async () => {
  const server = await startLiveServer({ ANSWER_TIME_LIMIT_S: "10" });
  try {
    const { token, interviewId } = await interviewFor(server, "gus", 2);
    const peer = await RawPeer.open(
      `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
    );
    await peer.next("session");
    peer.send({ type: "answer.start", question_id: 1, streams: ["audio"] });
    await peer.next("answer.started");
    const { audio } = await media();
    await stream(peer, 1, "audio", audio);
    // Nothing is ended: the deadline must close it.
    assert.equal(
      (await peer.next("error", { code: "answer_time_exceeded" }, 20_000)).question_id,
      1,
    );
    const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
      string,
      unknown
    >;
    assert.equal(finalized.status, "ANSWERED");
    assert.ok(finalized.audio_recording_path);
    await peer.next("question", { question_id: 2 });
    peer.sendBinary(frame(1, "audio", 999, 0, new Uint8Array(10)));
    assert.equal((await peer.next("error", { code: "not_current_question" })).question_id, 1);
    await peer.close();
  } finally {
    await server.stop();
  }
});

liveTest(
  "a candidate who leaves mid-answer and stays away past the grace period gets it finalized",
  async () => {
    const server = await startLiveServer({ RECONNECT_GRACE_S: "1" });
    try {
      const { token, interviewId } = await interviewFor(server, "hana", 1);
      const interviewer = await server.user("ines", "interviewer");
      const observer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}/observe?token=${interviewer.token}`,
      );
      await observer.next("observe.state");
      const peer = await RawPeer.open(
        `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
      );
      await peer.next("session");
      peer.send({ type: "answer.start", question_id: 1, streams: ["audio"] });
      const { audio } = await media();
      await stream(peer, 1, "audio", audio);
      await peer.close();
      await observer.next("candidate.disconnected");
      const processing = await observer.next("answer.processing", {}, 15_000);
      assert.match(String(processing.reason), /left/);
      const finalized = (await observer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "ANSWERED");
      await observer.next("interview.completed");
      await observer.close();
    } finally {
      await server.stop();
    }
  },
);

liveTest(
  "limits: bytes waiting per connection, bytes per answer, connections per user",
  async () => {
    const server = await startLiveServer({
      MAX_FRAME_KB: "64",
      MAX_QUEUED_KB: "256",
      MAX_ANSWER_MB: "2",
      MAX_CONNECTIONS_PER_USER: "1",
    });
    try {
      const { token, interviewId } = await interviewFor(server, "ivy", 2);
      const url = `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`;
      const peer = await RawPeer.open(url);
      await peer.next("session");
      assert.equal(
        await handshakeStatus(url),
        429,
        "a second connection of the same user is refused",
      );
      peer.send({ type: "answer.start", question_id: 1, streams: ["camera"] });
      await peer.next("answer.started");

      // A burst far beyond what may wait: some frames are refused, none is half-written.
      const payload = new Uint8Array(64 * 1024).fill(7);
      for (let seq = 0; seq < 30; seq++) {
        peer.sendBinary(
          frame(1, "camera", seq, seq * payload.byteLength, payload),
        );
      }
      peer.send({ type: "ping", id: "after-burst" });
      await peer.next("pong", { id: "after-burst" });
      const overloaded = peer.messages.filter((m) => m.code === "overloaded").length;
      assert.ok(overloaded > 0, "the burst was pushed back");
      const acks = peer.messages.filter((m) => m.type === "ack").map((m) => Number(m.committed));
      const committed = Math.max(...acks);
      assert.equal(committed % payload.byteLength, 0);
      const staged = join(
        server.deps.config.DATA_DIR,
        `recordings/${interviewId}/1/staging/camera.part`,
      );
      assert.equal((await Deno.stat(staged)).size, committed);

      // Past MAX_ANSWER_MB the answer is closed and finalized with what it has.
      let offset = committed;
      for (let seq = 100; offset <= 2 * 1024 * 1024; seq++) {
        peer.sendBinary(frame(1, "camera", seq, offset, payload));
        const reply = await Promise.race([
          peer.next("ack", { seq }),
          peer.next("error", { code: "answer_too_large" }),
        ]);
        if (reply.type === "error") break;
        offset += payload.byteLength;
      }
      assert.ok(peer.messages.some((m) => m.code === "answer_too_large"));
      assert.equal((await peer.next("finalized", {}, 60_000)).type, "finalized");
      await peer.close();
    } finally {
      await server.stop();
    }
  },
);

liveTest(
  "an answer continued in a new segment after a reload is finalized as one recording",
  async () => {
    const server = await startLiveServer();
    try {
      const { token, interviewId } = await interviewFor(server, "rita", 1);
      const { camera, audio } = await media();
      const url = `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`;
      const before = await RawPeer.open(url);
      await before.next("session");
      before.send({ type: "answer.start", question_id: 1, streams: ["camera", "audio"] });
      await before.next("answer.started");
      const cameraBytes = await stream(before, 1, "camera", camera);
      await stream(before, 1, "audio", audio, 4096);
      before.send({
        type: "transcript",
        question_id: 1,
        text: "Before the reload I described PostgreSQL indexes.",
        is_final: true,
        start_ms: 0,
        end_ms: 3000,
      });
      await before.close();

      // The reloaded page: a new connection, new recorders, segment 1.
      const after = await RawPeer.open(url);
      const session = await after.next("session");
      assert.deepEqual(session.answer, {
        question_id: 1,
        status: "RECORDING",
        segment: 0,
        streams: {
          camera: { committed: cameraBytes, ended: false },
          audio: { committed: audio.byteLength, ended: false },
        },
      });
      after.send({ type: "answer.start", question_id: 1, streams: ["camera"], segment: 2 });
      assert.match(String((await after.next("error", { code: "bad_message" })).message), /0 or 1/);
      after.send({
        type: "answer.start",
        question_id: 1,
        streams: ["camera", "audio"],
        segment: 1,
      });
      await after.next("answer.started");
      // Offsets start again at 0 in the new segment.
      const cameraAgain = await stream(after, 1, "camera", camera);
      const audioAgain = await stream(after, 1, "audio", audio, 4096);
      after.send({
        type: "answer.start",
        question_id: 1,
        streams: ["camera", "audio"],
        segment: 0,
      });
      await after.next("error", { code: "bad_message" });
      after.send({
        type: "transcript",
        question_id: 1,
        text: "After the reload I explained EXPLAIN ANALYZE.",
        is_final: true,
        start_ms: 3000,
        end_ms: 6000,
      });
      after.send({
        type: "stream.end",
        question_id: 1,
        stream: "camera",
        final_offset: cameraAgain,
      });
      after.send({ type: "stream.end", question_id: 1, stream: "audio", final_offset: audioAgain });
      after.send({ type: "answer.end", question_id: 1 });
      await after.next("answer.accepted");
      const finalized = (await after.next("finalized", {}, 90_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "ANSWERED", String(finalized.failure_reason ?? ""));
      assert.match(String(finalized.answer_text), /Before the reload.*After the reload/);
      for (
        const field of ["camera_recording_path", "audio_recording_path", "combined_recording_path"]
      ) {
        const layout = readWebmLayout(
          await Deno.readFile(join(server.deps.config.DATA_DIR, String(finalized[field]))),
        );
        assert.ok(
          layout.durationSeconds !== null && Math.abs(layout.durationSeconds - 6) < 0.5,
          `${field} lasts both segments: ${layout.durationSeconds}`,
        );
        assert.ok(layout.hasCues, `${field} is seekable`);
      }
      await after.close();
    } finally {
      await server.stop();
    }
  },
);
