// Nothing lost: a network drop mid-answer, a server killed with SIGKILL and
// restarted mid-answer, and a candidate moving between two instances of one
// PostgreSQL while an interviewer watches from the other one.
import assert from "node:assert/strict";
import { join } from "node:path";
import { InterviewClient } from "../realtime/client.ts";
import { splitIntoChunks } from "./fixtures/media.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { testDataDir } from "./helpers/app.ts";
import { startTcpProxy } from "./helpers/tcp_proxy.ts";
import { type ServiceProcess, startProcess } from "./helpers/service_process.ts";
import { RawPeer } from "./helpers/raw_peer.ts";
import {
  freePort,
  kill,
  liveTest,
  media,
  newInterview,
  sendAll,
  serviceEnv,
  stagedBytes,
} from "./helpers/live_interview.ts";
import { eq } from "drizzle-orm";
import { openPostgres } from "../db/client.ts";
import { users } from "../db/schema.ts";

liveTest(
  "a connection cut mid-answer resumes and the recording arrives byte for byte",
  async () => {
    const server = await startLiveServer();
    const proxy = startTcpProxy(Number(new URL(server.base).port));
    try {
      const { camera, audio } = await media();
      const { token, interviewId } = await newInterview(server.base, "dropped");
      const client = new InterviewClient({
        url: `ws://127.0.0.1:${proxy.port}/realtime/interviews/${interviewId}`,
        token,
        reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      });
      const states: string[] = [];
      client.on("state", (detail) => states.push(detail.state));
      await client.connect();
      await client.startAnswer(1, ["camera", "audio"]);
      let cuts = 0;
      await sendAll(client, "camera", camera, async (i) => {
        // Cut twice with frames in flight, each time after the previous cut has healed.
        if (i === 3 || i === 12) {
          const resumed = client.waitFor("state", (d) => d.state === "resumed", 10_000);
          proxy.cut();
          cuts++;
          await resumed;
        }
      });
      await sendAll(client, "audio", audio);
      await client.endAnswer(1);
      assert.equal(cuts, 2);
      assert.ok(states.filter((s) => s === "resumed").length >= 2, `states: ${states.join(",")}`);
      assert.deepEqual(
        await stagedBytes(server.deps.config.DATA_DIR, interviewId, "camera"),
        camera,
      );
      assert.deepEqual(await stagedBytes(server.deps.config.DATA_DIR, interviewId, "audio"), audio);
      const finalized = await client.waitFor("finalized", undefined, 60_000);
      const question = finalized.question as Record<string, string>;
      assert.equal(question.status, "ANSWERED");
      const layout = readWebmLayout(
        await Deno.readFile(join(server.deps.config.DATA_DIR, question.combined_recording_path)),
      );
      assert.ok(layout.durationSeconds !== null && layout.durationSeconds > 3.5);
      client.close();
    } finally {
      proxy.close();
      await server.stop();
    }
  },
);

liveTest(
  "a page reloaded mid-answer continues it in a new segment, across a cut, into one recording",
  async () => {
    const server = await startLiveServer();
    const proxy = startTcpProxy(Number(new URL(server.base).port));
    try {
      const { camera, audio } = await media();
      const { token, interviewId } = await newInterview(server.base, "reloaded");
      const url = `ws://127.0.0.1:${proxy.port}/realtime/interviews/${interviewId}`;
      const reconnect = { initialDelayMs: 50, maxDelayMs: 200 };
      // The first page load records the whole fixture, then goes away without ending anything.
      const first = new InterviewClient({ url, token, reconnect });
      await first.connect();
      await first.startAnswer(1, ["camera", "audio"]);
      await sendAll(first, "camera", camera);
      await sendAll(first, "audio", audio);
      while (first.unackedBytes > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      first.close();

      const second = new InterviewClient({ url, token, reconnect });
      const session = await second.connect();
      assert.equal(session.answer?.segment, 0);
      assert.equal(session.answer?.streams.camera?.committed, camera.byteLength);
      await second.startAnswer(1, ["camera", "audio"], undefined, session.answer!.segment + 1);
      await sendAll(second, "camera", camera, async (i) => {
        if (i !== 5) return;
        // A cut in the new segment resumes at the new segment's offsets.
        const resumed = second.waitFor("state", (d) => d.state === "resumed", 10_000);
        proxy.cut();
        await resumed;
      });
      await sendAll(second, "audio", audio);
      await second.endAnswer(1);
      const finalized = await second.waitFor("finalized", undefined, 60_000);
      const question = finalized.question as Record<string, string>;
      assert.equal(question.status, "ANSWERED", question.failure_reason);
      for (const path of [question.combined_recording_path, question.audio_recording_path]) {
        const layout = readWebmLayout(await Deno.readFile(join(server.deps.config.DATA_DIR, path)));
        assert.ok(
          layout.durationSeconds !== null && Math.abs(layout.durationSeconds - 8) < 0.5,
          `${path} lasts both segments: ${layout.durationSeconds}`,
        );
      }
      second.close();
    } finally {
      proxy.close();
      await server.stop();
    }
  },
);

liveTest("a reloaded page can finish the answer at once with what was saved", async () => {
  const server = await startLiveServer();
  try {
    const { camera } = await media();
    const { token, interviewId } = await newInterview(server.base, "finisher");
    const url = `${server.wsBase}/realtime/interviews/${interviewId}`;
    const first = new InterviewClient({ url, token });
    await first.connect();
    await first.startAnswer(1, ["camera"]);
    await sendAll(first, "camera", camera);
    while (first.unackedBytes > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    first.close();

    const second = new InterviewClient({ url, token, reconnect: { initialDelayMs: 50 } });
    await second.connect();
    second.sendTranscript({
      question_id: 1,
      text: "Typed before the reload.",
      is_final: true,
      start_ms: 0,
      end_ms: 1000,
    });
    await second.endSavedAnswer(1);
    await assert.rejects(second.endSavedAnswer(2), /not the current question/);
    const finalized = await second.waitFor("finalized", undefined, 60_000);
    const question = finalized.question as Record<string, string>;
    assert.equal(question.status, "ANSWERED", question.failure_reason);
    assert.equal(question.answer_text, "Typed before the reload.");
    second.close();
  } finally {
    await server.stop();
  }
});

liveTest(
  "a server killed with SIGKILL mid-answer and restarted loses nothing the client sent",
  async () => {
    const dataDir = await testDataDir("interviewer-kill-");
    const port = freePort();
    let server = await startProcess(serviceEnv(dataDir, port));
    try {
      const { camera, audio } = await media();
      const { token, interviewId } = await newInterview(server.base, `killed${port}`);
      const client = new InterviewClient({
        url: `ws://127.0.0.1:${port}/realtime/interviews/${interviewId}`,
        token,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500, maxFailedAttempts: 200 },
      });
      await client.connect();
      await client.startAnswer(1, ["camera", "audio"]);
      let restarted: Promise<ServiceProcess> | undefined;
      await sendAll(client, "camera", camera, async (i) => {
        if (i === 12) {
          // Killed with frames still in flight; the client keeps queueing meanwhile.
          await kill(server);
          restarted = startProcess(serviceEnv(dataDir, port));
        }
      });
      server = await restarted!;
      await sendAll(client, "audio", audio);
      await client.endAnswer(1);
      assert.deepEqual(
        await stagedBytes(dataDir, interviewId, "camera"),
        camera,
        "camera byte for byte",
      );
      assert.deepEqual(
        await stagedBytes(dataDir, interviewId, "audio"),
        audio,
        "audio byte for byte",
      );
      const finalized = await client.waitFor("finalized", undefined, 60_000);
      const question = finalized.question as Record<string, string>;
      assert.equal(question.status, "ANSWERED");
      for (
        const file of [
          question.camera_recording_path,
          question.audio_recording_path,
          question.combined_recording_path,
        ]
      ) {
        const layout = readWebmLayout(await Deno.readFile(join(dataDir, file)));
        assert.ok(
          layout.durationSeconds !== null && Math.abs(layout.durationSeconds - 4) < 0.5,
          file,
        );
        assert.ok(layout.hasCues, file);
      }
      client.close();
    } finally {
      await kill(server);
    }
  },
);

liveTest(
  "two instances on one PostgreSQL: the observer on one sees the candidate on the other, who can move between them",
  async () => {
    const dataDir = await testDataDir("interviewer-multi-");
    const [portA, portB] = [freePort(), freePort()];
    const [a, b] = await Promise.all([
      startProcess(serviceEnv(dataDir, portA)),
      startProcess(serviceEnv(dataDir, portB)),
    ]);
    try {
      const { audio } = await media();
      const { token, interviewId } = await newInterview(a.base, `multi${portA}`);
      const admin = await fetch(`${b.base}/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: `watcher${portB}`, password: "watcher-password" }),
      }).then((r) => r.json());
      // Interviewers are created by admins; promote this one directly in the shared database.
      const database = openPostgres(Deno.env.get("TEST_DATABASE_URL")!, 1);
      await database.db.update(users).set({ userType: "interviewer" }).where(
        eq(users.id, admin.id),
      );
      await database.close();

      const observer = await RawPeer.open(
        `ws://127.0.0.1:${portB}/realtime/interviews/${interviewId}/observe?token=${admin.access_token}`,
      );
      await observer.next("observe.state");
      const onA = new InterviewClient({
        url: `ws://127.0.0.1:${portA}/realtime/interviews/${interviewId}`,
        token,
      });
      await onA.connect();
      await observer.next("candidate.connected");
      await onA.startAnswer(1, ["audio"]);
      const chunks = splitIntoChunks(audio, [4096]);
      const half = Math.floor(chunks.length / 2);
      for (const chunk of chunks.slice(0, half)) await onA.sendChunk(1, "audio", chunk);
      await onA.waitFor(
        "ack",
        (ack) => ack.committed === chunks.slice(0, half).reduce((n, c) => n + c.byteLength, 0),
      );
      onA.sendTranscript({
        question_id: 1,
        text: "Half way through.",
        is_final: true,
        start_ms: 0,
        end_ms: 1000,
      });
      assert.equal((await observer.next("transcript")).text, "Half way through.");

      // The candidate moves to instance B and resumes where A left off; A's connection is replaced.
      const raw = await RawPeer.open(
        `ws://127.0.0.1:${portB}/realtime/interviews/${interviewId}?token=${token}`,
      );
      const session = await raw.next("session");
      const streams =
        (session.answer as { streams: Record<string, { committed: number }> }).streams;
      assert.equal(
        streams.audio.committed,
        chunks.slice(0, half).reduce((n, c) => n + c.byteLength, 0),
      );
      await onA.waitFor("state", (d) => d.state === "closed" || d.state === "failed", 10_000);
      await raw.close();
      const onB = new InterviewClient({
        url: `ws://127.0.0.1:${portB}/realtime/interviews/${interviewId}`,
        token,
      });
      await onB.connect();
      await onB.startAnswer(1, ["audio"]);
      // Chunks below the committed offset are acknowledged without being written again.
      for (const chunk of chunks) await onB.sendChunk(1, "audio", chunk);
      await onB.endAnswer(1);
      assert.deepEqual(await stagedBytes(dataDir, interviewId, "audio"), audio);
      const finalized = (await observer.next("finalized", {}, 60_000)).question as Record<
        string,
        unknown
      >;
      assert.equal(finalized.status, "ANSWERED");
      assert.equal(finalized.answer_text, "Half way through.");
      await observer.next("interview.completed");
      onB.close();
      await observer.close();
    } finally {
      await Promise.all([kill(a), kill(b)]);
    }
  },
  !Deno.env.get("TEST_DATABASE_URL"),
);
