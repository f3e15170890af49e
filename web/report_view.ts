/// <reference lib="dom" />
/**
 * The interview report on screen, for both pages: summary, recommendation,
 * strengths and gaps, and a link to download it as a PDF.
 *
 * @module
 */
import type { Report } from "./api.ts";
import { h } from "./dom.ts";

const recommendations: Record<Report["recommendation"], string> = {
  strong_hire: "Strong hire",
  hire: "Hire",
  lean_hire: "Lean hire",
  lean_no_hire: "Lean no hire",
  no_hire: "No hire",
};

/**
 * The report of an interview in a `<div class="report">`; while it is not
 * written yet, a sentence saying when it will be. `pdfLink` is a signed link
 * to the PDF (null when there is none yet).
 */
export function reportView(
  report: Report | null,
  status: string,
  pdfLink: string | null,
): HTMLElement {
  const box = h("div", { class: "report" }, h("h3", {}, "Report"));
  if (!report) {
    box.append(h(
      "p",
      { class: "muted" },
      status === "in_progress"
        ? "The report is written when the interview is finished."
        : "The report is being written; it appears here in a few seconds.",
    ));
    return box;
  }
  box.append(
    h("p", {}, report.summary),
    h("p", {}, h("strong", {}, "Recommendation: "), recommendations[report.recommendation]),
  );
  for (const [title, items] of [["Strengths", report.strengths], ["Gaps", report.gaps]] as const) {
    if (items.length === 0) continue;
    box.append(h("h4", {}, title), h("ul", {}, ...items.map((item) => h("li", {}, item))));
  }
  if (pdfLink) {
    box.append(
      h(
        "p",
        {},
        h("a", { href: pdfLink, download: "", class: "pdf-link" }, "Download the report (PDF)"),
      ),
    );
  }
  return box;
}
