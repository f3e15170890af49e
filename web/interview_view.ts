/// <reference lib="dom" />
/**
 * The live interview on the candidate page: questions with a countdown,
 * recording and uploading each answer through {@link InterviewClient},
 * the transcript, connection banners and the results.
 *
 * @module
 */
import {
  type ErrorDetail,
  InterviewClient,
  type ProgressDetail,
  type StateDetail,
} from "../realtime/client.ts";
import type { QuestionMessage, SessionMessage } from "../realtime/protocol.ts";
import { api, type Details, getToken, type QuestionAnswer, socketUrl } from "./api.ts";
import type { Devices } from "./devices.ts";
import { byId, formatBytes, formatClock, h, messageOf, say } from "./dom.ts";
import { watchProctoring } from "./proctoring.ts";
import { AnswerRecording, answerSources, WINDOW_BYTES } from "./recorder.ts";
import { type Fragment, SpeechTranscriber, TypedAnswer } from "./transcript.ts";

/** Finishing a little before the deadline leaves time for the typed transcript to arrive. */
const FINISH_BEFORE_DEADLINE_MS = 1000;

type Phase = "idle" | "recording" | "finishing" | "evaluating" | "over";

const banners: Record<StateDetail["state"], [string, "info" | "warning"]> = {
  connecting: ["Connecting to the interview…", "info"],
  open: ["Connected.", "info"],
  reconnecting: [
    "Connection lost. Reconnecting… Your recording goes on and is kept until the server has it.",
    "warning",
  ],
  resumed: ["Reconnected. The upload resumed where the server left off.", "info"],
  closed: ["The interview connection is closed.", "info"],
  failed: ["Could not reach the interview server. Reload the page to try again.", "warning"],
};

/** The interview section of the candidate page. */
export class InterviewView {
  readonly #devices: Devices;
  readonly #typed = new TypedAnswer(byId<HTMLTextAreaElement>("answer-text"));
  readonly #speech = new SpeechTranscriber(
    (fragment) => this.#onSpeech(fragment),
    (text) => say(byId("speech-status"), text),
  );
  #client: InterviewClient | null = null;
  #interviewId = 0;
  #question: QuestionMessage | null = null;
  #recording: AnswerRecording | null = null;
  #phase: Phase = "idle";
  /** Local clock time at which the current answer's time runs out. */
  #endsAt: number | null = null;
  #spoken = "";
  /** A question that became current while an answer was being finished; shown right after. */
  #next: QuestionMessage | null = null;

  /** Wires the buttons; `devices` holds the camera and screen to record. */
  constructor(devices: Devices) {
    this.#devices = devices;
    byId("answer-start").addEventListener("click", () => this.#startAnswer());
    byId("answer-finish").addEventListener("click", () => this.#finishAnswer());
    byId("fullscreen-button").addEventListener("click", toggleFullscreen);
    document.addEventListener("fullscreenchange", () => {
      byId("fullscreen-button").textContent = document.fullscreenElement
        ? "Leave full screen"
        : "Enter full screen";
    });
    watchProctoring((kind, detail) => this.#client?.sendEvent(kind, detail));
    setInterval(() => this.#tick(), 250);
  }

  /** Opens the live channel of an interview and shows its current question. */
  async open(interviewId: number, name: string): Promise<void> {
    this.#interviewId = interviewId;
    byId("interview-title").textContent = `Interview: ${name}`;
    byId("interview").hidden = false;
    const client = new InterviewClient({
      url: socketUrl(`/realtime/interviews/${interviewId}`),
      token: getToken() ?? "",
      maxBufferedBytes: WINDOW_BYTES,
    });
    this.#client = client;
    client.on("state", (detail) => this.#onState(detail));
    client.on("session", (session) => this.#onSession(session));
    client.on("question", (question) => this.#showQuestion(question));
    client.on("progress", (detail) => showProgress(detail));
    client.on("error", (detail) => this.#onError(detail));
    client.on(
      "finalized",
      ({ question }) => this.#onFinalized(question as unknown as QuestionAnswer),
    );
    client.on("completed", ({ status }) => this.#onCompleted(status));
    const details = await api<Details>(`/api/performance/details/${interviewId}`).catch(() => null);
    for (const question of details?.questions ?? []) {
      if (question.status === "ANSWERED" || question.status === "FAILED") showResult(question);
    }
    await client.connect().catch((error) => this.#status(messageOf(error), "error"));
  }

  #status(text: string, kind: "info" | "ok" | "error" = "info"): void {
    say(byId("interview-status"), text, kind);
  }

  #onState(detail: StateDetail): void {
    const banner = byId("connection");
    let [text, kind] = banners[detail.state];
    if (detail.state === "closed") {
      text = detail.closeCode === 4000
        ? "This interview was opened in another tab or window; continue there."
        : this.#phase === "over"
        ? ""
        : text;
    }
    banner.dataset.state = detail.state;
    banner.className = `banner ${kind}`;
    banner.textContent = text;
  }

  #onSession(session: SessionMessage): void {
    const question = session.question;
    const movedOn = question?.question_id !== this.#question?.question_id;
    if (this.#phase === "recording" && movedOn) {
      // The server ended that answer while we were away (time limit or grace period).
      this.#speech.stop();
      void this.#recording?.stop();
      this.#recording = null;
      this.#setPhase("evaluating");
      this.#status(
        "The answer was ended while the connection was down; it keeps what had arrived.",
      );
    }
    if (this.#phase === "finishing") {
      if (movedOn) this.#next = question;
      return;
    }
    if (!question || this.#phase === "recording") return;
    if (movedOn) this.#showQuestion(question);
    if (session.answer?.question_id === question.question_id) {
      // Started from another page load: its bytes are gone, the server ends it at its deadline.
      this.#endsAt = Date.parse(question.started_at ?? "") + question.time_limit_s * 1000;
      this.#setPhase("evaluating");
      this.#status(
        session.answer.status === "RECORDING"
          ? "This answer was started on an earlier page and cannot continue here; the server saves what it received when its time runs out."
          : "Your answer is being evaluated…",
      );
    }
  }

  #showQuestion(question: QuestionMessage): void {
    this.#question = question;
    this.#endsAt = question.started_at
      ? Date.parse(question.started_at) + question.time_limit_s * 1000
      : null;
    byId("question-box").hidden = false;
    const heading = byId("question-number");
    heading.textContent = `Question ${question.number} of ${question.total}`;
    byId("question-text").textContent = question.text;
    byId("upload-rows").replaceChildren();
    byId("live-transcript").replaceChildren();
    byId("speech-status").textContent = "";
    this.#spoken = "";
    this.#typed.begin(performance.now());
    this.#setPhase("idle");
    this.#status(
      `Question ${question.number} of ${question.total} is ready. Start your answer when you are.`,
    );
    // Keyboard and screen-reader users land on the new question.
    heading.tabIndex = -1;
    heading.focus();
    this.#tick();
  }

  #setPhase(phase: Phase): void {
    this.#phase = phase;
    byId<HTMLButtonElement>("answer-start").disabled = phase !== "idle";
    byId<HTMLButtonElement>("answer-finish").disabled = phase !== "recording";
    byId<HTMLTextAreaElement>("answer-text").disabled = phase !== "recording";
    byId("recording-indicator").hidden = phase !== "recording";
  }

  #startAnswer(): void {
    const client = this.#client;
    const question = this.#question;
    const camera = this.#devices.camera;
    if (!client || !question || this.#phase !== "idle") return;
    if (!camera) {
      this.#status("Turn on your camera and microphone first (section 2).", "error");
      byId("devices-button").focus();
      return;
    }
    const questionId = question.question_id;
    const recording = new AnswerRecording(
      client,
      questionId,
      answerSources(camera, this.#devices.screen),
      (message) => this.#status(`The server takes no more of this answer: ${message}`, "error"),
    );
    this.#recording = recording;
    const requestedAt = Date.now();
    client.startAnswer(questionId, recording.streams, recording.mimeTypes).then((started) => {
      // The deadline is in server time; shift it by the clock difference seen at the start.
      const skew = requestedAt - Date.parse(started.started_at);
      const sameStart = Math.abs(skew) < 60_000;
      this.#endsAt = Date.parse(started.deadline) + (sameStart ? skew : 0);
    }).catch(() => {/* reported through the client's error event */});
    byId("upload-rows").replaceChildren();
    for (const stream of recording.streams) {
      showProgress({ question_id: questionId, stream, sent: 0, committed: 0, failed: false });
    }
    recording.start();
    const origin = performance.now();
    this.#typed.begin(origin);
    this.#speech.start(origin);
    this.#setPhase("recording");
    this.#status("Recording. Press Finish answer when you are done.");
    byId("answer-text").focus();
  }

  async #finishAnswer(): Promise<void> {
    const client = this.#client;
    const recording = this.#recording;
    const questionId = this.#question?.question_id;
    if (!client || !recording || questionId === undefined || this.#phase !== "recording") return;
    this.#setPhase("finishing");
    this.#status("Saving your answer…");
    this.#speech.stop();
    await recording.stop();
    for (const fragment of this.#typed.fragments()) {
      client.sendTranscript({ question_id: questionId, ...fragment });
    }
    try {
      await client.endAnswer(questionId);
      this.#status(`Answer saved (${Math.round(recording.elapsedMs / 1000)} s). Evaluating…`, "ok");
    } catch (error) {
      this.#status(`The answer was ended by the server: ${messageOf(error)}. Evaluating…`);
    }
    if (this.#recording === recording) this.#recording = null;
    // A session or the end of the interview may have moved the phase on while this awaited.
    if ((this.#phase as Phase) === "finishing") this.#setPhase("evaluating");
    const next = this.#next;
    this.#next = null;
    if (next) this.#showQuestion(next);
  }

  #onSpeech(fragment: Fragment): void {
    const questionId = this.#question?.question_id;
    if (questionId === undefined || this.#phase !== "recording") return;
    this.#client?.sendTranscript({ question_id: questionId, ...fragment });
    if (fragment.is_final) this.#spoken += `${fragment.text} `;
    byId("live-transcript").replaceChildren(
      this.#spoken,
      fragment.is_final ? "" : h("span", { class: "interim" }, fragment.text),
    );
  }

  /** Offsets, checksums and overload are the client's business (it resends); the rest is shown. */
  #onError(detail: ErrorDetail): void {
    switch (detail.code) {
      case "answer_time_exceeded":
        this.#status("Time is up: the answer is saved with what had arrived.");
        void this.#finishAnswer();
        break;
      case "answer_too_large":
        this.#status("The answer reached its size limit and is saved as it is.");
        void this.#finishAnswer();
        break;
      case "data_lost":
      case "not_current_question":
      case "internal_error":
        this.#status(detail.message, "error");
        break;
    }
  }

  #onFinalized(question: QuestionAnswer): void {
    showResult(question);
    if (question.question_id !== this.#question?.question_id) return;
    this.#status(
      `Question ${question.question_id} evaluated: score ${
        question.candidate_score ?? "–"
      }/10, grade ${question.candidate_grade ?? "–"}.`,
      "ok",
    );
  }

  async #onCompleted(status: string): Promise<void> {
    this.#setPhase("over");
    this.#devices.stopAll();
    byId("interview").hidden = true;
    byId("devices").hidden = true;
    byId("done").hidden = false;
    const summary = byId("done-summary");
    summary.textContent = status === "completed"
      ? "Thank you: every question is answered."
      : `The interview was ${status}.`;
    try {
      const details = await api<Details>(`/api/performance/details/${this.#interviewId}`);
      const { average_score: average, grade } = details.interview;
      summary.append(
        average === null
          ? " No answer was scored."
          : ` Average score ${average.toFixed(1)}/10, grade ${grade}.`,
      );
      byId("done-rows").replaceChildren(...details.questions.map(resultRow));
    } catch (error) {
      summary.append(` The results could not be loaded: ${messageOf(error)}`);
    }
    const title = byId("done-title");
    title.tabIndex = -1;
    title.focus();
  }

  #tick(): void {
    const question = this.#question;
    if (!question || this.#phase === "over") return;
    const countdown = byId("countdown");
    if (this.#endsAt === null) {
      countdown.textContent = `${formatClock(question.time_limit_s)} (starts with your answer)`;
      return;
    }
    const remaining = this.#endsAt - Date.now();
    countdown.textContent = formatClock(Math.ceil(remaining / 1000));
    if (this.#phase === "recording" && remaining <= FINISH_BEFORE_DEADLINE_MS) {
      this.#status("Time is up.");
      void this.#finishAnswer();
    }
  }
}

function toggleFullscreen(): void {
  const request = document.fullscreenElement
    ? document.exitFullscreen()
    : document.documentElement.requestFullscreen();
  request.catch(() => {});
}

/** Upload progress of one stream; data attributes carry exact byte counts for tests and tools. */
function showProgress(detail: ProgressDetail): void {
  const id = `upload-${detail.stream}`;
  let row = document.getElementById(id);
  if (!row) {
    row = h("tr", { id }, h("th", { scope: "row" }, detail.stream), h("td"), h("td"));
    byId("upload-rows").append(row);
  }
  row.dataset.sent = String(detail.sent);
  row.dataset.committed = String(detail.committed);
  row.children[1].textContent = formatBytes(detail.sent);
  row.children[2].textContent = detail.failed
    ? "failed: bytes were lost"
    : `${formatBytes(detail.committed)}${detail.committed === detail.sent ? " (all)" : ""}`;
}

function resultRow(question: QuestionAnswer): HTMLTableRowElement {
  const remark = h("td", {}, question.ai_remark ?? question.failure_reason ?? "");
  if (question.ai_answer) {
    remark.append(
      h("details", {}, h("summary", {}, "Reference answer"), h("p", {}, question.ai_answer)),
    );
  }
  return h(
    "tr",
    {},
    h("td", {}, `${question.question_id}. ${question.question_text}`),
    h("td", {}, question.candidate_score === null ? "–" : `${question.candidate_score}/10`),
    h("td", {}, question.candidate_grade ?? "–"),
    remark,
  );
}

function showResult(question: QuestionAnswer): void {
  const id = `result-${question.question_id}`;
  const item = h(
    "li",
    { id },
    h("strong", {}, question.question_text),
    h(
      "p",
      {},
      question.status === "FAILED"
        ? `Not evaluated: ${question.failure_reason ?? "the answer failed"}. `
        : `Score ${question.candidate_score ?? "–"}/10, grade ${question.candidate_grade ?? "–"}. `,
      question.ai_remark ?? "",
    ),
  );
  if (question.ai_answer) {
    item.append(
      h("details", {}, h("summary", {}, "Reference answer"), h("p", {}, question.ai_answer)),
    );
  }
  const existing = document.getElementById(id);
  if (existing) existing.replaceWith(item);
  else byId("results").append(item);
}
