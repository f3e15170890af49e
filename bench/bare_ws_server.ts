/**
 * The ceiling for `bench/realtime_load.ts`: a bare `Deno.serve` +
 * `Deno.upgradeWebSocket` server that does only what live ingest cannot
 * skip. Per connection it opens one file per stream once, appends each
 * binary frame's payload (protocol v1 header, decoded with `decodeFrame`),
 * `fdatasync`s, and acks with `{type:"ack",question_id,stream,seq,committed}`;
 * writes of one connection run one after another. It speaks just enough of
 * the text protocol (a `session` message on open, `answer.started` for
 * `answer.start`) for the same `InterviewClient` load to drive it.
 *
 * `deno run -A bench/bare_ws_server.ts [port] [data_dir]` (or `PORT`,
 * `DATA_DIR`); listens on 127.0.0.1, prints its port, and answers
 * `GET /rss` with its resident set size.
 *
 * @module
 */
import { join } from "node:path";
import {
  decodeFrame,
  type MediaFrame,
  PROTOCOL_VERSION,
  type StreamName,
} from "../realtime/frame.ts";
import { MAX_SEGMENTS, type ServerMessage, type SessionMessage } from "../realtime/protocol.ts";

const MAX_FRAME_BYTES = 4096 * 1024;

/** The `session` message a candidate expects first: question 1 is open, nothing recorded yet. */
function sessionMessage(interviewId: number): SessionMessage {
  return {
    type: "session",
    protocol: PROTOCOL_VERSION,
    interview: { id: interviewId, name: "Bare", status: "in_progress" },
    question: {
      type: "question",
      question_id: 1,
      number: 1,
      total: 1,
      text: "Bare server question",
      time_limit_s: 10_800,
      started_at: null,
    },
    answer: null,
    limits: {
      max_frame_bytes: MAX_FRAME_BYTES,
      max_answer_bytes: 2048 * 1024 * 1024,
      max_queued_bytes: 16 * 1024 * 1024,
      max_queued_messages: 4096,
      answer_time_limit_s: 10_800,
      reconnect_grace_s: 60,
      max_segments: MAX_SEGMENTS,
    },
  };
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Serves one candidate connection, writing its streams under `dir`. */
function accept(socket: WebSocket, interviewId: number, dir: string): void {
  const files = new Map<StreamName, Deno.FsFile>();
  const committed = new Map<StreamName, number>();
  let queue = Promise.resolve();

  async function append(frame: MediaFrame): Promise<void> {
    let file = files.get(frame.stream);
    if (!file) {
      file = await Deno.open(join(dir, `${frame.stream}.part`), { append: true, create: true });
      files.set(frame.stream, file);
    }
    let rest = frame.payload;
    while (rest.byteLength > 0) rest = rest.subarray(await file.write(rest));
    await file.syncData();
    const total = (committed.get(frame.stream) ?? 0) + frame.payload.byteLength;
    committed.set(frame.stream, total);
    send(socket, {
      type: "ack",
      question_id: frame.questionId,
      stream: frame.stream,
      seq: frame.seq,
      committed: total,
    });
  }

  socket.binaryType = "arraybuffer";
  socket.onopen = () => send(socket, sessionMessage(interviewId));
  socket.onmessage = (event) => {
    if (typeof event.data === "string") {
      const message = JSON.parse(event.data);
      if (message.type === "answer.start") {
        const now = new Date();
        send(socket, {
          type: "answer.started",
          question_id: message.question_id,
          started_at: now.toISOString(),
          deadline: new Date(now.getTime() + 10_800_000).toISOString(),
        });
      }
      return;
    }
    const frame = decodeFrame(event.data);
    queue = queue.then(() => append(frame)).catch((error) => {
      console.error(error);
      socket.close(1011, "write failed");
    });
  };
  socket.onclose = () => {
    queue = queue.then(() => {
      for (const file of files.values()) file.close();
    });
  };
}

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);
const dataDir = Deno.args[1] ?? Deno.env.get("DATA_DIR") ??
  await Deno.makeTempDir({ prefix: "bare-ws-" });
let connections = 0;

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`bare_ws_server listening on port ${addr.port}`),
}, async (request) => {
  const url = new URL(request.url);
  if (url.pathname === "/rss") return Response.json({ rss: Deno.memoryUsage().rss });
  const match = /^\/realtime\/interviews\/(\d+)$/.exec(url.pathname);
  if (!match || request.headers.get("upgrade") !== "websocket") {
    return new Response("not found", { status: 404 });
  }
  const dir = join(dataDir, String(++connections));
  await Deno.mkdir(dir, { recursive: true });
  const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 60 });
  accept(socket, Number(match[1]), dir);
  return response;
});
