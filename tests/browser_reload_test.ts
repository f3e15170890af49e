/// <reference lib="dom" />
// Issue 10, item 1: a reload mid-answer loses nothing. In headless Chromium with a fake camera,
// the candidate reloads the page while answering, finds the typed text back, and either
// continues the answer with new recorders (the final recording covers both parts) or finishes
// it at once with what was saved. Skipped when Chromium is not installed (CI installs it).
import assert from "node:assert/strict";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Page } from "puppeteer-core";
import { interviews, questionAnswers, users } from "../db/schema.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import { browserTest, launchBrowser, waitForText } from "./helpers/browser.ts";
import { type LiveServer, startLiveServer } from "./helpers/live_server.ts";

const JD = "Backend engineer: TypeScript, PostgreSQL, Kubernetes, Docker, Redis.";
const BEFORE = "Before the reload I tuned PostgreSQL indexes with EXPLAIN ANALYZE.";
const AFTER = " After the reload I moved the hot rows into Redis.";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Signs up, pastes a job description, turns the camera on and starts a one-question interview. */
async function startInterview(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base);
  await page.waitForSelector("#auth:not([hidden])");
  await page.type("#auth-username", username);
  await page.type("#auth-password", "a long candidate password");
  await page.click("#auth-form button[value=signup]");
  await waitForText(page, "#who", username);
  await page.type("#jd-text", JD);
  await page.click("#documents-form button[type=submit]");
  await waitForText(page, "#documents-status", "Uploaded.");
  await turnOnCamera(page);
  await page.$eval("#question-count", (input) => (input as HTMLInputElement).value = "1");
  await page.click("#start-form button[type=submit]");
  await waitForText(page, "#question-number", "Question 1 of 1");
}

async function turnOnCamera(page: Page): Promise<void> {
  await page.click("#devices-button");
  await waitForText(page, "#devices-status", "Camera and microphone are on");
}

/**
 * Starts the answer, types `BEFORE`, records for about `seconds` and reloads
 * once the server has every byte sent so far. Returns the seconds recorded.
 */
async function answerThenReload(page: Page, seconds: number): Promise<number> {
  await page.click("#answer-start");
  await page.waitForSelector("#recording-indicator:not([hidden])");
  const started = performance.now();
  await page.type("#answer-text", BEFORE, { delay: 5 });
  await sleep(seconds * 1000 - (performance.now() - started));
  // Each recorder hands over a chunk a second; reload right after one arrived, so little is lost.
  await page.waitForFunction(() => {
    const row = document.getElementById("upload-camera");
    return row !== null && Number(row.dataset.committed) > 0 &&
      row.dataset.committed === row.dataset.sent;
  });
  const recorded = (performance.now() - started) / 1000;
  await page.reload();
  return recorded;
}

/** After the reload: opens the interrupted interview again, as a candidate would. */
async function reopen(page: Page): Promise<void> {
  await page.waitForSelector("#continue-list button");
  await page.click("#continue-list button");
  await waitForText(page, "#interview-status", "Your answer was interrupted");
  assert.equal(
    await page.$eval("#answer-finish", (b) => b.textContent),
    "Finish with what was saved",
  );
  assert.equal(
    await page.$eval("#answer-text", (area) => (area as HTMLTextAreaElement).value),
    BEFORE,
    "the typed text is back",
  );
}

/** The finalized answer of `username`'s interview, once there is one. */
async function finalAnswer(server: LiveServer, username: string) {
  const { db } = server.deps.database;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(250)) {
    const [row] = await db.select({ qa: questionAnswers }).from(questionAnswers)
      .innerJoin(interviews, eq(interviews.id, questionAnswers.interviewId))
      .innerJoin(users, eq(users.id, interviews.userId))
      .where(and(eq(users.username, username), eq(questionAnswers.questionId, 1)));
    if (row?.qa.status === "ANSWERED" || row?.qa.status === "FAILED") return row.qa;
  }
  throw new Error(`the answer of ${username} was not finalized within 90 s`);
}

async function durationOf(server: LiveServer, path: string | null): Promise<number> {
  assert.ok(path, "the recording exists");
  const layout = readWebmLayout(await Deno.readFile(join(server.deps.config.DATA_DIR, path)));
  assert.ok(layout.hasCues, `${path} is seekable`);
  assert.ok(layout.durationSeconds !== null, `${path} has a duration`);
  return layout.durationSeconds;
}

browserTest(
  "a reload mid-answer: the answer continues, and the recording covers both parts",
  async () => {
    const server = await startLiveServer();
    const chromium = await launchBrowser();
    try {
      const page = await chromium.browser.newPage();
      await startInterview(page, server.base, "reloading-rosa");
      const before = await answerThenReload(page, 4);
      const reloadedAt = performance.now();
      await reopen(page);
      await turnOnCamera(page);
      assert.equal(await page.$eval("#answer-start", (b) => b.textContent), "Continue answer");
      await page.click("#answer-start");
      await page.waitForSelector("#recording-indicator:not([hidden])");
      const continued = performance.now();
      assert.ok(continued - reloadedAt < 10_000, "recording continues within seconds");
      // Typed at the end of the kept text, as the candidate's cursor would be.
      await page.$eval("#answer-text", (area) => {
        const text = area as HTMLTextAreaElement;
        text.focus();
        text.setSelectionRange(text.value.length, text.value.length);
      });
      await page.keyboard.type(AFTER, { delay: 5 });
      await sleep(3000 - (performance.now() - continued));
      const after = (performance.now() - continued) / 1000;
      await page.click("#answer-finish");
      await waitForText(page, "#interview-status", "Answer saved");
      assert.deepEqual(
        await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("answer-"))),
        [],
        "the draft is forgotten once the answer is accepted",
      );

      const answer = await finalAnswer(server, "reloading-rosa");
      assert.equal(answer.status, "ANSWERED", answer.failureReason ?? "");
      assert.equal(answer.answerText, BEFORE + AFTER, "the typed text of both parts is kept");
      assert.equal(answer.media?.segment, 1, "the answer was continued once");
      const expected = before + after;
      for (const path of [answer.combinedRecordingPath, answer.cameraRecordingPath]) {
        const duration = await durationOf(server, path);
        // The reload loses at most the chunk being recorded (1 s); timers add some slack.
        assert.ok(
          duration > expected - 1.6 && duration < expected + 0.6,
          `${path} lasts ${duration} s; recorded ${before.toFixed(1)} s + ${after.toFixed(1)} s`,
        );
      }
      const audio = await durationOf(server, answer.audioRecordingPath);
      assert.ok(audio > expected - 1.6, `the microphone recording lasts ${audio} s`);
    } finally {
      await chromium.close();
      await server.stop();
    }
  },
);

browserTest("a reload mid-answer: the candidate finishes at once with what was saved", async () => {
  const server = await startLiveServer();
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    await startInterview(page, server.base, "finishing-felix");
    const before = await answerThenReload(page, 3);
    await reopen(page);
    // No camera needed to finish with what the server already has.
    await page.click("#answer-finish");
    await waitForText(page, "#interview-status", "Answer saved");

    const answer = await finalAnswer(server, "finishing-felix");
    assert.equal(answer.status, "ANSWERED", answer.failureReason ?? "");
    assert.equal(answer.answerText, BEFORE);
    const duration = await durationOf(server, answer.combinedRecordingPath);
    assert.ok(
      duration > before - 1.6 && duration < before + 0.6,
      `lasts ${duration} s of ${before}`,
    );
  } finally {
    await chromium.close();
    await server.stop();
  }
});
