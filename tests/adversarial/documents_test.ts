/**
 * Issue 8, items 2, 3 and 12: hostile uploads against a real HTTP server on
 * loopback, with limits set small. Each is refused with its reason, quickly,
 * while `/health` keeps answering, the test process's memory stays flat, and
 * another user's upload at the same time and right after is stored complete.
 */
import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { dbTest, setupApp, type TestApp } from "../helpers/app.ts";
import { makePdf } from "../fixtures/documents.ts";
import { assertStayedHealthy, watchHealth } from "./health_watch.ts";
import { type HostileBody, hostileUploads, sendUpload } from "./attacks/documents.ts";

const MB = 1024 * 1024;

const SMALL_LIMITS = {
  MAX_UPLOAD_MB: "2",
  DOCUMENT_MAX_PAGES: "50",
  DOCUMENT_READ_MEMORY_MB: "160",
  DOCUMENT_READ_TIMEOUT_S: "10",
};

/** What each hostile upload must be answered, at small size under {@link SMALL_LIMITS}. */
const EXPECTED: Record<string, { status: number; detail: RegExp }> = {
  pdf_100k_pages: {
    status: 422,
    detail: /^The PDF has 2,000 pages; at most 50 are read\. Upload a shorter document\.$/,
  },
  docx_character_references: {
    status: 422,
    detail: /The DOCX could not be read: .* expands to more than 16777216 bytes/,
  },
  docx_empty_paragraphs: {
    status: 422,
    detail: /The DOCX could not be read: .* expands to more than 16777216 bytes/,
  },
  pdf_inflating_stream: {
    status: 422,
    detail: /^The PDF needs more than 160 MB of memory to read/,
  },
  multipart_150k_parts: {
    status: 413,
    detail: /^The multipart body has more than 8 parts\. Send only the field "file"\.$/,
  },
};

/** The longest a refusal may take at small size, reading child start-up included. */
const REFUSED_WITHIN_MS = 8000;
/** Growth of the test process (which runs the server) allowed while an attack runs. */
const MAX_RSS_GROWTH = 150 * MB;

interface DocumentServer extends TestApp {
  base: string;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<DocumentServer> {
  const t = await setupApp(env);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    createApp(t.deps).fetch,
  );
  return {
    ...t,
    base: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}

async function resumeUpload(lines: string[]): Promise<HostileBody> {
  const form = new FormData();
  form.append("file", new File([makePdf(lines).slice()], "resume.pdf"));
  const request = new Request("http://x/", { method: "POST", body: form });
  return {
    body: new Uint8Array(await request.arrayBuffer()),
    contentType: request.headers.get("content-type")!,
  };
}

const VICTIM_FIRST = ["Victim resume", "Go, PostgreSQL and Kubernetes", "Led a team of four"];
const VICTIM_SECOND = ["Victim resume, updated", "Rust and TypeScript"];

for (const [name, expected] of Object.entries(EXPECTED)) {
  dbTest(`${name}: refused with its reason while /health and other users carry on`, async () => {
    const server = await startServer(SMALL_LIMITS);
    try {
      const hostile = await hostileUploads[name].build("small");
      const [first, second] = [await resumeUpload(VICTIM_FIRST), await resumeUpload(VICTIM_SECOND)];
      const attacker = await server.user("mallory");
      const victim = await server.user("victim");

      const rssBefore = Deno.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss);
      }, 20);
      const watch = watchHealth(server.base);
      let outcome, during, after;
      try {
        [outcome, during] = await Promise.all([
          sendUpload(server.base, attacker.token, hostile),
          // The victim uploads while the attack is being read.
          new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
            sendUpload(server.base, victim.token, first)
          ),
        ]);
        after = await sendUpload(server.base, victim.token, second);
      } finally {
        clearInterval(sampler);
      }
      assertStayedHealthy(name, await watch.stop());

      assert.equal(outcome.status, expected.status, outcome.detail);
      assert.match(outcome.detail, expected.detail);
      assert.ok(outcome.ms < REFUSED_WITHIN_MS, `refused after ${Math.round(outcome.ms)} ms`);
      const growth = rssPeak - rssBefore;
      assert.ok(
        growth < MAX_RSS_GROWTH,
        `the server's process grew by ${Math.round(growth / MB)} MB`,
      );

      assert.equal(during.status, 201, during.detail);
      assert.equal(after.status, 201, after.detail);
      const stored = await (await server.request("GET", "/jd_resume/resume", {
        token: victim.token,
      })).json();
      assert.equal(stored.text, VICTIM_SECOND.join("\n"));
      const nothing = await server.request("GET", "/jd_resume/resume", { token: attacker.token });
      assert.equal(nothing.status, 404);
      await nothing.body?.cancel();
    } finally {
      await server.stop();
    }
  });
}

dbTest(
  "reading is bounded: a full queue is 503 and a second document of one user 429, with Retry-After",
  async () => {
    const server = await startServer({ DOCUMENT_READ_CONCURRENCY: "1", DOCUMENT_READ_QUEUE: "0" });
    try {
      const pdf = await resumeUpload(VICTIM_FIRST);
      const [ann, bob] = [await server.user("ann"), await server.user("bob")];
      const statuses = async (tokens: string[]) => {
        const outcomes = await Promise.all(
          tokens.map((token) => sendUpload(server.base, token, pdf)),
        );
        return outcomes.sort((a, b) => a.status - b.status);
      };

      const [stored, refused] = await statuses([ann.token, bob.token]);
      assert.equal(stored.status, 201, stored.detail);
      assert.equal(refused.status, 503, refused.detail);
      assert.match(refused.detail, /reading too many documents right now\. Try again/);
      assert.ok(Number(refused.retryAfter) > 0, `Retry-After: ${refused.retryAfter}`);

      const [own, again] = await statuses([ann.token, ann.token]);
      assert.equal(own.status, 201, own.detail);
      assert.equal(again.status, 429, again.detail);
      assert.match(again.detail, /One of your documents is still being read/);
      assert.ok(Number(again.retryAfter) > 0, `Retry-After: ${again.retryAfter}`);

      // Nothing is left holding a slot.
      assert.equal((await sendUpload(server.base, bob.token, pdf)).status, 201);
    } finally {
      await server.stop();
    }
  },
);
