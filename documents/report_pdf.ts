/**
 * Renders an interview report as a PDF a recruiter can file or forward.
 *
 * @module
 */
import type { InterviewReport } from "../ai/engine.ts";
import { recommendationLabel } from "../ai/report.ts";
import { writeTextPdf } from "./pdf_writer.ts";

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
  }[];
}

const WIDTH = 88;

/** Breaks `text` into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width = WIDTH, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const pieces = word.length > width - indent.length
      ? word.match(new RegExp(`.{1,${width - indent.length}}`, "g"))!
      : [word];
    for (const piece of pieces) {
      if (line && (indent + line + " " + piece).length > width) {
        lines.push(indent + line);
        line = piece;
      } else {
        line = line ? `${line} ${piece}` : piece;
      }
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The report as PDF bytes. */
export function renderReportPdf(doc: ReportDocument): Uint8Array {
  const { report } = doc;
  const lines: string[] = [
    `Interview report: ${doc.interviewName}`,
    `Candidate: ${doc.username}`,
    `Completed: ${
      doc.completedAt?.toISOString().slice(0, 16).replace("T", " ") ?? "not completed"
    } UTC`,
    `Average score: ${doc.averageScore ?? "-"} / 10   Grade: ${doc.grade ?? "-"}`,
    `Recommendation: ${recommendationLabel(report.recommendation)}`,
    "",
    "Summary",
    ...wrap(report.summary, WIDTH, "  "),
    "",
    "Strengths",
    ...(report.strengths.length
      ? report.strengths.flatMap((s) => wrap(`- ${s}`, WIDTH, "  "))
      : ["  (none noted)"]),
    "",
    "Gaps",
    ...(report.gaps.length
      ? report.gaps.flatMap((g) => wrap(`- ${g}`, WIDTH, "  "))
      : ["  (none noted)"]),
    "",
    "Questions",
  ];
  for (const q of doc.questions) {
    lines.push(`  ${q.number}. ${q.topic}: ${q.score ?? "-"} / 10 (${q.grade ?? "not answered"})`);
    lines.push(...wrap(q.text, WIDTH, "     "));
  }
  lines.push(
    "",
    `Written by the ${report.engine} engine${
      report.fallbackReason ? ` (fallback: ${report.fallbackReason})` : ""
    }.`,
  );
  return writeTextPdf(lines);
}
