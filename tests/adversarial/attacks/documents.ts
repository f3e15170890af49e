/**
 * Issue 8, items 2, 3 and 12: hostile uploads. Small files that cost a reader
 * pages, memory or time far beyond their size (a 100,000-page PDF, a DOCX of
 * character references, a DOCX of empty paragraphs, a PDF stream that inflates
 * to 1 GB), and a multipart body of 150,000 parts. Each is sent by a freshly
 * signed-up candidate as a resume.
 *
 * @module
 */
import type { Attack, AttackSize, AttackTarget } from "./attack.ts";
import {
  characterReferenceDocx,
  emptyParagraphsDocx,
  inflatingStreamPdf,
  manyPagesPdf,
  manyPartsMultipart,
} from "../../fixtures/hostile_documents.ts";

const MB = 1024 * 1024;

/** A request body and its type, ready to send. */
export interface HostileBody {
  body: Uint8Array;
  contentType: string;
}

/** One hostile upload: how to build it at each size. */
interface HostileUpload {
  item: number;
  build(size: AttackSize): Promise<HostileBody>;
}

function fileBody(bytes: Uint8Array, filename: string): Promise<HostileBody> {
  const form = new FormData();
  form.append("file", new File([bytes.slice()], filename));
  const request = new Request("http://x/", { method: "POST", body: form });
  return request.arrayBuffer().then((body) => ({
    body: new Uint8Array(body),
    contentType: request.headers.get("content-type")!,
  }));
}

/**
 * The hostile uploads by attack name. Small sizes still trip the fixed caps
 * (16 MB of DOCX XML; 8.5 million blank lines are what overflowed the old
 * normaliser, so that one keeps its full size) or the small limits the tests
 * configure (pages, reader memory, upload size).
 */
export const hostileUploads: Record<string, HostileUpload> = {
  pdf_100k_pages: {
    item: 2,
    build: async (size) =>
      fileBody(await manyPagesPdf(size === "full" ? 100_000 : 2_000), "resume.pdf"),
  },
  docx_character_references: {
    item: 3,
    build: async (size) =>
      fileBody(await characterReferenceDocx((size === "full" ? 50 : 17) * MB), "resume.docx"),
  },
  docx_empty_paragraphs: {
    item: 3,
    build: async () => fileBody(await emptyParagraphsDocx(50 * MB), "resume.docx"),
  },
  pdf_inflating_stream: {
    item: 3,
    build: async (size) =>
      fileBody(await inflatingStreamPdf((size === "full" ? 1024 : 400) * MB), "resume.pdf"),
  },
  multipart_150k_parts: {
    item: 12,
    build: (size) => Promise.resolve(manyPartsMultipart(size === "full" ? 150_000 : 20_000)),
  },
};

/** Signs up a new candidate and returns its bearer token. */
export async function signUp(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      username: `${name}-${crypto.randomUUID().slice(0, 8)}`,
      password: `pw-${crypto.randomUUID()}`,
    }),
  });
  const body = await response.json();
  if (response.status !== 201) {
    throw new Error(`sign-up answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** What the service answered an upload. */
export interface UploadOutcome {
  status: number;
  /** The `detail` as one line (a 422's messages joined). */
  detail: string;
  /** The `Retry-After` header, if any. */
  retryAfter: string | null;
  /** Time from sending to the full answer, in milliseconds. */
  ms: number;
}

/** Sends `upload` as a resume with `token` and reads the answer. */
export async function sendUpload(
  base: string,
  token: string,
  upload: HostileBody,
): Promise<UploadOutcome> {
  const started = performance.now();
  const response = await fetch(`${base}/jd_resume/upload_resume`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": upload.contentType },
    body: upload.body.slice(),
  });
  const body = await response.json().catch(() => ({}));
  const detail = Array.isArray(body.detail)
    ? body.detail.map((issue: { msg: string }) => issue.msg).join(" ")
    : String(body.detail ?? "");
  return {
    status: response.status,
    detail,
    retryAfter: response.headers.get("retry-after"),
    ms: performance.now() - started,
  };
}

async function runHostileUpload(
  name: string,
  target: AttackTarget,
  size: AttackSize,
): Promise<string> {
  const upload = await hostileUploads[name].build(size);
  const token = await signUp(target.base, "docs-attacker");
  const outcome = await sendUpload(target.base, token, upload);
  const kb = Math.round(upload.body.byteLength / 1024);
  return `${kb} KB upload: ${outcome.status} in ${Math.round(outcome.ms)} ms, "${
    outcome.detail.slice(0, 160)
  }"`;
}

/** The hostile uploads as attacks for the benchmark, run against the default limits. */
export const attacks: Attack[] = Object.entries(hostileUploads).map(([name, upload]) => ({
  name,
  item: upload.item,
  run: (target, size) => runHostileUpload(name, target, size),
}));
