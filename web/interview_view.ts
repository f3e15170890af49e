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
import type { QuestionMessage, SessionMessage, StreamName } from "../realtime/protocol.ts";
import { api, type Details, getToken, type QuestionAnswer, socketUrl } from "./api.ts";
import type { Devices } from "./devices.ts";
import { byId, formatBytes, formatClock, h, say } from "./dom.ts";
import { candidateRemark } from "./plain_errors.ts";
import { watchProctoring } from "./proctoring.ts";
import { clearDraft, loadDraft, saveDraft } from "./answer_draft.ts";
import { AnswerRecording, answerSources, WINDOW_BYTES } from "./recorder.ts";
import { showResults } from "./results_view.ts";
import { type Fragment, SpeechTranscriber, TypedAnswer } from "./transcript.ts";

/** Finishing a little before the deadline leaves time for the typed transcript to arrive. */
const FINISH_BEFORE_DEADLINE_MS = 1000;

/**
 * `interrupted`: the answer was started on an earlier load of the page (a
 * reload, a closed tab); it can be continued with new recorders or finished
 * with what the server saved.
 */
type Phase = "idle" | "interrupted" | "recording" | "finishing" | "evaluating" | "over";

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
  readonly #typed = new TypedAnswer(
    byId<HTMLTextAreaElement>("answer-text"),
    () => this.#keepDraft(),
  );
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
  /** For an interrupted answer: the segment and streams its continuation records. */
  #continuation: { segment: number; streams: StreamName[] } | null = null;

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
    await client.connect().catch(() =>
      this.#status("Could not connect to the interview. Reload the page to try again.", "error")
    );
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
    if (session.answer?.question_id !== question.question_id) return;
    this.#endsAt = Date.parse(question.started_at ?? "") + question.time_limit_s * 1000;
    if (session.answer.status !== "RECORDING") {
      this.#setPhase("evaluating");
      this.#status("Your answer is being evaluated…");
      return;
    }
    // Started on an earlier load of this page: the server kept what it received, this
    // browser kept what was typed. New recorders continue it as the answer's next segment.
    if (this.#phase !== "interrupted") {
      const draft = loadDraft(this.#interviewId, question.question_id);
      if (draft) this.#typed.restore(draft);
    }
    const segment = session.answer.segment + 1;
    this.#continuation = segment < session.limits.max_segments
      ? { segment, streams: Object.keys(session.answer.streams) as StreamName[] }
      : null;
    this.#setPhase("interrupted");
    this.#status(
      this.#continuation
        ? "Your answer was interrupted. What you recorded and typed is saved: continue the answer, or finish it with what was saved."
        : "Your answer was interrupted too often to continue; finish it with what was saved.",
    );
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
    if (phase !== "interrupted") this.#continuation = null;
    const interrupted = phase === "interrupted";
    const start = byId<HTMLButtonElement>("answer-start");
    start.disabled = phase !== "idle" && !(interrupted && this.#continuation);
    start.textContent = interrupted ? "Continue answer" : "Start answer";
    const finish = byId<HTMLButtonElement>("answer-finish");
    finish.disabled = phase !== "recording" && !interrupted;
    finish.textContent = interrupted ? "Finish with what was saved" : "Finish answer";
    byId<HTMLTextAreaElement>("answer-text").disabled = phase !== "recording" && !interrupted;
    byId("recording-indicator").hidden = phase !== "recording";
  }

  /** Keeps the typed answer in the browser on every change, so a reload does not lose it. */
  #keepDraft(): void {
    const questionId = this.#question?.question_id;
    if (questionId === undefined) return;
    saveDraft(this.#interviewId, questionId, this.#typed.draft());
  }

  #startAnswer(): void {
    const client = this.#client;
    const question = this.#question;
    const camera = this.#devices.camera;
    const continuation = this.#continuation;
    if (!client || !question || (this.#phase !== "idle" && !continuation)) return;
    if (!camera) {
      this.#status("Turn on your camera and microphone first (section 2).", "error");
      byId("devices-button").focus();
      return;
    }
    const questionId = question.question_id;
    const sources = answerSources(camera, this.#devices.screen).filter((source) =>
      !continuation || continuation.streams.includes(source.stream)
    );
    const recording = new AnswerRecording(
      client,
      questionId,
      sources,
      () =>
        this.#status(
          "The server could not take more of this answer; what arrived is kept. Press Finish answer.",
          "error",
        ),
    );
    this.#recording = recording;
    const requestedAt = Date.now();
    client.startAnswer(
      questionId,
      recording.streams,
      recording.mimeTypes,
      continuation?.segment,
    ).then((started) => {
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
    // A continued answer keeps its restored text, whose times go on from before the reload.
    if (!continuation) this.#typed.begin(performance.now());
    this.#speech.start(this.#typed.origin);
    this.#setPhase("recording");
    this.#status("Recording. Press Finish answer when you are done.");
    byId("answer-text").focus();
  }

  async #finishAnswer(): Promise<void> {
    if (this.#phase === "interrupted") return await this.#finishSaved();
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
      clearDraft(this.#interviewId, questionId);
      this.#status(`Answer saved (${Math.round(recording.elapsedMs / 1000)} s). Evaluating…`, "ok");
    } catch {
      // The server had ended the answer already (time limit or grace period).
      this.#status("The answer had already ended; it is saved with what arrived. Evaluating…");
    }
    if (this.#recording === recording) this.#recording = null;
    // A session or the end of the interview may have moved the phase on while this awaited.
    if ((this.#phase as Phase) === "finishing") this.#setPhase("evaluating");
    const next = this.#next;
    this.#next = null;
    if (next) this.#showQuestion(next);
  }

  /** Ends an interrupted answer with what the server saved and the text kept here. */
  async #finishSaved(): Promise<void> {
    const client = this.#client;
    const questionId = this.#question?.question_id;
    if (!client || questionId === undefined) return;
    this.#setPhase("finishing");
    this.#status("Saving your answer…");
    for (const fragment of this.#typed.fragments()) {
      client.sendTranscript({ question_id: questionId, ...fragment });
    }
    try {
      await client.endSavedAnswer(questionId);
      clearDraft(this.#interviewId, questionId);
      this.#status("Answer saved with what was recorded before. Evaluating…", "ok");
    } catch {
      // The server had ended the answer already (time limit or grace period).
      this.#status("The answer had already ended; it is saved with what arrived. Evaluating…");
    }
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
        this.#status("Part of this answer was lost on the way; the rest is saved.", "error");
        break;
      case "not_current_question":
        this.#status("This question is no longer open; the page moves on to the next one.");
        break;
      case "internal_error":
        this.#status(
          "Something went wrong on our side; what you recorded so far is kept.",
          "error",
        );
        break;
    }
  }

  #onFinalized(question: QuestionAnswer): void {
    clearDraft(this.#interviewId, question.question_id);
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
    await showResults(
      this.#interviewId,
      status === "completed"
        ? "Thank you: every question is answered."
        : "The interview ended before every question was answered.",
    );
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
        ? "This answer could not be evaluated. "
        : `Score ${question.candidate_score ?? "–"}/10, grade ${question.candidate_grade ?? "–"}. `,
      candidateRemark(question.ai_remark),
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
