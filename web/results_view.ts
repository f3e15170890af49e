/// <reference lib="dom" />
/**
 * A candidate's results of one interview (the "done" section of the
 * candidate page): the average, each question's score and remark, and the
 * report with its PDF, shown after the last answer and from the list of
 * past interviews.
 *
 * @module
 */
import { api, type Details, interviewLinks, type QuestionAnswer } from "./api.ts";
import { byId, h } from "./dom.ts";
import { candidateRemark, plainMessage } from "./plain_errors.ts";
import { reportView } from "./report_view.ts";

/** How often the page looks again for a report that is still being written. */
const REPORT_POLL_MS = 3000;
const REPORT_POLL_TRIES = 20;

/**
 * Fills and shows the results of interview `interviewId`; `lead` is the
 * first sentence ("Thank you: every question is answered.").
 */
export async function showResults(interviewId: number, lead: string): Promise<void> {
  const section = byId("done");
  section.hidden = false;
  const summary = byId("done-summary");
  summary.textContent = lead;
  byId("done-report").replaceChildren();
  byId("done-rows").replaceChildren();
  byId("done-table").hidden = true;
  const title = byId("done-title");
  title.tabIndex = -1;
  title.focus();
  try {
    let details = await api<Details>(`/api/performance/details/${interviewId}`);
    byId("done-title").textContent = `Results: ${details.interview.interview_name}`;
    const { average_score: average, grade } = details.interview;
    summary.append(
      average === null
        ? " No answer was scored."
        : ` Average score ${average.toFixed(1)} out of 10, grade ${grade}.`,
    );
    byId("done-rows").replaceChildren(...details.questions.map(resultRow));
    byId("done-table").hidden = details.questions.length === 0;
    // The report is written just after the last answer; wait for it a little.
    for (let tries = 0; !details.interview.report && tries < REPORT_POLL_TRIES; tries++) {
      if (details.interview.status === "in_progress") break;
      byId("done-report").replaceChildren(reportView(null, details.interview.status, null));
      await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
      if (byId("done").hidden) return;
      details = await api<Details>(`/api/performance/details/${interviewId}`);
    }
    const links = details.interview.report ? await interviewLinks(interviewId) : null;
    byId("done-report").replaceChildren(
      reportView(
        details.interview.report ?? null,
        details.interview.status,
        links?.report_pdf ?? null,
      ),
    );
  } catch (error) {
    summary.append(" ", plainMessage(error, "The results could not be loaded; reload the page."));
  }
}

function resultRow(question: QuestionAnswer): HTMLTableRowElement {
  const remark = h(
    "td",
    { "data-label": "Remark" },
    question.status === "FAILED"
      ? "This answer could not be evaluated."
      : candidateRemark(question.ai_remark),
  );
  if (question.ai_answer) {
    remark.append(
      h("details", {}, h("summary", {}, "Reference answer"), h("p", {}, question.ai_answer)),
    );
  }
  return h(
    "tr",
    {},
    h("td", { "data-label": "Question" }, `${question.question_id}. ${question.question_text}`),
    h(
      "td",
      { "data-label": "Score" },
      question.candidate_score === null ? "–" : `${question.candidate_score}/10`,
    ),
    h("td", { "data-label": "Grade" }, question.candidate_grade ?? "–"),
    remark,
  );
}
