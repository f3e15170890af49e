/// <reference lib="dom" />
/**
 * The dashboard's performance summary: every interview, filtered by
 * candidate and status, a page at a time.
 *
 * @module
 */
import { api, type SummaryItem } from "./api.ts";
import { byId, h, messageOf, say } from "./dom.ts";

const PAGE_SIZE = 20;

/** Sets up the filters and paging; `onOpen` shows an interview. Returns a function that reloads. */
export function startSummaryTable(onOpen: (interviewId: number) => void): () => Promise<void> {
  let offset = 0;
  const status = byId("summary-status");
  const previous = byId<HTMLButtonElement>("summary-previous");
  const next = byId<HTMLButtonElement>("summary-next");

  const load = async () => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    const username = byId<HTMLInputElement>("filter-username").value.trim();
    const state = byId<HTMLSelectElement>("filter-status").value;
    if (username) query.set("username", username);
    if (state) query.set("status", state);
    try {
      const page = await api<{ items: SummaryItem[]; total: number }>(
        `/api/performance/summary?${query}`,
      );
      const rows = byId("summary-rows");
      // Live events reload the table; a keyboard user's focus stays on the same interview's button.
      const focused = rows.contains(document.activeElement)
        ? document.activeElement?.closest("tr")?.dataset.interview
        : undefined;
      rows.replaceChildren(...page.items.map((item) => row(item, onOpen)));
      if (focused) {
        rows.querySelector<HTMLElement>(`tr[data-interview="${focused}"] button`)?.focus();
      }
      say(
        status,
        page.total === 0
          ? "No interviews match."
          : `Showing ${offset + 1}–${offset + page.items.length} of ${page.total}.`,
      );
      previous.disabled = offset === 0;
      next.disabled = offset + page.items.length >= page.total;
    } catch (error) {
      say(status, `The summary could not be loaded: ${messageOf(error)}`, "error");
    }
  };

  byId<HTMLFormElement>("summary-form").addEventListener("submit", (event) => {
    event.preventDefault();
    offset = 0;
    void load();
  });
  previous.addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  });
  next.addEventListener("click", () => {
    offset += PAGE_SIZE;
    void load();
  });
  return load;
}

function row(item: SummaryItem, onOpen: (interviewId: number) => void): HTMLTableRowElement {
  const open = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-label": `Open ${item.interview_name} by ${item.username}`,
    },
    "Open",
  );
  open.addEventListener("click", () => onOpen(item.interview_id));
  return h(
    "tr",
    { "data-interview": item.interview_id },
    h("td", { "data-label": "Interview" }, item.interview_name),
    h("td", { "data-label": "Candidate" }, item.username),
    h("td", { "data-label": "Status" }, item.status.replace("_", " ")),
    h("td", { "data-label": "Started" }, new Date(item.created_at).toLocaleString()),
    h("td", { "data-label": "Answered" }, `${item.answered_count} of ${item.question_count}`),
    h(
      "td",
      { "data-label": "Average score" },
      item.average_score === null ? "–" : item.average_score.toFixed(1),
    ),
    h("td", { "data-label": "Grade" }, item.grade ?? "–"),
    h("td", {}, open),
  );
}
