import assert from "node:assert/strict";
import { DocumentError, extractDocumentText } from "../documents/extract.ts";
import { type ChildLimits, extractInChildProcess } from "../documents/extract_process.ts";
import { makeDocx, makePdf } from "./fixtures/documents.ts";
import { inflatingStreamPdf } from "./fixtures/hostile_documents.ts";

const LIMITS: ChildLimits = {
  maxPages: 200,
  maxTextChars: 200_000,
  timeoutMs: 10_000,
  memoryBytes: 256 * 1024 * 1024,
};

Deno.test("child process: PDF and DOCX text is the same as read in process", async () => {
  const pdf = makePdf(Array.from({ length: 45 }, (_, i) => `Line ${i + 1} (of 45)`));
  const docx = await makeDocx(["Jane Doe", "R&D <team> lead", "Name:\tJane"]);
  assert.equal(
    await extractInChildProcess(pdf, "pdf", LIMITS),
    await extractDocumentText(pdf, "pdf"),
  );
  assert.equal(
    await extractInChildProcess(docx, "docx", LIMITS),
    await extractDocumentText(docx, "docx"),
  );
});

Deno.test("child process: the reader's own refusals come back as DocumentError", async () => {
  await assert.rejects(
    extractInChildProcess(makePdf([]), "pdf", LIMITS),
    (error: unknown) => error instanceof DocumentError && /no extractable text/.test(error.message),
  );
});

Deno.test("child process: killed at the memory limit, with a clear reason", async () => {
  const bomb = await inflatingStreamPdf(400 * 1024 * 1024);
  const started = performance.now();
  await assert.rejects(
    extractInChildProcess(bomb, "pdf", { ...LIMITS, memoryBytes: 160 * 1024 * 1024 }),
    (error: unknown) =>
      error instanceof DocumentError &&
      /^The PDF needs more than 160 MB of memory to read/.test(error.message),
  );
  assert.ok(performance.now() - started < 5000);
});

Deno.test("child process: killed at the time limit, with a clear reason", async () => {
  await assert.rejects(
    extractInChildProcess(makePdf(["slow"]), "pdf", { ...LIMITS, timeoutMs: 20 }),
    (error: unknown) =>
      error instanceof DocumentError &&
      /^The PDF took longer than 0.02 s to read/.test(error.message),
  );
});
