/// <reference lib="dom" />
/**
 * One question of an interview on the dashboard: its status and score,
 * one review player, the transcript with timestamps that move the player,
 * the remark and the AI reference answer.
 *
 * @module
 */
import type { QuestionAnswer } from "./api.ts";
import { formatClock, h } from "./dom.ts";
import { type RecordingLinks, type ReviewPlayer, reviewPlayer } from "./review_player.ts";

/** A final transcript fragment with its time in the answer. */
export interface TimedText {
  text: string;
  start_ms: number;
}

function isFinal(question: QuestionAnswer): boolean {
  return question.status === "ANSWERED" || question.status === "FAILED";
}

/**
 * Renders a question into a fresh `<article>`. `fragments` are the timed
 * texts seen live; when there are none, the stored transcript segments are
 * shown. `links` are the answer's signed recording links, `relink` fetches
 * fresh ones when they expire.
 */
export function answerCard(
  question: QuestionAnswer,
  fragments: TimedText[],
  links: RecordingLinks | undefined,
  relink: () => Promise<RecordingLinks | null>,
): HTMLElement {
  const card = h(
    "article",
    { class: "answer", id: `question-${question.question_id}`, "data-status": question.status },
    h("h3", {}, `Question ${question.question_id}: ${question.question_text}`),
    h("p", {}, statusLine(question)),
  );
  if (question.failure_reason) card.append(h("p", { class: "error" }, question.failure_reason));
  if (!isFinal(question)) return card;

  const player = links ? reviewPlayer(question.question_id, links, relink) : null;
  if (player) card.append(player.element);

  const timed = fragments.length > 0 ? fragments : question.transcript_segments ?? [];
  card.append(h("h4", {}, "Transcript"));
  if (timed.length > 0) {
    card.append(h(
      "ol",
      { class: "transcript" },
      ...timed.map((fragment) => h("li", {}, jumpButton(fragment.start_ms, player), fragment.text)),
    ));
  } else if (question.answer_text) {
    card.append(h("p", {}, question.answer_text));
  } else {
    card.append(h("p", { class: "muted" }, "Nothing was transcribed."));
  }
  if (question.ai_remark) card.append(h("h4", {}, "Remark"), h("p", {}, question.ai_remark));
  if (question.ai_answer) {
    card.append(h("h4", {}, "AI reference answer"), h("p", {}, question.ai_answer));
  }
  return card;
}

function statusLine(question: QuestionAnswer): string {
  const labels: Record<string, string> = {
    NEW: "Not answered yet",
    RECORDING: "Being answered",
    PROCESSING: "Answer being processed",
    ANSWERED: "Answered",
    FAILED: "Failed",
  };
  const parts = [labels[question.status] ?? question.status];
  if (question.candidate_score !== null) parts.push(`score ${question.candidate_score}/10`);
  if (question.candidate_grade) parts.push(`grade ${question.candidate_grade}`);
  return parts.join(" · ");
}

function jumpButton(startMs: number, player: ReviewPlayer | null): HTMLElement {
  const clock = formatClock(startMs / 1000);
  if (!player) return h("span", { class: "muted" }, `${clock} `);
  const button = h("button", {
    type: "button",
    class: "secondary",
    "aria-label": `Play the recording from ${clock}`,
  }, clock);
  button.addEventListener("click", () => player.seek(startMs / 1000));
  return button;
}
