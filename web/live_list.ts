/// <reference lib="dom" />
/**
 * The dashboard's list of live interviews, from `/realtime/live`: filled by
 * its state message, then kept current by the events of every interview.
 *
 * @module
 */
import { api, type Details } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import { type FeedMessage, openFeed } from "./feed.ts";

interface LiveInterview {
  interview_id: number;
  interview_name: string;
  username: string;
  current_question_id: number | null;
  question_count: number;
  answered_count: number;
  online: boolean;
}

/**
 * Starts the live list; `onWatch` opens an interview, `onChange` hears that
 * an interview started, had an answer scored or ended.
 */
export function startLiveList(
  onWatch: (interviewId: number) => void,
  onChange: () => void,
): void {
  const rows = new Map<number, LiveInterview>();
  const elements = new Map<number, HTMLTableRowElement>();
  // Rows are updated in place, so a keyboard user's focus on a Watch button survives updates.
  const show = (row: LiveInterview) => {
    let element = elements.get(row.interview_id);
    if (!element) {
      const watch = h(
        "button",
        { type: "button", "aria-label": `Watch ${row.interview_name} by ${row.username}` },
        "Watch",
      );
      watch.addEventListener("click", () => onWatch(row.interview_id));
      element = h(
        "tr",
        { "data-interview": row.interview_id },
        h("td", { "data-label": "Interview" }, row.interview_name),
        h("td", { "data-label": "Candidate" }, row.username),
        h("td", { "data-label": "Question" }),
        h("td", { "data-label": "Answered" }),
        h("td", { "data-label": "Connection" }),
        h("td", {}, watch),
      );
      elements.set(row.interview_id, element);
      byId("live-rows").append(element);
    }
    element.children[2].textContent = row.current_question_id === null
      ? "–"
      : `${row.current_question_id}`;
    element.children[3].textContent = `${row.answered_count} of ${row.question_count}`;
    element.children[4].textContent = row.online ? "online" : "offline";
    updateEmpty();
  };
  const remove = (interviewId: number) => {
    rows.delete(interviewId);
    elements.get(interviewId)?.remove();
    elements.delete(interviewId);
    updateEmpty();
  };
  const updateEmpty = () => {
    byId("live-empty").hidden = rows.size > 0;
    byId("live-table").hidden = rows.size === 0;
  };

  const add = async (interviewId: number) => {
    const details = await api<Details>(`/api/performance/details/${interviewId}`).catch(() => null);
    if (!details || details.interview.status !== "in_progress") return;
    const current = details.questions.find((q) => q.status !== "ANSWERED" && q.status !== "FAILED");
    rows.set(interviewId, {
      interview_id: interviewId,
      interview_name: details.interview.interview_name,
      username: details.interview.username,
      current_question_id: current?.question_id ?? null,
      question_count: details.interview.question_count,
      answered_count: details.interview.answered_count,
      online: true,
    });
    show(rows.get(interviewId)!);
    onChange();
  };

  const onMessage = (message: FeedMessage) => {
    if (message.type === "live.state") {
      for (const id of [...rows.keys()]) remove(id);
      for (const row of message.interviews as Omit<LiveInterview, "online">[]) {
        rows.set(row.interview_id, { ...row, online: true });
        show(rows.get(row.interview_id)!);
      }
      updateEmpty();
      return;
    }
    const id = message.interview_id;
    if (id === undefined) return;
    const row = rows.get(id);
    switch (message.type) {
      case "candidate.connected":
        if (!row) void add(id);
        else row.online = true;
        break;
      case "candidate.disconnected":
        if (row) row.online = false;
        break;
      case "question.asked":
        if (row) {
          row.current_question_id = message.question_id as number;
          // The engine may add follow-up questions as the interview goes on.
          row.question_count = Math.max(row.question_count, row.current_question_id);
        }
        break;
      case "finalized":
        if (row) row.answered_count++;
        onChange();
        break;
      case "interview.completed":
        remove(id);
        onChange();
        return;
      default:
        return;
    }
    if (row) show(row);
  };

  openFeed("/realtime/live", {
    message: onMessage,
    status: (text, kind) => say(byId("live-status"), text, kind),
  });
}
