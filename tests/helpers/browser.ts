/// <reference lib="dom" />
/**
 * Headless Chromium for the browser tests, with fake camera, microphone and
 * screen, and small helpers to drive the pages.
 *
 * @module
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Where Debian's Chromium lives; CI installs it, elsewhere the browser tests are skipped. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Whether Chromium is installed. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/**
 * Registers a browser test; where Chromium is missing it is reported as
 * ignored instead of failing. Puppeteer keeps ops and resources across
 * awaits, so the sanitizers are off.
 */
export function browserTest(name: string, fn: () => Promise<void>): void {
  const missing = !hasChromium();
  Deno.test({
    name: missing ? `${name} (ignored: no Chromium at ${CHROMIUM_PATH})` : name,
    fn,
    ignore: missing,
    sanitizeOps: false,
    sanitizeResources: false,
  });
}

/**
 * Waits until the candidate page shows question `next` or the end of the
 * interview; true when the interview is done.
 */
export async function waitForNextQuestionOrDone(
  page: Page,
  next: number,
  timeoutMs: number,
): Promise<boolean> {
  await page.waitForFunction(
    (next: number) =>
      !document.getElementById("done")!.hidden ||
      document.getElementById("question-number")!.textContent!.startsWith(`Question ${next} `),
    { timeout: timeoutMs },
    next,
  );
  return await page.$eval("#done", (section) => !(section as HTMLElement).hidden);
}

/** A running browser with its own profile folder. */
export interface TestBrowser {
  browser: Browser;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh profile and fake media devices (no permission prompts). */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      // The dashboard's players are started by a click in the test, not by a person.
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Waits until the element matching `selector` contains `text`. */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeout = 30_000,
): Promise<void> {
  try {
    await page.waitForFunction(
      (selector: string, text: string) =>
        document.querySelector(selector)?.textContent?.includes(text) ?? false,
      { timeout },
      selector,
      text,
    );
  } catch (error) {
    const actual = await page.$eval(selector, (element) => element.textContent).catch(() =>
      "(no such element)"
    );
    throw new Error(`"${text}" never appeared in ${selector}; it shows: ${actual}`, {
      cause: error,
    });
  }
}

/** The text of the first element matching `selector`. */
export function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (element) => element.textContent ?? "");
}

/** The sizes the pages are checked and photographed at: a laptop and a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** Fails when the page is wider than its viewport, naming the widest elements that stick out. */
export async function assertNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth <= width) return null;
    const culprits = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`);
    return { width, scrollWidth, culprits };
  });
  if (overflow) {
    throw new Error(`${where}: the page overflows horizontally: ${JSON.stringify(overflow)}`);
  }
}

/** Whether every element matching `selectors` lies wholly inside the viewport as it is scrolled. */
export function inViewport(page: Page, selectors: string[]): Promise<Record<string, boolean>> {
  return page.evaluate((selectors: string[]) => {
    const result: Record<string, boolean> = {};
    for (const selector of selectors) {
      const box = document.querySelector(selector)?.getBoundingClientRect();
      result[selector] = !!box && box.height > 0 && box.top >= 0 && box.left >= 0 &&
        box.bottom <= innerHeight && box.right <= innerWidth;
    }
    return result;
  }, selectors);
}
