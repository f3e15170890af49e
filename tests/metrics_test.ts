// /metrics: who may scrape it, that Prometheus can parse what it says, and that
// its figures move while a candidate answers over the real live channel.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { encodeFrame, type StreamName } from "../realtime/protocol.ts";
import { crc32 } from "../media/bytes.ts";
import { FfmpegPool } from "../media/ffmpeg.ts";
import { makeLiveWebm, splitIntoChunks } from "./fixtures/media.ts";
import { dbTest, setupApp } from "./helpers/app.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { RawPeer } from "./helpers/raw_peer.ts";

/** One sample of the text exposition format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const metricTypes = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** A number as the format writes it, infinities included. */
function number(text: string): number {
  return text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
}

/**
 * Parses Prometheus text format 0.0.4 strictly: every sample belongs to a
 * family declared by `# HELP` and `# TYPE`, labels are well quoted, values
 * are numbers, and histogram buckets never decrease and end at `+Inf` = `_count`.
 */
function parseExposition(text: string): Sample[] {
  assert.ok(text.endsWith("\n"), "the exposition ends with a newline");
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === "TYPE") {
        assert.ok(metricTypes.has(comment[3]), `type of ${comment[2]}: ${comment[3]}`);
        assert.ok(!types.has(comment[2]), `${comment[2]} is declared once`);
        types.set(comment[2], comment[3]);
      }
      continue;
    }
    const match = sampleLine.exec(line);
    assert.ok(match, `a sample line: ${line}`);
    const [, name, labelText = "", rawValue] = match;
    const labels: Record<string, string> = {};
    labelPair.lastIndex = 0;
    while (labelPair.lastIndex < labelText.length) {
      const pair = labelPair.exec(labelText);
      assert.ok(pair, `labels of ${line}`);
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c) => c === "n" ? "\n" : c);
    }
    const value = number(rawValue);
    assert.ok(!Number.isNaN(value) || rawValue === "NaN", `value of ${line}`);
    const family = name.replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(name) || types.get(family) === "histogram", `${name} has a # TYPE`);
    samples.push({ name, labels, value });
  }
  for (const [family, type] of types) {
    if (type !== "histogram") continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((s) => s.name === `${family}_bucket`)) {
      const { le: _, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...series.get(key) ?? [], s]);
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) {
        assert.ok(number(buckets[i].labels.le) > number(buckets[i - 1].labels.le), `${family} le`);
        assert.ok(buckets[i].value >= buckets[i - 1].value, `${family}${key} buckets cumulate`);
      }
      const inf = buckets.at(-1)!;
      assert.equal(inf.labels.le, "+Inf");
      const count = samples.find((s) =>
        s.name === `${family}_count` && JSON.stringify(s.labels) === key
      );
      assert.equal(count?.value, inf.value, `${family}${key}: +Inf bucket is _count`);
    }
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  ).reduce((sum, s) => sum + s.value, 0);
}

async function scrape(base: string, token?: string): Promise<Sample[]> {
  const response = await fetch(`${base}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

dbTest("/metrics needs METRICS_TOKEN when it is set, compared in full", async () => {
  const token = "metrics-token-0123456789";
  const t = await setupApp({ METRICS_TOKEN: token });
  const anonymous = await t.request("GET", "/metrics");
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("www-authenticate"), "Bearer");
  await anonymous.body?.cancel();
  for (const wrong of [`${token}x`, token.slice(0, -1), "", token.toUpperCase()]) {
    const response = await t.request("GET", "/metrics", {
      headers: { authorization: `Bearer ${wrong}` },
    });
    assert.equal(response.status, 401, `refused: "${wrong}"`);
    await response.body?.cancel();
  }
  const scraped = await t.request("GET", "/metrics", { token });
  assert.equal(scraped.status, 200);
  parseExposition(await scraped.text());

  const open = await setupApp();
  const unprotected = await open.request("GET", "/metrics");
  assert.equal(unprotected.status, 200, "open without METRICS_TOKEN, as exporters usually are");
  await unprotected.body?.cancel();
});

dbTest("requests are labelled by route pattern; unknown paths share one label", async () => {
  const t = await setupApp();
  for (const path of ["/health", "/no/such/path", "/another/made-up/path", "/interview/123"]) {
    await (await t.request("GET", path)).body?.cancel();
  }
  const samples = parseExposition(await (await t.request("GET", "/metrics")).text());
  const requests = "interviewer_http_request_duration_seconds_count";
  assert.equal(total(samples, requests, { route: "/health", status: "200" }), 1);
  assert.equal(total(samples, requests, { route: "unmatched", status: "404" }), 2);
  assert.equal(total(samples, requests, { route: "/interview/:interview_id", status: "401" }), 1);
  const routes = new Set(samples.filter((s) => s.name === requests).map((s) => s.labels.route));
  assert.ok(
    ![...routes].some((r) => r.includes("made-up") || r === "/interview/123"),
    [
      ...routes,
    ].join(),
  );
});

/** Waits (up to a second) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), what);
}

dbTest("database use: statements and transactions in flight, and the pool size", async () => {
  const t = await setupApp();
  const { database } = t.deps;
  const idle = database.load.inFlight;
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const transaction = database.db.transaction(async (tx) => {
    await tx.execute(sql`select 1`);
    await held;
  });
  // drizzle sends a statement once it is awaited; on PGlite it then waits for the transaction.
  const statement = database.db.execute(sql`select 1`).then(() => {});
  try {
    await until(() => database.load.inFlight === idle + 2, "a transaction and a statement");
  } finally {
    release();
    await Promise.all([transaction, statement]);
  }
  await until(() => database.load.inFlight === idle, "both settled");
  const samples = parseExposition(await (await t.request("GET", "/metrics")).text());
  assert.equal(total(samples, "interviewer_db_pool_size"), database.load.connections);
  if (database.kind === "pglite") assert.equal(database.load.connections, 1);
  assert.ok(total(samples, "interviewer_db_in_flight") >= 0);
});

/** Sends `bytes` as chunks and waits for the last ack. */
async function stream(peer: RawPeer, questionId: number, name: StreamName, bytes: Uint8Array) {
  const chunk = 8 * 1024;
  const chunks = splitIntoChunks(bytes, Array(Math.ceil(bytes.byteLength / chunk)).fill(chunk));
  let offset = 0;
  chunks.forEach((payload, seq) => {
    peer.sendBinary(
      encodeFrame({ stream: name, questionId, seq, offset, payload, crc32: crc32(payload) }),
    );
    offset += payload.byteLength;
  });
  await peer.next("ack", { question_id: questionId, stream: name, seq: chunks.length - 1 });
  return { bytes: offset, chunks: chunks.length };
}

dbTest("the counters move during a live answer", async () => {
  const token = "metrics-token-0123456789";
  const fixturePool = new FfmpegPool({ concurrency: 1 });
  const server = await startLiveServer({ METRICS_TOKEN: token });
  try {
    const [camera, audio] = await Promise.all([
      makeLiveWebm(fixturePool, { seconds: 2, video: true, audio: false }),
      makeLiveWebm(fixturePool, { seconds: 2, video: false, audio: true }),
    ]);
    const candidate = await server.user("ada");
    const interviewer = await server.user("grace", "interviewer");
    await server.request("POST", "/jd_resume/upload_jd", {
      token: candidate.token,
      body: { text: "Backend engineer: TypeScript, PostgreSQL, Kubernetes." },
    });
    const started = await server.request("POST", "/interview/start_interview", {
      token: candidate.token,
      body: { interview_name: "Metrics", question_count: 2 },
    });
    const interviewId = (await started.json()).interview_id as number;
    const before = await scrape(server.base, token);
    assert.equal(total(before, "interviewer_live_candidate_connections"), 0);
    assert.equal(total(before, "interviewer_live_ack_latency_seconds_count"), 0);
    assert.equal(
      total(before, "interviewer_ai_calls_total", {
        engine: "offline",
        operation: "planQuestions",
        outcome: "ok",
      }),
      1,
      "planning the questions was one engine call",
    );

    const observer = await RawPeer.open(
      `${server.wsBase}/realtime/interviews/${interviewId}/observe?token=${interviewer.token}`,
    );
    const peer = await RawPeer.open(
      `${server.wsBase}/realtime/interviews/${interviewId}?token=${candidate.token}`,
    );
    await peer.next("session");
    peer.send({ type: "answer.start", question_id: 1, streams: ["camera", "audio"] });
    await peer.next("answer.started", { question_id: 1 });
    const sentCamera = await stream(peer, 1, "camera", camera);
    const sentAudio = await stream(peer, 1, "audio", audio);

    const during = await scrape(server.base, token);
    assert.equal(total(during, "interviewer_live_candidate_connections"), 1);
    assert.equal(total(during, "interviewer_live_observer_connections"), 1);
    const received = "interviewer_live_received_bytes_total";
    assert.equal(total(during, received, { stream: "camera" }), sentCamera.bytes);
    assert.equal(total(during, received, { stream: "audio" }), sentAudio.bytes);
    assert.equal(total(during, received, { stream: "screen" }), 0);
    assert.equal(
      total(during, "interviewer_live_ack_latency_seconds_count"),
      sentCamera.chunks + sentAudio.chunks,
      "one ack per chunk",
    );
    assert.ok(total(during, "interviewer_live_ack_latency_seconds_sum") > 0);
    assert.equal(
      total(during, "interviewer_http_request_duration_seconds_count", {
        route: "/realtime/interviews/:interview_id",
      }),
      1,
      "the upgrade is a request of its route",
    );

    peer.send({
      type: "transcript",
      question_id: 1,
      text: "I tuned PostgreSQL indexes with EXPLAIN ANALYZE and cut p99 from 120 ms to 15 ms.",
      is_final: true,
      start_ms: 0,
      end_ms: 2000,
    });
    peer.send({ type: "answer.end", question_id: 1, force: true });
    await peer.next("answer.accepted", { question_id: 1 });
    const finalized = (await peer.next("finalized", {}, 60_000)).question as Record<
      string,
      unknown
    >;
    assert.equal(finalized.status, "ANSWERED", String(finalized.failure_reason ?? ""));

    // The job's own bookkeeping settles just after it published the result.
    let after = await scrape(server.base, token);
    for (let i = 0; i < 50 && total(after, "interviewer_job_duration_seconds_count") === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(server.base, token);
    }
    assert.equal(
      total(after, "interviewer_job_duration_seconds_count", {
        kind: "finalize_answer",
        outcome: "done",
      }),
      1,
    );
    assert.ok(
      total(after, "interviewer_job_duration_seconds_sum", { kind: "finalize_answer" }) > 0,
    );
    assert.equal(total(after, "interviewer_jobs_running", { kind: "finalize_answer" }), 0);
    assert.equal(total(after, "interviewer_jobs", { kind: "finalize_answer", status: "done" }), 1);
    assert.equal(
      total(after, "interviewer_ai_calls_total", { operation: "evaluateAnswer", outcome: "ok" }),
      1,
      "the answer was evaluated once",
    );
    assert.ok(
      total(after, "interviewer_http_request_duration_seconds_count", { route: "/metrics" }) >= 2,
      "earlier scrapes (a scrape is counted once it has been answered)",
    );

    await peer.close();
    await observer.close();
    for (let i = 0; i < 50; i++) {
      after = await scrape(server.base, token);
      if (
        total(after, "interviewer_live_candidate_connections") === 0 &&
        total(after, "interviewer_live_observer_connections") === 0
      ) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(total(after, "interviewer_live_candidate_connections"), 0);
    assert.equal(total(after, "interviewer_live_observer_connections"), 0);
  } finally {
    await server.stop();
    fixturePool.close();
  }
});
