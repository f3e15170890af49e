// Property-based fuzzing of the frame and message decoders, and of a live
// server fed whatever the generators come up with.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameError,
  streamNames,
} from "../realtime/frame.ts";
import { parseClientMessage } from "../realtime/protocol.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { RawPeer } from "./helpers/raw_peer.ts";

const frameArbitrary = fc.record({
  stream: fc.constantFrom(...streamNames),
  questionId: fc.integer({ min: 1, max: 65535 }),
  seq: fc.nat({ max: 2 ** 32 - 1 }),
  offset: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  crc32: fc.option(fc.nat({ max: 2 ** 32 - 1 }), { nil: undefined }),
  payload: fc.uint8Array({ maxLength: 512 }),
}).chain((frame) =>
  frame.crc32 === undefined ? fc.constant(frame) : fc.constantFrom(frame, {
    ...frame,
    crcCoversHeader: true as const,
  })
);

Deno.test("frames survive encoding and decoding unchanged", () => {
  fc.assert(
    fc.property(frameArbitrary, (frame) => {
      const decoded = decodeFrame(encodeFrame(frame));
      assert.deepEqual({ ...decoded, payload: [...decoded.payload] }, {
        ...frame,
        payload: [...frame.payload],
      });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("the frame decoder only ever throws FrameError, on any bytes", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    // Mostly valid headers with one field broken, which reach deeper checks.
    fc.tuple(
      frameArbitrary,
      fc.nat({ max: FRAME_HEADER_BYTES - 1 }),
      fc.integer({ min: 0, max: 255 }),
    )
      .map(([frame, index, value]) => {
        const encoded = encodeFrame(frame);
        encoded[index] = value;
        return encoded;
      }),
  );
  fc.assert(
    fc.property(bytes, (input) => {
      try {
        const frame = decodeFrame(input);
        assert.ok(frame.questionId >= 1 && frame.offset >= 0);
      } catch (error) {
        assert.ok(error instanceof FrameError, String(error));
      }
    }),
    { numRuns: 5000 },
  );
});

Deno.test("the message parser never throws and explains what is wrong", () => {
  const text = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({
      type: fc.constantFrom(
        "answer.start",
        "stream.end",
        "answer.end",
        "transcript",
        "event",
        "ping",
        "other",
      ),
      question_id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
      stream: fc.oneof(fc.constantFrom(...streamNames), fc.string()),
      streams: fc.array(fc.string(), { maxLength: 4 }),
      final_offset: fc.oneof(fc.integer(), fc.double()),
      text: fc.string(),
    }, { requiredKeys: ["type"] }).map((value) => JSON.stringify(value)),
  );
  fc.assert(
    fc.property(text, (input) => {
      const result = parseClientMessage(input);
      if (!result.ok) assert.ok(result.error.length > 10);
    }),
    { numRuns: 5000 },
  );
});

Deno.test({
  name: "a live server fed random frames and messages keeps serving and never fails internally",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startLiveServer({ MAX_FRAME_KB: "16" });
    try {
      const { token } = await server.user("fuzzer");
      await server.request("POST", "/jd_resume/upload_jd", {
        token,
        body: { text: "Go, Kafka and Redis." },
      });
      const started = await (await server.request("POST", "/interview/start_interview", {
        token,
        body: { interview_name: "Fuzz", question_count: 2 },
      })).json();
      const url = `${server.wsBase}/realtime/interviews/${started.interview_id}?token=${token}`;
      const connect = async () => {
        const peer = await RawPeer.open(url);
        await peer.next("session");
        peer.send({ type: "answer.start", question_id: 1, streams: ["camera", "audio"] });
        await peer.next("answer.started");
        return peer;
      };
      const inputs = fc.sample(
        fc.oneof(
          frameArbitrary.map((frame) =>
            encodeFrame({
              ...frame,
              questionId: (frame.questionId % 3) + 1,
              offset: frame.offset % 4096,
            })
          ),
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((json) => ({ json })),
          fc.string().map((text) => ({ text })),
        ),
        { numRuns: 600, seed: 42 },
      );
      const peers = [await connect()];
      for (const [index, input] of inputs.entries()) {
        let peer = peers.at(-1)!;
        if (peer.closeCode !== null) peers.push(peer = await connect());
        if (input instanceof Uint8Array) peer.sendBinary(input);
        else peer.send("json" in input ? input.json : input.text);
        // Let the server answer now and then, so a policy close lands before more input.
        if (index % 25 === 24) {
          peer.send({ type: "ping", id: `p${index}` });
          await Promise.race([peer.next("pong", { id: `p${index}` }), peer.closed(30_000)]);
        }
      }
      for (const peer of peers) {
        assert.ok(
          !peer.messages.some((m) => m.code === "internal_error"),
          "no input caused an internal error",
        );
        // Connections spewing garbage are closed by policy; nothing else closes them.
        assert.ok(
          peer.closeCode === null || peer.closeCode === 1008,
          `close code ${peer.closeCode}`,
        );
      }
      assert.ok(peers.length > 1, "garbage makes the server close connections by policy");
      const fresh = await RawPeer.open(url);
      await fresh.next("session");
      fresh.send({ type: "ping", id: "still-there" });
      await fresh.next("pong", { id: "still-there" });
      assert.equal((await server.request("GET", "/health")).status, 200);
      for (const peer of [...peers, fresh]) await peer.close();
    } finally {
      await server.stop();
    }
  },
});
