import assert from "node:assert/strict";
import { extractText, getDocumentProxy } from "unpdf";
import {
  excerpt,
  renderReportPdf,
  ReportBusyError,
  type ReportDocument,
} from "../documents/report_pdf.ts";

const NAMES = {
  latin: "Zoë Ångström-Núñez",
  cyrillic: "Анна Смирнова",
  greek: "Ελένη Παπαδοπούλου",
  chinese: "王小明",
  japanese: "山田さくら",
};

function sampleReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  return {
    interviewName: "Backend – PostgreSQL (Москва / 東京)",
    username: `${NAMES.latin} / ${NAMES.cyrillic}`,
    completedAt: new Date("2026-11-28T06:30:00Z"),
    averageScore: 7.25,
    grade: "B",
    report: {
      strengths: [`${NAMES.greek} explained MVCC clearly`, "索引の設計が具体的"],
      gaps: ["Нет метрик нагрузки"],
      recommendation: "hire",
      summary: `Average score 7.3/10. ${NAMES.chinese} 回答了数据库索引的问题。`,
      engine: "offline",
    },
    questions: [
      {
        number: 1,
        topic: "Indexes",
        score: 8,
        grade: "A",
        text: "How do you find a slow query?",
        answer: `${NAMES.japanese}: EXPLAIN ANALYZE で実行計画を確認します。`,
      },
      {
        number: 2,
        topic: "Транзакции",
        score: 6.5,
        grade: "C",
        text: "Что такое MVCC?",
        answer: `${NAMES.greek}: Κάθε συναλλαγή βλέπει ένα στιγμιότυπο.`,
      },
      {
        number: 3,
        topic: "Caching",
        score: null,
        grade: null,
        text: "When to cache?",
        answer: null,
      },
    ],
    ...overrides,
  };
}

async function textOf(pdf: Uint8Array): Promise<{ text: string; pages: number }> {
  const { text, totalPages } = await extractText(pdf.slice(), { mergePages: true });
  return { text, pages: totalPages };
}

Deno.test("report pdf: names and answers in Latin, Cyrillic, Greek and CJK come back intact", async () => {
  const pdf = await renderReportPdf(sampleReport());
  assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
  const { text } = await textOf(pdf);
  for (const name of Object.values(NAMES)) assert.ok(text.includes(name), `${name} in:\n${text}`);
  for (
    const expected of [
      "Backend – PostgreSQL (Москва / 東京)", // an en dash and two scripts in one line
      "EXPLAIN ANALYZE で実行計画を確認します。",
      "Κάθε συναλλαγή βλέπει ένα στιγμιότυπο.",
      "回答了数据库索引的问题。",
      "索引の設計が具体的",
      "Нет метрик нагрузки",
      "Recommendation",
      "Recommendation hire",
      "7.3 / 10, grade B",
      "Scores by question",
      "Transcript excerpts",
      "Not answered.",
    ]
  ) assert.ok(text.includes(expected), `${expected} in:\n${text}`);
  // Only the questions' own question marks (each question is shown twice): nothing was replaced.
  const marks = sampleReport().questions.map((q) => q.text.split("?").length - 1);
  assert.equal(text.split("?").length - 1, 2 * marks.reduce((sum, n) => sum + n, 0));
});

Deno.test("report pdf: only the glyphs used are embedded, so a CJK report stays small", async () => {
  const pdf = await renderReportPdf(sampleReport());
  assert.ok(pdf.byteLength < 150_000, `${pdf.byteLength} bytes`);
  const latinOnly = await renderReportPdf(sampleReport({
    interviewName: "Backend",
    username: "ann",
    report: { ...sampleReport().report, strengths: [], gaps: [], summary: "Fine." },
    questions: [],
  }));
  assert.ok(latinOnly.byteLength < 60_000, `${latinOnly.byteLength} bytes`);
  assert.ok(!(await textOf(latinOnly)).text.includes("東京"));
});

Deno.test("report pdf: long text wraps within the page and breaks onto numbered pages", async () => {
  const longAnswer = "数据库索引可以加快查询速度。".repeat(200) + " " + "word ".repeat(400);
  const questions = Array.from({ length: 30 }, (_, i) => ({
    number: i + 1,
    topic: `Topic ${i + 1}`,
    score: 5,
    grade: "C",
    text: "Explain it. ".repeat(100),
    answer: longAnswer,
  }));
  const pdf = await renderReportPdf(sampleReport({ questions }));
  const { text, pages } = await textOf(pdf);
  assert.ok(pages > 3, `${pages} pages`);
  assert.ok(pages < 40, `capped excerpts keep it bounded: ${pages} pages`);
  assert.ok(text.includes(`Page ${pages} of ${pages}`));
  assert.ok(text.includes("Topic 30"));
  // Every line stays inside the page: no text item starts right of the margin.
  const document = await getDocumentProxy(pdf.slice());
  const page = await document.getPage(2);
  const [, , width] = page.view;
  const content = await page.getTextContent();
  for (const item of content.items) {
    if (!("transform" in item)) continue;
    const x = item.transform[4];
    assert.ok(x >= 40 && x + item.width <= width - 40, `"${item.str}" at ${x}+${item.width}`);
  }
});

Deno.test("report pdf: Arabic and Devanagari get their own fonts in mixed-script lines", async () => {
  const pdf = await renderReportPdf(sampleReport({ username: "Ravi रवि शर्मा / محمد علي" }));
  const { text } = await textOf(pdf);
  // Devanagari text comes back in logical order apart from reordered vowel signs,
  // Arabic in visual order: check the letters arrived rather than their order.
  for (const letter of ["र", "व", "श", "م", "ح", "ع"]) assert.ok(text.includes(letter), letter);
});

Deno.test("report pdf: a character no font has becomes U+FFFD, the rest of the line stays", async () => {
  const pdf = await renderReportPdf(sampleReport({ username: "Kim 김민준 😀 Ok" }));
  const { text } = await textOf(pdf);
  assert.ok(text.includes("Kim \uFFFD\uFFFD\uFFFD \uFFFD Ok"), text);
});

Deno.test("report pdf: concurrent renders each complete with their own content", async () => {
  const pdfs = await Promise.all(
    Array.from({ length: 3 }, (_, i) => renderReportPdf(sampleReport({ username: `user${i}` }))),
  );
  for (const [i, pdf] of pdfs.entries()) assert.ok((await textOf(pdf)).text.includes(`user${i}`));
});

Deno.test("report pdf: renders queue in a Worker, and more than 8 waiting are refused at once", async () => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => renderReportPdf(sampleReport({ username: `queued${i}` }))),
  );
  const refused = outcomes.filter((o) => o.status === "rejected");
  assert.equal(refused.length, 2);
  for (const outcome of refused) {
    assert.ok((outcome as PromiseRejectedResult).reason instanceof ReportBusyError);
  }
  const rendered = outcomes.filter((o) => o.status === "fulfilled");
  assert.equal(rendered.length, 8);
  // The queue drains: a later report is rendered again.
  assert.ok((await textOf(await renderReportPdf(sampleReport()))).text.includes(NAMES.greek));
});

Deno.test("excerpt: cuts at code points and marks the cut", () => {
  assert.equal(excerpt("  short  ", 10), "short");
  assert.equal(excerpt("😀😀😀😀", 3), "😀😀…");
  assert.equal(excerpt("abc def ghi", 6), "abc d…");
});
