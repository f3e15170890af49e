/**
 * Renders an interview report as a PDF a recruiter can file or forward, in
 * whatever scripts the interview was held in (see `report_fonts.ts`).
 *
 * @module
 */
import pdfmake from "pdfmake";
import type { InterviewReport } from "../ai/engine.ts";
import { recommendationLabel } from "../ai/report.ts";
import { loadReportFonts } from "./report_fonts.ts";

/** What the PDF shows. */
export interface ReportDocument {
  interviewName: string;
  username: string;
  completedAt: Date | null;
  averageScore: number | null;
  grade: string | null;
  report: InterviewReport;
  questions: {
    number: number;
    topic: string;
    score: number | null;
    grade: string | null;
    text: string;
    /** What the candidate answered (typed or transcribed); null when unanswered. */
    answer: string | null;
  }[];
}

// Caps in characters keep a report a few pages long whatever the engine or
// candidate wrote: at most 120 questions (20 planned, 5 follow-ups each).
const SUMMARY_CHARS = 3_000;
const POINT_CHARS = 400;
const QUESTION_CHARS = 400;
const EXCERPT_CHARS = 600;

/** `text` cut to at most `max` characters (code points), with an ellipsis when cut. */
export function excerpt(text: string, max: number): string {
  const characters = Array.from(text.trim());
  return characters.length <= max
    ? characters.join("")
    : `${characters.slice(0, max - 1).join("").trimEnd()}…`;
}

/** Reports waiting for their turn beyond which {@linkcode renderReportPdf} refuses at once. */
const MAX_WAITING = 8;
/** A render that takes longer is stopped: the caps keep real reports far below it. */
const RENDER_TIMEOUT_MS = 30_000;

/**
 * Version of the PDF's layout and fonts, part of a stored report's key:
 * bump it whenever the rendering changes, so stored reports are laid out again.
 */
export const REPORT_LAYOUT_VERSION = 1;

/** Thrown when too many reports are waiting to be rendered; the caller answers 503. */
export class ReportBusyError extends Error {
  override name = "ReportBusyError";
}

// Layout takes 0.1-0.3 s of CPU and ~100 MB of short-lived data for a CJK
// report, so it runs in a Worker, one report at a time, off the event loop.
let rendering: Promise<unknown> = Promise.resolve();
let waiting = 0;

/**
 * The report as PDF bytes: header, summary, strengths and gaps, score table
 * and transcript excerpts. Rendered in a Worker, one at a time.
 *
 * @throws {ReportBusyError} when {@linkcode MAX_WAITING} reports already wait.
 */
export function renderReportPdf(doc: ReportDocument): Promise<Uint8Array> {
  if (waiting >= MAX_WAITING) {
    return Promise.reject(
      new ReportBusyError("Too many reports are being prepared right now. Try again shortly."),
    );
  }
  waiting++;
  const result = rendering.then(() => {
    waiting--;
    return renderInWorker(doc);
  });
  rendering = result.catch(() => {});
  return result;
}

function renderInWorker(doc: ReportDocument): Promise<Uint8Array> {
  const worker = new Worker(new URL("./report_worker.ts", import.meta.url).href, {
    type: "module",
  });
  return new Promise<Uint8Array>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`The report PDF took longer than ${RENDER_TIMEOUT_MS / 1000} s to lay out.`),
      );
      worker.terminate();
    }, RENDER_TIMEOUT_MS);
    worker.onmessage = (event: MessageEvent<Uint8Array>) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`The report PDF could not be laid out: ${event.message}`));
    };
    worker.postMessage(doc);
  });
}

/** Lays out the report in the calling thread; {@linkcode renderReportPdf} runs it in a Worker. */
export async function layoutReportPdf(doc: ReportDocument): Promise<Uint8Array> {
  const fonts = await loadReportFonts();
  const text = (value: string, style: Record<string, unknown> = {}) => ({
    text: fonts.runs(value),
    ...style,
  });
  const { report } = doc;
  const points = (items: string[]) =>
    items.length
      ? { ul: items.map((item) => text(excerpt(item, POINT_CHARS))), style: "body" }
      : text("None noted.", { style: "muted" });

  const definition = {
    info: { title: `Interview report: ${doc.interviewName}` },
    pageSize: "A4",
    pageMargins: [48, 48, 48, 56],
    defaultStyle: { font: "NotoSans", fontSize: 10, lineHeight: 1.2 },
    styles: {
      title: { fontSize: 9, color: "#666666", margin: [0, 0, 0, 2] },
      name: { fontSize: 18, bold: true, margin: [0, 0, 0, 10] },
      heading: { fontSize: 12, bold: true, margin: [0, 14, 0, 4] },
      label: { color: "#555555" },
      muted: { color: "#666666" },
      body: { margin: [0, 0, 0, 2] },
      tableHeader: { bold: true, fillColor: "#eeeeee" },
    },
    content: [
      text("Interview report", { style: "title" }),
      text(doc.interviewName, { style: "name" }),
      {
        layout: "noBorders",
        table: {
          widths: [100, "*"],
          body: [
            ["Candidate", doc.username],
            ["Completed", completedLabel(doc.completedAt)],
            ["Overall score", scoreLabel(doc.averageScore, doc.grade)],
            ["Recommendation", recommendationLabel(report.recommendation)],
          ].map(([label, value]) => [text(label, { style: "label" }), text(value, { bold: true })]),
        },
      },
      text("Summary", { style: "heading" }),
      text(excerpt(report.summary, SUMMARY_CHARS)),
      text("Strengths", { style: "heading" }),
      points(report.strengths),
      text("Gaps", { style: "heading" }),
      points(report.gaps),
      text("Scores by question", { style: "heading" }),
      {
        table: {
          headerRows: 1,
          widths: [18, "*", 50, "auto"],
          body: [
            ["#", "Question", "Score", "Grade"].map((h) => text(h, { style: "tableHeader" })),
            ...doc.questions.map((q) => [
              text(String(q.number)),
              {
                stack: [
                  text(q.topic, { bold: true }),
                  text(excerpt(q.text, QUESTION_CHARS), { style: "muted" }),
                ],
              },
              text(q.score === null ? "–" : `${formatScore(q.score)} / 10`),
              text(q.grade ?? "not answered"),
            ]),
          ],
        },
        layout: "lightHorizontalLines",
      },
      text("Transcript excerpts", { style: "heading" }),
      ...doc.questions.map((q) => ({
        stack: [
          text(`${q.number}. ${q.topic}`, { bold: true }),
          text(excerpt(q.text, QUESTION_CHARS), { style: "muted" }),
          q.answer?.trim()
            ? text(excerpt(q.answer, EXCERPT_CHARS), { margin: [10, 2, 0, 0] })
            : text("Not answered.", { style: "muted", margin: [10, 2, 0, 0] }),
        ],
        margin: [0, 0, 0, 8],
        // Capped texts always fit a page, so a question never parts from its answer.
        unbreakable: true,
      })),
      text(
        `Written by the ${report.engine} engine${
          report.fallbackReason ? ` (fallback: ${report.fallbackReason})` : ""
        }.`,
        { style: "muted", margin: [0, 12, 0, 0] },
      ),
    ],
    footer: (page: number, pages: number) =>
      text(`Page ${page} of ${pages}`, {
        style: "muted",
        fontSize: 8,
        alignment: "right",
        margin: [48, 16, 48, 0],
      }),
  };
  const buffer: Uint8Array = await pdfmake.createPdf(definition).getBuffer();
  // A plain view, not Node's Buffer, which pdf.js and others refuse.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function completedLabel(completedAt: Date | null): string {
  return completedAt
    ? `${completedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
    : "not completed";
}

function scoreLabel(averageScore: number | null, grade: string | null): string {
  return averageScore === null
    ? "not scored"
    : `${formatScore(averageScore)} / 10, grade ${grade ?? "–"}`;
}

function formatScore(score: number): string {
  return String(Math.round(score * 10) / 10);
}
