/// <reference lib="dom" />
// The web pages in headless Chromium with fake camera, microphone and screen:
// a candidate takes an interview while an interviewer watches it live and then
// plays the recordings; a network cut mid-answer loses nothing; the colours
// meet WCAG AA. Speech recognition does not work headless, so the candidate
// types the answers. Skipped when Chromium is not installed (CI installs it).
import assert from "node:assert/strict";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Page } from "puppeteer-core";
import { questionAnswers } from "../db/schema.ts";
import { readWebmLayout } from "./fixtures/webm.ts";
import {
  browserTest,
  launchBrowser,
  textOf,
  waitForNextQuestionOrDone,
  waitForText,
} from "./helpers/browser.ts";
import { startLiveServer } from "./helpers/live_server.ts";
import { startTcpProxy } from "./helpers/tcp_proxy.ts";

const SCREENSHOTS = new URL("../docs/screenshots/", import.meta.url);
const JD = "Site reliability engineer: Kubernetes, Terraform, PostgreSQL, Prometheus, Linux.";
const RESUME =
  "Jane Doe. Five years running Kubernetes clusters on AWS; Terraform; PostgreSQL; Go.";
const INTERVIEWER_PASSWORD = "correct horse battery";

/** Signs up on the candidate page with the keyboard alone, checking the tab order on the way. */
async function signUpWithKeyboard(page: Page, username: string): Promise<void> {
  await page.waitForSelector("#auth:not([hidden])");
  const focused = () =>
    page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Skip to main content");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "auth-username");
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "auth-password");
  await page.keyboard.type("a long candidate password");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Log in");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Create account");
  await page.keyboard.press("Enter");
  await waitForText(page, "#who", `Signed in as ${username} (candidate)`);
}

/** Uploads the JD as text and the resume as a file, turns on the devices and starts an interview. */
async function prepareInterview(
  page: Page,
  options: { questions: number; screen: boolean },
): Promise<void> {
  await page.type("#jd-text", JD);
  const resume = await Deno.makeTempFile({ suffix: ".txt" });
  await Deno.writeTextFile(resume, RESUME);
  const input = await page.$("#resume-file");
  await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(resume);
  await page.click("#documents-form button[type=submit]");
  await waitForText(page, "#documents-status", "Uploaded.");
  await Deno.remove(resume);
  await page.click("#devices-button");
  await waitForText(page, "#devices-status", "Camera and microphone are on");
  if (options.screen) {
    await page.click("#screen-button");
    await waitForText(page, "#devices-status", "Your screen is shared");
  }
  await page.$eval("#question-count", (input, count) => {
    (input as HTMLInputElement).value = String(count);
  }, options.questions);
  await page.click("#start-form button[type=submit]");
  await waitForText(page, "#question-number", `Question 1 of ${options.questions}`);
}

/**
 * Records an answer for at least `seconds`, typing `text`; `during` runs while it records.
 * Returns the recorded span in seconds.
 */
async function answer(
  page: Page,
  text: string,
  seconds: number,
  during: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  await page.click("#answer-start");
  await page.waitForSelector("#recording-indicator:not([hidden])");
  const started = performance.now();
  await page.type("#answer-text", text, { delay: 5 });
  await during();
  const rest = seconds * 1000 - (performance.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const recorded = (performance.now() - started) / 1000;
  await page.click("#answer-finish");
  return recorded;
}

async function logInToDashboard(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForSelector("#auth:not([hidden])");
  await page.type("#auth-username", username);
  await page.type("#auth-password", INTERVIEWER_PASSWORD);
  await page.click("#auth-form button[type=submit]");
  await page.waitForSelector("#live:not([hidden])");
}

async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS.pathname, name), fullPage: true });
}

browserTest(
  "a candidate takes a two-question interview while an interviewer watches live, then plays the recordings",
  async () => {
    const server = await startLiveServer();
    const chromium = await launchBrowser();
    try {
      await server.user("rita", "interviewer");
      const dashboard = await (await chromium.browser.createBrowserContext()).newPage();
      const candidate = await (await chromium.browser.createBrowserContext()).newPage();
      await dashboard.setViewport({ width: 1280, height: 900 });
      await candidate.setViewport({ width: 1100, height: 900 });
      await logInToDashboard(dashboard, server.base, "rita");
      await waitForText(dashboard, "#live-empty", "No interview is live");

      await candidate.goto(server.base);
      await signUpWithKeyboard(candidate, "casey");
      await prepareInterview(candidate, { questions: 2, screen: true });
      const firstQuestion = await textOf(candidate, "#question-text");

      await dashboard.waitForSelector("#live-rows tr button");
      await dashboard.click("#live-rows tr button");
      await waitForText(dashboard, "#watch-current", firstQuestion);

      // Answers to the two planned questions; the engine may ask follow-ups, which get the last one.
      const answers = [
        "I use a rolling update Deployment with maxSurge and maxUnavailable settings. " +
        "Readiness probes gate traffic to new pods. I can roll back quickly with kubectl rollout undo. " +
        "Pods shut down gracefully with a preStop hook. Risky changes go out as canary releases first.",
        "We store Terraform state remotely in S3. A DynamoDB lock prevents concurrent changes. " +
        "We reuse shared modules. CI posts the plan for review before anyone applies. " +
        "Environments are separate and a nightly plan detects drift.",
        "Last year I did exactly that for our payments API. We measured latency before and after.",
      ];
      const proctoring = async () => {
        await candidate.$eval("#answer-text", (area) => {
          const data = new DataTransfer();
          data.setData("text/plain", "pasted words");
          area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
          dispatchEvent(new Event("blur"));
        });
        await waitForText(dashboard, "#watch-flags", "Pasted text: 12 characters (question 1)");
        await waitForText(dashboard, "#watch-flags", "Window lost focus");
      };
      // Both pages are photographed mid-interview, while the second answer records.
      const photograph = async () => {
        await dashboard.waitForSelector("#watch-stream-rows tr");
        await screenshot(candidate, "candidate.png");
        await screenshot(dashboard, "dashboard.png");
      };
      let answered = 0;
      for (let done = false; !done;) {
        const number = ++answered;
        assert.ok(number <= 4, "the interview should end after at most four answers");
        const text = answers[Math.min(number, answers.length) - 1];
        const during = number === 1 ? proctoring : number === 2 ? photograph : undefined;
        await answer(candidate, text, 3, during);
        await waitForText(candidate, `#result-${number}`, "Score");
        const secondSentence = text.split(". ")[1];
        await waitForText(dashboard, "#watch-transcript", secondSentence);
        // Fragments reach the card's transcript (with their timestamps) only from the live feed.
        await waitForText(dashboard, `#question-${number} .transcript`, secondSentence);
        await waitForText(dashboard, `#question-${number}`, "score");
        done = await waitForNextQuestionOrDone(candidate, number + 1, 30_000);
      }
      assert.ok(answered >= 2);
      await waitForText(candidate, "#done-summary", "Average score");
      assert.equal(await candidate.$$eval("#done-rows tr", (rows) => rows.length), answered);

      // Every final answer has one player (camera and screen) that knows its duration and seeks.
      await waitForText(dashboard, "#watch-meta", "status completed");
      for (const kind of ["combined", "screen"]) {
        const selector = `#question-1 video[data-kind=${kind}]`;
        await dashboard.waitForSelector(selector);
        const result = await dashboard.$eval(selector, async (element) => {
          const video = element as HTMLVideoElement;
          if (video.readyState < 1) {
            await new Promise((resolve, reject) => {
              video.addEventListener("loadedmetadata", resolve, { once: true });
              video.addEventListener("error", () => reject(new Error("cannot load")), {
                once: true,
              });
            });
          }
          const seeked = new Promise((resolve) =>
            video.addEventListener("seeked", resolve, { once: true })
          );
          video.currentTime = video.duration / 2;
          await seeked;
          return { duration: video.duration, currentTime: video.currentTime, src: video.src };
        });
        assert.ok(Number.isFinite(result.duration) && result.duration > 2, JSON.stringify(result));
        assert.ok(result.currentTime > 0, JSON.stringify(result));
        assert.match(result.src, /\?uid=\d+&expires=\d+&sig=/);
      }
      // A transcript timestamp moves the player there.
      const jumped = await dashboard.$eval("#question-2", async (card) => {
        const video = card.querySelector("video") as HTMLVideoElement;
        const buttons = card.querySelectorAll<HTMLButtonElement>(".transcript button");
        const button = buttons[buttons.length - 1];
        const seek = (action: () => void) =>
          new Promise((resolve) => {
            video.addEventListener("seeked", resolve, { once: true });
            action();
          });
        if (video.readyState < 1) {
          await new Promise((resolve) => video.addEventListener("loadedmetadata", resolve));
        }
        await seek(() => video.currentTime = 0.05);
        await seek(() => button.click());
        video.pause();
        return { label: button.textContent ?? "", currentTime: video.currentTime };
      });
      const [minutes, seconds] = jumped.label.split(":").map(Number);
      const labelled = minutes * 60 + seconds;
      assert.ok(
        jumped.currentTime >= labelled && jumped.currentTime < labelled + 1.5,
        JSON.stringify(jumped),
      );
      await dashboard.evaluate(() => document.querySelectorAll("video").forEach((v) => v.pause()));

      // The summary's filters find the finished interview, and it opens with its players.
      await dashboard.type("#filter-username", "casey");
      await dashboard.select("#filter-status", "completed");
      await dashboard.click("#summary-form button[type=submit]");
      await waitForText(dashboard, "#summary-status", "Showing 1–1 of 1");
      await waitForText(dashboard, "#summary-rows", "casey");
      // Clicked inside the page: live events may re-render the table between a lookup and a click.
      await dashboard.$eval("#summary-rows tr button", (button) => (button as HTMLElement).click());
      await dashboard.waitForSelector("#question-2 video[data-kind=combined]");
      await waitForText(dashboard, "#question-2", "AI reference answer");
    } finally {
      await chromium.close();
      await server.stop();
    }
  },
);

browserTest(
  "a network cut mid-answer shows reconnecting, then resumed, and the recording arrives complete",
  async () => {
    const server = await startLiveServer();
    const proxy = startTcpProxy(Number(new URL(server.base).port));
    const chromium = await launchBrowser();
    try {
      const page = await chromium.browser.newPage();
      await page.goto(`http://127.0.0.1:${proxy.port}/`);
      await signUpWithKeyboard(page, "nora");
      await prepareInterview(page, { questions: 1, screen: false });
      // Connection states and the last upload figures are recorded as they change, because the
      // page moves on (the engine may ask a follow-up question) once the answer is evaluated.
      await page.evaluate(() => {
        const record = globalThis as unknown as {
          states: string[];
          uploads: Record<string, { sent: number; committed: number }>;
        };
        record.states = [];
        record.uploads = {};
        const banner = document.getElementById("connection")!;
        new MutationObserver(() => record.states.push(banner.dataset.state ?? "")).observe(banner, {
          attributes: true,
          attributeFilter: ["data-state"],
        });
        const rows = document.getElementById("upload-rows")!;
        new MutationObserver(() => {
          for (const row of rows.querySelectorAll<HTMLElement>("tr")) {
            const stream = row.id.replace("upload-", "");
            record.uploads[stream] = {
              sent: Number(row.dataset.sent),
              committed: Number(row.dataset.committed),
            };
          }
        }).observe(rows, { attributes: true, childList: true, subtree: true });
      });

      await page.click("#answer-start");
      await page.waitForSelector("#recording-indicator:not([hidden])");
      const started = performance.now();
      await page.waitForFunction(() =>
        Number(document.getElementById("upload-camera")?.dataset.committed ?? 0) > 0
      );
      proxy.cut();
      await page.waitForFunction(() => {
        const states = (globalThis as unknown as { states: string[] }).states;
        return states.includes("reconnecting") &&
          states.indexOf("resumed") > states.indexOf("reconnecting");
      }, { timeout: 15_000 });
      await waitForText(page, "#connection", "Reconnected");
      await page.type("#answer-text", "The upload resumed after the network came back.");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const recorded = (performance.now() - started) / 1000;
      await page.click("#answer-finish");
      await waitForText(page, "#result-1", "Score");

      // What the page says it sent is what the server received, stream by stream.
      const uploads = await page.evaluate(() =>
        (globalThis as unknown as { uploads: Record<string, { sent: number; committed: number }> })
          .uploads
      );
      assert.deepEqual(Object.keys(uploads).sort(), ["audio", "camera"]);
      const [row] = await server.deps.database.db.select().from(questionAnswers).where(
        eq(questionAnswers.questionId, 1),
      );
      assert.equal(row.status, "ANSWERED");
      for (const [stream, { sent, committed }] of Object.entries(uploads)) {
        assert.ok(sent > 0);
        assert.equal(committed, sent, `${stream}: all bytes saved`);
        assert.equal(row.media?.receivedBytes?.[stream as "camera" | "audio"], sent);
      }
      // The recording covers the whole answer, the time the network was down included.
      const layout = readWebmLayout(
        await Deno.readFile(join(server.deps.config.DATA_DIR, row.combinedRecordingPath!)),
      );
      assert.ok(
        layout.durationSeconds !== null && layout.durationSeconds >= recorded - 0.3,
        `recording ${layout.durationSeconds} s, recorded ${recorded.toFixed(2)} s`,
      );

      // A candidate who opens the dashboard is told it is not for them.
      await page.goto(`http://127.0.0.1:${proxy.port}/dashboard`);
      await waitForText(page, "#page-status", "The dashboard is for interviewers and admins");
    } finally {
      await chromium.close();
      proxy.close();
      await server.stop();
    }
  },
);

/** WCAG relative luminance of an `rgb(r, g, b)` colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

browserTest("the pages' text colours meet WCAG AA contrast on their backgrounds", async () => {
  const server = await startLiveServer();
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    await page.goto(server.base);
    await page.waitForSelector("#auth:not([hidden])");
    // Text colour → the backgrounds it is used on, as CSS variables of web/style.css.
    const pairs: [string, string[]][] = [
      ["--color-text", ["--color-bg", "--color-surface"]],
      ["--color-muted", ["--color-bg", "--color-surface"]],
      ["--color-accent", ["--color-bg", "--color-surface"]],
      ["--color-on-accent", ["--color-accent"]],
      ["--color-danger", ["--color-bg", "--color-surface"]],
      ["--color-success", ["--color-bg", "--color-surface"]],
      ["--color-warning-text", ["--color-warning-bg"]],
      ["--color-info-text", ["--color-info-bg"]],
    ];
    const names = [...new Set(pairs.flatMap(([text, backgrounds]) => [text, ...backgrounds]))];
    // The browser resolves each variable to rgb(), whatever syntax the stylesheet uses.
    const colors = await page.evaluate((names: string[]) => {
      const probe = document.createElement("span");
      document.body.append(probe);
      const resolved = Object.fromEntries(names.map((name) => {
        probe.style.color = `var(${name})`;
        return [name, getComputedStyle(probe).color];
      }));
      probe.remove();
      return resolved;
    }, names);
    const failures: string[] = [];
    for (const [text, backgrounds] of pairs) {
      for (const background of backgrounds) {
        const ratio = contrast(colors[text], colors[background]);
        if (ratio < 4.5) failures.push(`${text} on ${background}: ${ratio.toFixed(2)}:1`);
      }
    }
    assert.deepEqual(failures, []);
    const body = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { color: style.color, background: style.backgroundColor };
    });
    assert.ok(contrast(body.color, body.background) >= 4.5, JSON.stringify(body));
  } finally {
    await chromium.close();
    await server.stop();
  }
});
