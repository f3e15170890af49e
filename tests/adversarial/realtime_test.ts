// Issue 8, items 6, 7 and 10 (and issue 10's segment bounds), against a real server with small limits: the
// attacks of attacks/realtime.ts must close the abuser, keep /health under
// 1 s and leave the victim's transcript and proctoring rows complete.
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { proctoringEvents, questionAnswers, transcriptSegments } from "../../db/schema.ts";
import { encodeFrame, MAX_SEGMENTS } from "../../realtime/protocol.ts";
import { type LiveServer, startLiveServer } from "../helpers/live_server.ts";
import { RawPeer } from "../helpers/raw_peer.ts";
import { assertStayedHealthy, watchHealth } from "./health_watch.ts";
import {
  frameForAnotherQuestion,
  newCandidate,
  poisonRows,
  strayFrame,
  tinyFrames,
  unreadReplies,
} from "./attacks/realtime.ts";

function liveTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

/** Runs `attack` against a fresh server started with `env`, watching /health throughout. */
async function underAttack<T>(
  name: string,
  env: Record<string, string>,
  attack: (server: LiveServer) => Promise<T>,
  check: (server: LiveServer, result: T) => void | Promise<void>,
): Promise<void> {
  const server = await startLiveServer(env);
  try {
    const watch = watchHealth(server.base);
    const result = await attack(server);
    await check(server, result);
    assertStayedHealthy(name, await watch.stop());
  } finally {
    await server.stop();
  }
}

/** Waits until the hub no longer holds a connection of `userId`. */
async function released(server: LiveServer, userId: number): Promise<void> {
  const hub = server.deps.hub;
  assert.ok(hub, "the live server has a hub");
  const deadline = Date.now() + 5000;
  while (hub.connectionsOf(userId) > 0) {
    assert.ok(Date.now() < deadline, `user ${userId}'s connection was never released`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

liveTest(
  "tiny frames for a question that is not current close the client, read or not",
  async () => {
    await underAttack(
      "tiny-frames",
      { MAX_ERROR_REPLIES: "100", MAX_QUEUED_MESSAGES: "64", MAX_OUTBOUND_KB: "64" },
      (server) => tinyFrames({ base: server.base }, "small"),
      async (server, { deaf, reader }) => {
        assert.ok(
          deaf.closedByServer,
          `the deaf client sent ${deaf.framesSent} frames, never closed`,
        );
        // The close frame itself may be lost: closing a socket with unread input resets it.
        assert.notEqual(reader.closeCode, null, `the reading client got ${reader.replies} replies`);
        assert.ok(reader.replies < 1000, `${reader.replies} replies before the close`);
        await released(server, deaf.userId);
        await released(server, reader.userId);
      },
    );
  },
);

liveTest("frames dropped as overloaded get at most one reply per 100 ms", async () => {
  // Error runs never close this client, so only the overloaded throttle bounds its replies.
  const server = await startLiveServer({ MAX_QUEUED_MESSAGES: "16", MAX_ERROR_REPLIES: "1000000" });
  try {
    const candidate = await newCandidate({ base: server.base }, "overloader");
    const peer = await RawPeer.open(candidate.url);
    await peer.next("session");
    const frame = frameForAnotherQuestion();
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < 2000) {
      while (peer.socket.bufferedAmount < 1 << 16 && peer.socket.readyState === WebSocket.OPEN) {
        peer.sendBinary(frame);
        sent++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const elapsed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const overloaded = peer.messages.filter((m) => m.type === "error" && m.code === "overloaded");
    const handled = peer.messages.filter((m) => m.type === "error" && m.code !== "overloaded");
    assert.ok(overloaded.length > 0, `${sent} frames never filled the queue`);
    assert.ok(
      overloaded.length <= Math.ceil((elapsed + 200) / 100) + 1,
      `${overloaded.length} overloaded replies to ${sent} frames in ${Math.round(elapsed)} ms`,
    );
    assert.ok(sent > overloaded.length + handled.length, "dropped frames were not each answered");
    await peer.close();
  } finally {
    await server.stop();
  }
});

liveTest("a client that never reads its replies is closed, and its session released", async () => {
  await underAttack(
    "unread-replies",
    // A queue this long never fills here, so what closes the client is its unread replies.
    { MAX_OUTBOUND_KB: "16", MAX_QUEUED_MESSAGES: "1000000" },
    (server) => unreadReplies({ base: server.base }, "small"),
    async (server, result) => {
      assert.ok(result.closedByServer, `${result.pingsSent} pings sent, never closed`);
      await released(server, result.userId);
    },
  );
});

liveTest(
  "rows the database would refuse fail only their sender; the victim keeps all",
  async () => {
    await underAttack(
      "poison-rows",
      {},
      (server) => poisonRows({ base: server.base }, "small"),
      async (server, { victim, attacker }) => {
        const { db } = server.deps.database;
        const [segments] = await db.select({ n: count() }).from(transcriptSegments)
          .innerJoin(questionAnswers, eq(questionAnswers.id, transcriptSegments.questionAnswerId))
          .where(eq(questionAnswers.interviewId, victim.interviewId));
        const [events] = await db.select({ n: count() }).from(proctoringEvents)
          .where(eq(proctoringEvents.interviewId, victim.interviewId));
        assert.ok(victim.transcriptsSent > 50, `only ${victim.transcriptsSent} segments sent`);
        assert.equal(segments.n, victim.transcriptsSent, "every victim segment is stored");
        assert.equal(events.n, victim.eventsSent, "every victim event is stored");
        assert.deepEqual(victim.errors, {}, "the victim is answered no error");
        assert.ok((attacker.errors.bad_message ?? 0) > 0, "the attacker is told what was wrong");
      },
    );
  },
);

liveTest("a stray frame gets wrong_offset and a damaged header checksum_mismatch", async () => {
  await underAttack(
    "stray-frame",
    { MAX_ANSWER_MB: "1" },
    (server) => strayFrame({ base: server.base }, "small"),
    (_server, { stray, damaged, last }) => {
      assert.equal(stray[0].code, "wrong_offset", JSON.stringify(stray[0]));
      assert.equal(stray[0].expected_offset, 16);
      assert.equal(damaged[0].code, "checksum_mismatch", JSON.stringify(damaged[0]));
      assert.equal(damaged[0].expected_offset, 16);
      assert.equal(last.type, "ack", `the answer is still open: ${JSON.stringify(last)}`);
      assert.equal(last.committed, 32);
    },
  );
});

liveTest("segments of an answer are bounded in number and share its size limit", async () => {
  const server = await startLiveServer({ MAX_ANSWER_MB: "1" });
  try {
    const { token } = await server.user("segmenter");
    await server.request("POST", "/jd_resume/upload_jd", {
      token,
      body: { text: "Backend engineer: TypeScript, PostgreSQL, Docker." },
    });
    const started = await server.request("POST", "/interview/start_interview", {
      token,
      body: { interview_name: "Segments", question_count: 1 },
    });
    const { interview_id: interviewId } = await started.json();
    const peer = await RawPeer.open(
      `${server.wsBase}/realtime/interviews/${interviewId}?token=${token}`,
    );
    const session = await peer.next("session");
    assert.equal((session.limits as { max_segments: number }).max_segments, MAX_SEGMENTS);
    peer.send({ type: "answer.start", question_id: 1, streams: ["camera"], segment: 1 });
    await peer.next("error", { code: "bad_message" });
    peer.send({ type: "answer.start", question_id: 1, streams: ["camera"] });
    await peer.next("answer.started");
    const payload = new Uint8Array(200 * 1024).fill(1);
    const send = (seq: number, offset: number) =>
      peer.sendBinary(encodeFrame({ stream: "camera", questionId: 1, seq, offset, payload }));
    // 400 KiB in segment 0 and 400 KiB in segment 1: under the 1 MiB limit together.
    for (const segment of [0, 1]) {
      if (segment > 0) {
        peer.send({ type: "answer.start", question_id: 1, streams: ["camera"], segment });
        await peer.next("answer.started", {}, 10_000, segment);
      }
      send(0, 0);
      send(1, payload.byteLength);
      assert.equal((await peer.next("ack", { seq: 1 }, 10_000, segment)).committed, 409_600);
    }
    for (let segment = 2; segment < MAX_SEGMENTS; segment++) {
      peer.send({ type: "answer.start", question_id: 1, streams: ["camera"], segment });
      await peer.next("answer.started", {}, 10_000, segment);
    }
    peer.send({ type: "answer.start", question_id: 1, streams: ["camera"], segment: MAX_SEGMENTS });
    assert.match(
      String((await peer.next("error", { code: "bad_message" }, 10_000, 1)).message),
      /segment/,
    );
    // The last segment may not take the answer past 1 MiB: 800 KiB are in earlier ones.
    send(0, 0);
    await peer.next("ack", { seq: 0 }, 10_000, 2);
    const staged = await Array.fromAsync(
      Deno.readDir(`${server.deps.config.DATA_DIR}/recordings/${interviewId}/1/staging`),
    );
    assert.equal(staged.length, MAX_SEGMENTS, staged.map((entry) => entry.name).join(" "));
    send(1, payload.byteLength);
    await peer.next("error", { code: "answer_too_large" });
    await peer.close();
  } finally {
    await server.stop();
  }
});
