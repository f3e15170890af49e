import assert from "node:assert/strict";
import { concatBytes } from "../media/bytes.ts";
import { FfmpegError, type FfmpegJobInfo, FfmpegPool } from "../media/ffmpeg.ts";
import { concatWebm, extractWav, muxCombined, probeMedia, remuxWebm } from "../media/remux.ts";
import { makeLiveWebm, splitIntoChunks } from "./fixtures/media.ts";
import { readWebmLayout } from "./fixtures/webm.ts";

const SECONDS = 3;
const pool = new FfmpegPool();
const camera = () => makeLiveWebm(pool, { seconds: SECONDS, video: true, audio: true });
const cameraWithoutAudio = () =>
  makeLiveWebm(pool, { seconds: SECONDS, video: true, audio: false });
const microphone = () => makeLiveWebm(pool, { seconds: SECONDS, video: false, audio: true });

/** A cheap job for watching the scheduling. */
function probeJob(bytes: Uint8Array) {
  return {
    program: "ffprobe" as const,
    args: ["-v", "error", "-show_format", "-o", "p.txt", "in.webm"],
    inputs: { "in.webm": bytes },
    outputs: ["p.txt"],
  };
}

Deno.test("fixture: a live WebM has no duration, cues or known segment size", async () => {
  const live = await camera();
  const layout = readWebmLayout(live);
  assert.equal(layout.durationSeconds, null);
  assert.equal(layout.hasCues, false);
  assert.equal(layout.segmentSizeKnown, false);
  assert.deepEqual(await probeMedia(pool, live), {
    durationSeconds: null,
    streams: [{ kind: "video", codec: "vp8" }, { kind: "audio", codec: "opus" }],
  });
});

Deno.test("remuxWebm gives a live WebM its duration and cues", async () => {
  const remuxed = await remuxWebm(pool, await camera());
  const layout = readWebmLayout(remuxed);
  assert.ok(layout.segmentSizeKnown);
  assert.ok(layout.hasCues, "no Cues element");
  assert.ok(
    Math.abs(layout.durationSeconds! - SECONDS) <= 0.3,
    `duration ${layout.durationSeconds}`,
  );
  const info = await probeMedia(pool, remuxed);
  assert.ok(Math.abs(info.durationSeconds! - SECONDS) <= 0.3, `probed ${info.durationSeconds}`);
  assert.equal(info.streams.length, 2);
});

Deno.test("concatWebm joins remuxed recordings into one lasting their sum", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = `${dir}/first.webm`;
    const second = `${dir}/second.webm`;
    await Deno.writeFile(first, await remuxWebm(pool, await camera()));
    await Deno.writeFile(
      second,
      await remuxWebm(pool, await makeLiveWebm(pool, { seconds: 2, video: true, audio: true })),
    );
    const joined = `${dir}/joined.webm`;
    await concatWebm(pool, [{ path: first }, { path: second }], { outputPath: joined });
    const bytes = await Deno.readFile(joined);
    const layout = readWebmLayout(bytes);
    assert.ok(layout.hasCues, "no Cues element");
    const info = await probeMedia(pool, bytes);
    assert.ok(Math.abs(info.durationSeconds! - (SECONDS + 2)) <= 0.3, `${info.durationSeconds}`);
    assert.equal(info.streams.length, 2);
    const wav = await extractWav(pool, bytes);
    // 16 kHz mono 16-bit: 32,000 bytes a second after the 44-byte header.
    assert.ok(Math.abs((wav.byteLength - 44) / 32_000 - (SECONDS + 2)) <= 0.3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("remuxing concatenated MediaRecorder-style chunks equals remuxing the whole", async () => {
  const live = await camera();
  const chunks = splitIntoChunks(live, [20_000, 7_000]);
  assert.ok(chunks.length >= 4);
  assert.deepEqual(readWebmLayout(chunks[0]).durationSeconds, null, "first chunk has the header");
  assert.throws(() => readWebmLayout(chunks[1]), "later chunks have no header");
  const whole = await remuxWebm(pool, live);
  assert.deepEqual(await remuxWebm(pool, concatBytes(chunks)), whole);
});

Deno.test("muxCombined takes the camera's video and the microphone's audio", async () => {
  const combined = await muxCombined(pool, await cameraWithoutAudio(), await microphone());
  assert.ok(readWebmLayout(combined).hasCues);
  const info = await probeMedia(pool, combined);
  assert.deepEqual(info.streams, [{ kind: "video", codec: "vp8" }, {
    kind: "audio",
    codec: "opus",
  }]);
  assert.ok(Math.abs(info.durationSeconds! - SECONDS) <= 0.3, `duration ${info.durationSeconds}`);
});

Deno.test("muxCombined without a microphone keeps the camera's own audio, if any", async () => {
  const withAudio = await probeMedia(pool, await muxCombined(pool, await camera(), null));
  assert.deepEqual(withAudio.streams.map((s) => s.kind), ["video", "audio"]);
  const silent = await probeMedia(pool, await muxCombined(pool, await cameraWithoutAudio(), null));
  assert.deepEqual(silent.streams.map((s) => s.kind), ["video"]);
});

Deno.test("muxCombined names the recording that lacks a stream", async () => {
  await assert.rejects(
    muxCombined(pool, await camera(), await cameraWithoutAudio()),
    (error) =>
      error instanceof FfmpegError &&
      /^The microphone recording has no audio stream$/.test(error.message),
  );
});

Deno.test("extractWav makes a 16 kHz mono 16-bit WAV as long as the recording", async () => {
  const wav = await extractWav(pool, await microphone());
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const text = (offset: number) => new TextDecoder().decode(wav.subarray(offset, offset + 4));
  assert.equal(text(0), "RIFF");
  assert.equal(text(8), "WAVE");
  assert.equal(text(12), "fmt ");
  assert.equal(view.getUint16(20, true), 1, "PCM");
  assert.equal(view.getUint16(22, true), 1, "channels");
  assert.equal(view.getUint32(24, true), 16_000, "sample rate");
  assert.equal(view.getUint16(34, true), 16, "bits per sample");
  assert.equal(text(36), "data");
  const dataBytes = view.getUint32(40, true);
  assert.equal(dataBytes, wav.byteLength - 44);
  const seconds = dataBytes / (16_000 * 2);
  assert.ok(Math.abs(seconds - SECONDS) <= 0.3, `WAV lasts ${seconds} s`);
});

Deno.test("garbage input fails with a message naming the recording", async () => {
  const garbage = new TextEncoder().encode("this is not a video ".repeat(100));
  await assert.rejects(
    remuxWebm(pool, garbage, { label: "camera recording" }),
    (error) =>
      error instanceof FfmpegError &&
      error.message ===
        "The camera recording could not be read: invalid data found when processing input",
  );
  await assert.rejects(extractWav(pool, garbage), /^FfmpegError: The recording could not be read/);
  await assert.rejects(probeMedia(pool, garbage), /^FfmpegError: The recording could not be read/);
});

Deno.test("a recording cut mid-stream remuxes what is there; cut in the header it fails", async () => {
  const live = await camera();
  const half = await remuxWebm(pool, live.slice(0, Math.floor(live.byteLength / 2)));
  const layout = readWebmLayout(half);
  assert.ok(layout.hasCues);
  assert.ok(
    layout.durationSeconds! > 0.5 && layout.durationSeconds! < SECONDS - 0.5,
    `duration ${layout.durationSeconds}`,
  );
  await assert.rejects(
    remuxWebm(pool, live.slice(0, 100)),
    /^FfmpegError: The recording could not be read: the file ends before its header is complete$/,
  );
});

Deno.test("a job over its timeout is terminated and the pool keeps working", async () => {
  const started = performance.now();
  await assert.rejects(
    pool.run({
      args: [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=640x480:rate=30",
        "-t",
        "600",
        "-f",
        "webm",
        "o.webm",
      ],
      outputs: ["o.webm"],
      timeoutMs: 300,
    }),
    (error) =>
      error instanceof FfmpegError && error.exitCode === null &&
      /^ffmpeg timed out after 0\.3 s running -f lavfi/.test(error.message),
  );
  assert.ok(performance.now() - started < 5_000, "the job was stopped, not waited for");
  const remuxed = await remuxWebm(pool, await camera());
  assert.ok(readWebmLayout(remuxed).hasCues);
});

for (const concurrency of [1, 2]) {
  Deno.test(`at most ${concurrency} job(s) run at once, in submission order`, async () => {
    const events: { phase: "start" | "end"; job: FfmpegJobInfo }[] = [];
    const limited = new FfmpegPool({
      concurrency,
      onJobStart: (job) => events.push({ phase: "start", job }),
      onJobEnd: (job) => events.push({ phase: "end", job }),
    });
    try {
      const live = await microphone();
      await Promise.all(Array.from({ length: 4 }, () => limited.run(probeJob(live))));
    } finally {
      limited.close();
    }
    let active = 0;
    let peak = 0;
    for (const { phase } of events) {
      active += phase === "start" ? 1 : -1;
      peak = Math.max(peak, active);
    }
    assert.equal(peak, concurrency);
    assert.deepEqual(
      events.filter((e) => e.phase === "start").map((e) => e.job.id),
      [1, 2, 3, 4],
    );
  });
}

Deno.test("close() rejects running and queued jobs", async () => {
  const closing = new FfmpegPool({ concurrency: 1 });
  const live = await microphone();
  const jobs = [closing.run(probeJob(live)), closing.run(probeJob(live))];
  closing.close();
  for (const job of jobs) await assert.rejects(job, /^FfmpegError: The ffmpeg pool was closed/);
  await assert.rejects(closing.run(probeJob(live)), /^FfmpegError: The ffmpeg pool is closed/);
});
