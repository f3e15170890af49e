/**
 * Attacks on the live WebSocket channel (issue 8, items 6, 7 and 10): floods
 * of tiny frames and unread replies, rows the database refuses, and a stray
 * or damaged frame in the middle of an answer. Every attacker signs up
 * through the public API like anyone on the internet could.
 *
 * @module
 */
import { crc32 } from "node:zlib";
import type { Attack, AttackSize, AttackTarget } from "./attack.ts";
import { encodeFrame, sealFrame, type StreamName } from "../../../realtime/frame.ts";
import { DeafPeer, RawPeer, type Received } from "../../helpers/raw_peer.ts";
import { postJson } from "../../helpers/live_interview.ts";

const JD = "Backend engineer: TypeScript, PostgreSQL, Kubernetes, Docker, Redis, AWS.";
const WAIT_MS = 10_000;

/** A candidate with an interview whose first question is current. */
export interface Candidate {
  userId: number;
  token: string;
  interviewId: number;
  /** The candidate channel's URL, token included. */
  url: string;
}

/** Signs up a new candidate and starts a two-question interview. */
export async function newCandidate(target: AttackTarget, name: string): Promise<Candidate> {
  const username = `${name}-${crypto.randomUUID().slice(0, 8)}`;
  const signup = await postJson(target.base, "/auth/signup", {
    username,
    password: `pw-${crypto.randomUUID()}`,
    user_type: "candidate",
  });
  const token = signup.access_token as string;
  await postJson(target.base, "/jd_resume/upload_jd", { text: JD }, token);
  const started = await postJson(target.base, "/interview/start_interview", {
    interview_name: name,
    question_count: 2,
  }, token);
  const interviewId = started.interview_id as number;
  const wsBase = target.base.replace(/^http/, "ws");
  return {
    userId: signup.id as number,
    token,
    interviewId,
    url: `${wsBase}/realtime/interviews/${interviewId}?token=${token}`,
  };
}

/** Connects and starts answering question 1 with a camera stream. */
async function startAnswering(candidate: Candidate): Promise<RawPeer> {
  const peer = await RawPeer.open(candidate.url);
  await peer.next("session", {}, WAIT_MS);
  peer.send({ type: "answer.start", question_id: 1, streams: ["camera"] });
  await peer.next("answer.started", {}, WAIT_MS);
  return peer;
}

function sealed(stream: StreamName, seq: number, offset: number, payload: Uint8Array) {
  return sealFrame(encodeFrame({ stream, questionId: 1, seq, offset, payload }), crc32);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countCodes(messages: Received[]): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const m of messages) {
    if (m.type === "error") codes[m.code as string] = (codes[m.code as string] ?? 0) + 1;
  }
  return codes;
}

// ---- item 6: tiny frames, unread replies --------------------------------

/** What the two tiny-frame clients saw. */
export interface TinyFramesResult {
  /** The client that never reads. */
  deaf: { userId: number; framesSent: number; closedByServer: boolean; seconds: number };
  /** The client that reads every reply. */
  reader: { userId: number; framesSent: number; replies: number; closeCode: number | null };
}

/** Floods `peer` with `message` (batched) until its writes fail or `seconds` pass. */
async function floodDeaf(
  peer: DeafPeer,
  message: Uint8Array,
  seconds: number,
): Promise<{ sent: number; closedByServer: boolean; seconds: number }> {
  const batchSize = 512;
  const batch = new Uint8Array(message.byteLength * batchSize);
  for (let i = 0; i < batchSize; i++) batch.set(message, i * message.byteLength);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let sent = 0;
  let closedByServer = false;
  try {
    while (performance.now() < deadline) {
      await peer.write(batch);
      sent += batchSize;
    }
  } catch {
    closedByServer = true;
  } finally {
    peer.close();
  }
  return { sent, closedByServer, seconds: (performance.now() - started) / 1000 };
}

/** An empty camera frame for question 2, which is never the current one of a new candidate. */
export function frameForAnotherQuestion(): Uint8Array {
  return encodeFrame({
    stream: "camera",
    questionId: 2,
    seq: 0,
    offset: 0,
    payload: new Uint8Array(0),
  });
}

/**
 * Item 6: two candidates send 24-byte frames for question 2, which is not
 * current, as fast as they can: one never reads the replies, one does.
 */
export async function tinyFrames(
  target: AttackTarget,
  size: AttackSize,
): Promise<TinyFramesResult> {
  const seconds = size === "full" ? 45 : 4;
  const [deafCandidate, readerCandidate] = await Promise.all([
    newCandidate(target, "tiny-deaf"),
    newCandidate(target, "tiny-reader"),
  ]);
  const frame = frameForAnotherQuestion();
  const deafRun = DeafPeer.open(deafCandidate.url).then((peer) =>
    floodDeaf(peer, DeafPeer.encode(frame), seconds)
  );
  const readerRun = (async () => {
    const peer = await RawPeer.open(readerCandidate.url);
    let replies = 0;
    // Counting instead of keeping: the reader must not be the one running out of memory.
    peer.socket.onmessage = () => replies++;
    const deadline = performance.now() + seconds * 1000;
    let framesSent = 0;
    while (peer.closeCode === null && performance.now() < deadline) {
      while (peer.socket.bufferedAmount < 1 << 16 && peer.socket.readyState === WebSocket.OPEN) {
        peer.sendBinary(frame);
        framesSent++;
      }
      await sleep(1);
    }
    await peer.close();
    return { framesSent, replies, closeCode: peer.closeCode };
  })();
  const [deaf, reader] = await Promise.all([deafRun, readerRun]);
  return {
    deaf: {
      userId: deafCandidate.userId,
      framesSent: deaf.sent,
      closedByServer: deaf.closedByServer,
      seconds: deaf.seconds,
    },
    reader: { userId: readerCandidate.userId, ...reader },
  };
}

/** What the client that sent pings and never read the pongs saw. */
export interface UnreadRepliesResult {
  userId: number;
  pingsSent: number;
  closedByServer: boolean;
  seconds: number;
}

/**
 * Item 6, outbound side: a candidate that sends valid pings and never reads
 * the pongs, so every reply waits in the server.
 */
export async function unreadReplies(
  target: AttackTarget,
  size: AttackSize,
): Promise<UnreadRepliesResult> {
  const candidate = await newCandidate(target, "unread");
  const peer = await DeafPeer.open(candidate.url);
  const ping = DeafPeer.encode(JSON.stringify({ type: "ping", id: "p".repeat(64) }));
  const result = await floodDeaf(peer, ping, size === "full" ? 45 : 8);
  return {
    userId: candidate.userId,
    pingsSent: result.sent,
    closedByServer: result.closedByServer,
    seconds: result.seconds,
  };
}

// ---- item 7: rows the database refuses -----------------------------------

/** What the victim sent and was told, and what the attacker was told. */
export interface PoisonRowsResult {
  victim: {
    interviewId: number;
    transcriptsSent: number;
    eventsSent: number;
    errors: Record<string, number>;
  };
  attacker: { messagesSent: number; errors: Record<string, number>; closeCode: number | null };
}

/**
 * Item 7: while a victim sends final transcript segments and proctoring
 * events every 15 ms, an attacker on the same instance sends transcript text
 * with U+0000 and events with `"at": 1e300`.
 */
export async function poisonRows(
  target: AttackTarget,
  size: AttackSize,
): Promise<PoisonRowsResult> {
  const seconds = size === "full" ? 8 : 2;
  const [victimCandidate, attackerCandidate] = await Promise.all([
    newCandidate(target, "victim"),
    newCandidate(target, "poisoner"),
  ]);
  const [victim, attacker] = await Promise.all([
    startAnswering(victimCandidate),
    startAnswering(attackerCandidate),
  ]);
  let transcriptsSent = 0;
  let eventsSent = 0;
  let attackerSent = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    victim.send({
      type: "transcript",
      question_id: 1,
      text: `victim segment ${transcriptsSent}`,
      is_final: true,
      start_ms: transcriptsSent * 10,
      end_ms: transcriptsSent * 10 + 5,
    });
    transcriptsSent++;
    victim.send({ type: "event", kind: "tab_hidden", at: Date.now(), question_id: 1 });
    eventsSent++;
    if (attacker.closeCode === null) {
      attacker.send({
        type: "transcript",
        question_id: 1,
        text: "poison\u0000",
        is_final: true,
        start_ms: attackerSent,
        end_ms: attackerSent + 1,
      });
      attacker.send(`{"type":"event","kind":"paste","at":1e300,"question_id":1}`);
      attackerSent += 2;
    }
    await sleep(15);
  }
  // Once the pong is back every message before it was handled; the batches flush soon after.
  victim.send({ type: "ping", id: "done" });
  await victim.next("pong", { id: "done" }, WAIT_MS);
  await sleep(500);
  await Promise.all([victim.close(), attacker.close()]);
  return {
    victim: {
      interviewId: victimCandidate.interviewId,
      transcriptsSent,
      eventsSent,
      errors: countCodes(victim.messages),
    },
    attacker: {
      messagesSent: attackerSent,
      errors: countCodes(attacker.messages),
      closeCode: attacker.closeCode,
    },
  };
}

// ---- item 10: a stray or damaged frame ------------------------------------

/** The replies to each step of the stray-frame attack. */
export interface StrayFrameResult {
  rounds: number;
  /** Replies to the frames far beyond the committed offset. */
  stray: Received[];
  /** Replies to the frames whose header was damaged after sealing. */
  damaged: Received[];
  /** The last reply to a good frame sent after them. */
  last: Received;
}

/**
 * Item 10: in the middle of an answer, a frame at an offset beyond the
 * answer's size limit, and a sealed frame whose offset is flipped in transit;
 * then the answer goes on.
 */
export async function strayFrame(
  target: AttackTarget,
  size: AttackSize,
): Promise<StrayFrameResult> {
  const rounds = size === "full" ? 200 : 1;
  const candidate = await newCandidate(target, "stray");
  const peer = await startAnswering(candidate);
  const session = await peer.next("session");
  const maxAnswerBytes = (session.limits as { max_answer_bytes: number }).max_answer_bytes;
  const payload = new Uint8Array(16).fill(7);
  const stray: Received[] = [];
  const damaged: Received[] = [];
  let seq = 0;
  let committed = 0;
  let last!: Received;
  const reply = (s: number) =>
    Promise.race([peer.next("ack", { seq: s }, WAIT_MS), peer.next("error", { seq: s }, WAIT_MS)]);
  for (let round = 0; round < rounds; round++) {
    let s = seq++;
    peer.sendBinary(sealed("camera", s, committed, payload));
    last = await reply(s);
    if (last.type === "ack") committed = last.committed as number;

    s = seq++;
    peer.sendBinary(sealed("camera", s, maxAnswerBytes + committed, payload));
    stray.push(await reply(s));

    s = seq++;
    const frame = sealed("camera", s, committed, payload);
    frame[12] ^= 0x10; // one bit of the offset, as a flaky link might flip it
    peer.sendBinary(frame);
    damaged.push(await reply(s));

    s = seq++;
    peer.sendBinary(sealed("camera", s, committed, payload));
    last = await reply(s);
    if (last.type === "ack") committed = last.committed as number;
  }
  await peer.close();
  return { rounds, stray, damaged, last };
}

function describe(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([code, n]) => `${n}× ${code}`);
  return parts.length ? parts.join(", ") : "no errors";
}

/** The attacks of this file, for the benchmark and the tests. */
export const attacks: Attack[] = [
  {
    name: "tiny-frames",
    item: 6,
    async run(target, size) {
      const { deaf, reader } = await tinyFrames(target, size);
      return `deaf client: ${deaf.framesSent} frames, ${
        deaf.closedByServer ? `closed after ${deaf.seconds.toFixed(1)} s` : "never closed"
      }; reading client: ${reader.framesSent} frames, ${reader.replies} replies, close ${reader.closeCode}`;
    },
  },
  {
    name: "unread-replies",
    item: 6,
    async run(target, size) {
      const result = await unreadReplies(target, size);
      return `${result.pingsSent} pings, pongs never read: ${
        result.closedByServer ? `closed after ${result.seconds.toFixed(1)} s` : "never closed"
      }`;
    },
  },
  {
    name: "poison-rows",
    item: 7,
    async run(target, size) {
      const { victim, attacker } = await poisonRows(target, size);
      return `attacker: ${attacker.messagesSent} messages, ${
        describe(attacker.errors)
      }, close ${attacker.closeCode}; victim: ${victim.transcriptsSent} segments and ${victim.eventsSent} events, ${
        describe(victim.errors)
      }`;
    },
  },
  {
    name: "stray-frame",
    item: 10,
    async run(target, size) {
      const result = await strayFrame(target, size);
      return `${result.rounds} rounds; stray frames: ${
        describe(countCodes(result.stray))
      }; damaged headers: ${describe(countCodes(result.damaged))}; then ${result.last.type}`;
    },
  },
];
