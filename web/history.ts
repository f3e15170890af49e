/// <reference lib="dom" />
/**
 * The candidate's past interviews: name, date, progress and result, each
 * opening its results and report.
 *
 * @module
 */
import { api, type SummaryItem } from "./api.ts";
import { byId, h } from "./dom.ts";
import { plainMessage } from "./plain_errors.ts";

const statusLabels: Record<SummaryItem["status"], string> = {
  in_progress: "In progress",
  completed: "Completed",
  abandoned: "Ended early",
};

/** Lists the finished interviews in `#history`; `onView` opens one's results. */
export async function showHistory(onView: (item: SummaryItem) => void): Promise<void> {
  const section = byId("history");
  try {
    const { items } = await api<{ items: SummaryItem[] }>("/api/performance/summary?limit=50");
    const finished = items.filter((item) => item.status !== "in_progress");
    section.hidden = finished.length === 0;
    byId("history-rows").replaceChildren(...finished.map((item) => row(item, onView)));
  } catch (error) {
    section.hidden = false;
    byId("history-status").textContent = plainMessage(
      error,
      "Your past interviews could not be loaded.",
    );
  }
}

function row(item: SummaryItem, onView: (item: SummaryItem) => void): HTMLTableRowElement {
  const view = h("button", {
    type: "button",
    class: "secondary",
    "aria-label": `Results of ${item.interview_name}`,
  }, "Results");
  view.addEventListener("click", () => onView(item));
  return h(
    "tr",
    { "data-interview": item.interview_id },
    h("td", { "data-label": "Interview" }, item.interview_name),
    h("td", { "data-label": "Date" }, new Date(item.created_at).toLocaleDateString()),
    h("td", { "data-label": "Status" }, statusLabels[item.status]),
    h("td", { "data-label": "Answered" }, `${item.answered_count} of ${item.question_count}`),
    h(
      "td",
      { "data-label": "Result" },
      item.average_score === null
        ? "–"
        : `${item.average_score.toFixed(1)}/10, grade ${item.grade}`,
    ),
    h("td", {}, view),
  );
}
