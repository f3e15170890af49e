/// <reference lib="dom" />
/**
 * One question of an interview on the dashboard: its status and score,
 * the recordings in players, the transcript with timestamps that move the
 * player, the remark and the AI reference answer.
 *
 * @module
 */
import { type QuestionAnswer, recordingUrl } from "./api.ts";
import { formatClock, h } from "./dom.ts";

/** A final transcript fragment with its time in the answer. */
export interface TimedText {
  text: string;
  start_ms: number;
}

const recordingKinds = [
  ["combined", "Camera and microphone"],
  ["camera", "Camera"],
  ["screen", "Screen"],
] as const;

function isFinal(question: QuestionAnswer): boolean {
  return question.status === "ANSWERED" || question.status === "FAILED";
}

function pathOf(question: QuestionAnswer, kind: typeof recordingKinds[number][0]): string | null {
  if (kind === "combined") return question.combined_recording_path;
  return kind === "camera" ? question.camera_recording_path : question.screen_recording_path;
}

/** Renders a question into a fresh `<article>`; `fragments` are the timed texts seen live. */
export function answerCard(
  interviewId: number,
  question: QuestionAnswer,
  fragments: TimedText[],
): HTMLElement {
  const card = h(
    "article",
    { class: "answer", id: `question-${question.question_id}`, "data-status": question.status },
    h("h3", {}, `Question ${question.question_id}: ${question.question_text}`),
    h("p", {}, statusLine(question)),
  );
  if (question.failure_reason) card.append(h("p", { class: "error" }, question.failure_reason));
  if (!isFinal(question)) return card;

  const players = h("div", { class: "row" });
  for (const [kind, label] of recordingKinds) {
    if (!pathOf(question, kind)) continue;
    players.append(h(
      "figure",
      {},
      h("video", {
        controls: true,
        preload: "metadata",
        src: recordingUrl(interviewId, question.question_id, kind),
        "data-kind": kind,
        "aria-label": `${label} recording of question ${question.question_id}`,
      }),
      h("figcaption", {}, label),
    ));
  }
  if (players.childElementCount > 0) card.append(players);
  // The combined file has picture and sound, so transcript jumps go there first.
  const player = players.querySelector("video");

  card.append(h("h4", {}, "Transcript"));
  if (fragments.length > 0) {
    card.append(h(
      "ol",
      { class: "transcript" },
      ...fragments.map((fragment) =>
        h("li", {}, jumpButton(fragment.start_ms, player), fragment.text)
      ),
    ));
  } else if (question.answer_text) {
    card.append(
      h("p", {}, question.answer_text),
      h(
        "p",
        { class: "muted" },
        "No per-fragment timestamps: they are only seen while watching live, and the API returns the joined text of finished answers.",
      ),
    );
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

function jumpButton(startMs: number, player: HTMLVideoElement | null): HTMLElement {
  const clock = formatClock(startMs / 1000);
  if (!player) return h("span", { class: "muted" }, `${clock} `);
  const button = h("button", {
    type: "button",
    class: "secondary",
    "aria-label": `Play the recording from ${clock}`,
  }, clock);
  button.addEventListener("click", () => {
    player.currentTime = startMs / 1000;
    void player.play().catch(() => {});
  });
  return button;
}
