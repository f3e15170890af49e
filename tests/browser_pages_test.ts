/// <reference lib="dom" />
// The pages as a candidate and an interviewer see them on a laptop (1280×800)
// and a phone (390×844): nothing runs off the side of any page; while an
// answer records, the question, its timer and the buttons are in view; after
// the last answer the candidate sees the report, can download it and start
// another interview, and finds it again among past interviews; the dashboard
// shows the same report and one synchronised review player per answer with
// stored transcript timestamps (nobody watched live). No request answers 404,
// no URL holds the access token, and candidates see no API paths or scoring
// formulas. Screenshots of both sizes go to docs/screenshots/.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { HTTPResponse, Page } from "puppeteer-core";
import {
  assertNoHorizontalOverflow,
  browserTest,
  inViewport,
  launchBrowser,
  VIEWPORTS,
  waitForNextQuestionOrDone,
  waitForText,
} from "./helpers/browser.ts";
import { startLiveServer } from "./helpers/live_server.ts";

const SCREENSHOTS = new URL("../docs/screenshots/", import.meta.url);
const INTERVIEWER_PASSWORD = "correct horse battery";
const ANSWERS = [
  "I roll out with a Deployment using maxSurge and readiness probes. " +
  "Last year I cut our failed releases from 6 to 1 a quarter with canary releases.",
  "Terraform state lives in S3 with a DynamoDB lock. CI posts every plan for review.",
  "I measured p99 latency before and after; it dropped from 900 ms to 120 ms.",
];
/** What a candidate must never read: route names, score formulas, internal words. */
const TECHNICAL = /\b(GET|POST) \/|jd_resume|= coverage|specificity|failure_reason/;

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS.pathname, name), fullPage });
}

/** Collects every response of `page` that failed (4xx/5xx) and every URL that held `token()`. */
function watchRequests(page: Page, token: () => string | null) {
  const failures: string[] = [];
  const leaks: string[] = [];
  page.on("response", (response: HTTPResponse) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on("request", (request) => {
    const secret = token();
    if (secret && request.url().includes(secret)) leaks.push(request.url());
  });
  return { failures, leaks };
}

function tokenOf(page: Page): Promise<string | null> {
  return page.evaluate(() => sessionStorage.getItem("ai-interviewer.token"));
}

async function answerQuestion(page: Page, text: string, during: () => Promise<void>) {
  await page.click("#answer-start");
  await page.waitForSelector("#recording-indicator:not([hidden])");
  await page.type("#answer-text", text, { delay: 2 });
  await during();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.click("#answer-finish");
}

async function assertCandidateWordsArePlain(page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText);
  const found = TECHNICAL.exec(text);
  assert.equal(found, null, `${where}: a candidate reads "${found?.[0]}"`);
}

browserTest(
  "the pages fit a phone and a laptop, and the report reaches both pages",
  async () => {
    const server = await startLiveServer();
    const chromium = await launchBrowser();
    try {
      await server.user("rita", "interviewer");
      const candidate = await (await chromium.browser.createBrowserContext()).newPage();
      let candidateToken: string | null = null;
      const candidateRequests = watchRequests(candidate, () => candidateToken);
      await candidate.setViewport(VIEWPORTS.phone);
      await candidate.goto(server.base);
      await candidate.waitForSelector("#auth:not([hidden])");
      await assertNoHorizontalOverflow(candidate, "candidate sign-in (phone)");
      await candidate.type("#auth-username", "casey");
      await candidate.type("#auth-password", "a long candidate password");
      await candidate.click("#auth-form button[value=signup]");
      await waitForText(candidate, "#who", "Signed in as casey");
      candidateToken = await tokenOf(candidate);

      // Starting without documents: a plain sentence, no route names.
      await candidate.click("#start-form button[type=submit]");
      await waitForText(candidate, "#start-status", "Upload a job description or a resume first");
      await assertCandidateWordsArePlain(candidate, "start without documents");
      // Black boxes do not show before the camera is on.
      assert.equal(await candidate.$eval("#camera-preview", (v) => v.checkVisibility()), false);
      await assertNoHorizontalOverflow(candidate, "candidate setup (phone)");
      await screenshot(candidate, "candidate-setup-phone.png");

      await candidate.type(
        "#jd-text",
        "Site reliability engineer: Kubernetes, Terraform, PostgreSQL, Prometheus.",
      );
      await candidate.click("#documents-form button[type=submit]");
      await waitForText(candidate, "#documents-status", "Uploaded.");
      await candidate.click("#devices-button");
      await waitForText(candidate, "#devices-status", "Camera and microphone are on");
      await candidate.click("#screen-button");
      await waitForText(candidate, "#devices-status", "Your screen is shared");
      await candidate.$eval("#question-count", (input) => (input as HTMLInputElement).value = "2");
      await candidate.click("#start-form button[type=submit]");
      await waitForText(candidate, "#question-number", "Question 1 of 2");
      // The earlier error is gone once the interview starts.
      assert.equal(await candidate.$eval("#start-status", (p) => p.textContent), "");

      // Laptop: while recording, the question, its timer and both buttons are in view.
      await candidate.setViewport(VIEWPORTS.desktop);
      await answerQuestion(candidate, ANSWERS[0], async () => {
        const seen = await inViewport(candidate, [
          "#question-text",
          "#countdown",
          "#answer-start",
          "#answer-finish",
        ]);
        assert.ok(Object.values(seen).every(Boolean), JSON.stringify(seen));
        await screenshot(candidate, "candidate-desktop.png", false);
      });
      await waitForText(candidate, "#result-1", "Score");
      await assertCandidateWordsArePlain(candidate, "mid-interview results");

      // Phone: the dashboard's live list fits too, with its Watch button on screen.
      const dashboard = await (await chromium.browser.createBrowserContext()).newPage();
      let dashboardToken: string | null = null;
      const dashboardRequests = watchRequests(dashboard, () => dashboardToken);
      await dashboard.setViewport(VIEWPORTS.phone);
      await dashboard.goto(`${server.base}/dashboard`);
      await dashboard.waitForSelector("#auth:not([hidden])");
      await assertNoHorizontalOverflow(dashboard, "dashboard sign-in (phone)");
      await dashboard.type("#auth-username", "rita");
      await dashboard.type("#auth-password", INTERVIEWER_PASSWORD);
      await dashboard.click("#auth-form button[type=submit]");
      await dashboard.waitForSelector("#live-rows tr button");
      dashboardToken = await tokenOf(dashboard);
      await assertNoHorizontalOverflow(dashboard, "dashboard live list (phone)");

      await candidate.setViewport(VIEWPORTS.phone);
      await waitForText(candidate, "#question-number", "Question 2 of");
      let answered = 1;
      for (let done = false; !done;) {
        answered++;
        assert.ok(answered <= 4, "the interview should end after at most four answers");
        await answerQuestion(
          candidate,
          ANSWERS[Math.min(answered, ANSWERS.length) - 1],
          async () => {
            if (answered !== 2) return;
            await assertNoHorizontalOverflow(candidate, "candidate recording (phone)");
            await screenshot(candidate, "candidate-phone.png");
          },
        );
        done = await waitForNextQuestionOrDone(candidate, answered + 1, 60_000);
      }

      // The results page: average, rows, the report and its PDF, in plain words.
      await waitForText(candidate, "#done-summary", "Average score");
      await waitForText(candidate, "#done-report", "Recommendation:", 60_000);
      await waitForText(candidate, "#done-report", "Download the report (PDF)");
      await assertCandidateWordsArePlain(candidate, "results");
      await assertNoHorizontalOverflow(candidate, "candidate results (phone)");
      await screenshot(candidate, "candidate-results-phone.png");
      const pdf = await candidate.$eval("#done-report a.pdf-link", async (link) => {
        const response = await fetch((link as HTMLAnchorElement).href);
        return {
          href: (link as HTMLAnchorElement).href,
          status: response.status,
          type: response.headers.get("content-type"),
        };
      });
      assert.equal(pdf.status, 200, JSON.stringify(pdf));
      assert.equal(pdf.type, "application/pdf");
      assert.match(pdf.href, /report\.pdf\?uid=\d+&expires=\d+&sig=/);
      await candidate.setViewport(VIEWPORTS.desktop);
      await screenshot(candidate, "candidate-results-desktop.png");

      // Start another: the page comes back with the interview among the past ones.
      await candidate.click("#done-new");
      await candidate.waitForSelector("#history:not([hidden]) #history-rows tr button");
      await waitForText(candidate, "#history-rows", "Completed");
      await candidate.waitForSelector("#start:not([hidden])");
      await candidate.setViewport(VIEWPORTS.phone);
      await assertNoHorizontalOverflow(candidate, "candidate with past interviews (phone)");
      await candidate.click("#history-rows tr button");
      await waitForText(candidate, "#done-report", "Recommendation:");
      await assertCandidateWordsArePlain(candidate, "past results");

      // The dashboard opens the finished interview nobody watched: report, one player per
      // answer (camera and screen side by side), and stored transcript timestamps.
      await dashboard.click("#summary-form button[type=submit]");
      await waitForText(dashboard, "#summary-rows", "casey");
      await dashboard.$eval("#summary-rows tr button", (button) => (button as HTMLElement).click());
      await waitForText(dashboard, "#watch-report", "Recommendation:", 60_000);
      await waitForText(dashboard, "#watch-report", "Download the report (PDF)");
      await dashboard.waitForSelector("#question-1 .player video[data-kind=screen]");
      await dashboard.waitForSelector("#question-1 .transcript button");
      assert.equal(await dashboard.$$eval("#question-1 video", (videos) => videos.length), 2);
      // The interviewer may read the scoring detail.
      await waitForText(dashboard, "#question-1", "coverage");
      await assertNoHorizontalOverflow(dashboard, "dashboard interview (phone)");
      await screenshot(dashboard, "dashboard-phone.png");

      // The screen follows the camera: seek and play the main player.
      const synced = await dashboard.$eval("#question-1 .player", async (player) => {
        const [main, screen] = [...player.querySelectorAll("video")];
        const ready = (video: HTMLVideoElement) =>
          video.readyState >= 1 ? Promise.resolve() : new Promise((resolve, reject) => {
            video.addEventListener("loadedmetadata", resolve, { once: true });
            video.addEventListener("error", () => reject(new Error(`cannot load ${video.src}`)));
          });
        await Promise.all([ready(main), ready(screen)]);
        main.currentTime = Math.min(1, main.duration / 2);
        await new Promise((resolve) => main.addEventListener("seeked", resolve, { once: true }));
        await new Promise((resolve) => setTimeout(resolve, 300));
        const afterSeek = screen.currentTime;
        await main.play();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const playing = !screen.paused;
        main.pause();
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { main: main.currentTime, afterSeek, playing, paused: screen.paused, src: main.src };
      });
      assert.ok(
        Math.abs(synced.afterSeek - Math.min(1, synced.main)) < 0.6,
        JSON.stringify(synced),
      );
      assert.ok(synced.playing && synced.paused, JSON.stringify(synced));
      assert.match(synced.src, /\/recordings\/combined\?uid=\d+&expires=\d+&sig=/);

      await dashboard.setViewport(VIEWPORTS.desktop);
      await assertNoHorizontalOverflow(dashboard, "dashboard interview (desktop)");
      await screenshot(dashboard, "dashboard-desktop.png");

      // No 404 anywhere (favicon, "no document yet"); the only failure is the refused start.
      const failures = [...candidateRequests.failures, ...dashboardRequests.failures];
      assert.deepEqual(
        failures.filter((f) => !f.includes("/interview/start_interview")),
        [],
      );
      assert.deepEqual([...candidateRequests.leaks, ...dashboardRequests.leaks], []);
    } finally {
      await chromium.close();
      await server.stop();
    }
  },
);
