/// <reference lib="dom" />
/**
 * One interview on the dashboard, through its observer channel: the
 * current question, the transcript as it arrives, bitrates, proctoring
 * flags, and every question with its score and recordings.
 *
 * @module
 */
import { api, type Details, interviewLinks, type QuestionAnswer } from "./api.ts";
import { answerCard, type TimedText } from "./answer_card.ts";
import { byId, formatBytes, h, messageOf, say } from "./dom.ts";
import { type Feed, type FeedMessage, openFeed } from "./feed.ts";
import { reportView } from "./report_view.ts";
import type { RecordingLinks } from "./review_player.ts";

/** How often the report is looked for again while it is being written. */
const REPORT_POLL_MS = 3000;
const REPORT_POLL_TRIES = 20;

interface ObserveState {
  interview: {
    interview_id: number;
    interview_name: string;
    username: string;
    status: string;
    candidate_online: boolean;
  };
  current_question_id: number | null;
  questions: QuestionAnswer[];
  transcript: TimedText[];
  proctoring: Flag[];
}

interface Flag {
  question_id: number | null;
  kind: string;
  at: string;
  detail: string | null;
}

const flagLabels: Record<string, string> = {
  tab_hidden: "Switched away from the tab",
  tab_visible: "Came back to the tab",
  window_blur: "Window lost focus",
  window_focus: "Window got focus back",
  paste: "Pasted text",
  fullscreen_exit: "Left full screen",
  fullscreen_enter: "Entered full screen",
};

/** Which recordings a set of links has, to tell when a card needs a new player. */
function kindsOf(links: RecordingLinks | undefined): string {
  return links ? Object.entries(links).filter(([, url]) => url).map(([kind]) => kind).join() : "";
}

/** The "watch" section of the dashboard. */
export class WatchView {
  #feed: Feed | null = null;
  #interviewId = 0;
  #state: ObserveState | null = null;
  #questions = new Map<number, QuestionAnswer>();
  /** Final transcript fragments seen per question: the only source of their timestamps. */
  #fragments = new Map<number, TimedText[]>();
  #current: number | null = null;
  /** The question whose transcript and streams are shown live. */
  #followed: number | null = null;
  /** Signed recording links per question; fetched again when they expire. */
  #links = new Map<number, RecordingLinks>();
  /** Counts loads of stored data, so an older, slower one does not overwrite a newer one. */
  #generation = 0;

  /** Shows interview `interviewId`, live. */
  open(interviewId: number): void {
    this.#feed?.close();
    if (interviewId !== this.#interviewId) {
      this.#fragments = new Map();
      this.#links = new Map();
      byId("watch-report").replaceChildren();
    }
    this.#interviewId = interviewId;
    const section = byId("watch");
    section.hidden = false;
    byId("watch-title").textContent = `Interview ${interviewId}`;
    this.#feed = openFeed(`/realtime/interviews/${interviewId}/observe`, {
      message: (message) => this.#onMessage(message),
      status: (text, kind) => say(byId("watch-feed"), text, kind),
    });
    const title = byId("watch-title");
    title.tabIndex = -1;
    title.focus();
    section.scrollIntoView();
  }

  #onMessage(message: FeedMessage): void {
    if (message.type === "observe.state") {
      this.#load(message as unknown as ObserveState);
      return;
    }
    const state = this.#state;
    if (!state) return;
    const questionId = message.question_id as number | undefined;
    switch (message.type) {
      case "candidate.connected":
      case "candidate.disconnected":
        state.interview.candidate_online = message.type === "candidate.connected";
        this.#showMeta();
        break;
      case "question.asked":
        if (questionId !== undefined && !this.#questions.has(questionId)) {
          this.#addQuestion(questionId, message.text as string);
        }
        this.#setCurrent(questionId ?? null);
        break;
      case "answer.started":
        this.#setStatus(questionId, "RECORDING");
        this.#setCurrent(questionId ?? null);
        if (questionId !== undefined) this.#follow(questionId);
        say(byId("watch-answer"), `Recording: ${(message.streams as string[]).join(", ")}.`);
        break;
      case "stream.stats":
        if (questionId !== undefined) this.#follow(questionId);
        this.#showStats(
          message.streams as Record<string, { committed: number; bitrate_kbps: number }>,
        );
        break;
      case "transcript":
        this.#onTranscript(
          message as unknown as TimedText & { question_id: number; is_final: boolean },
        );
        break;
      case "proctoring":
        this.#addFlag(message as unknown as Flag);
        break;
      case "answer.processing":
        this.#setStatus(questionId, "PROCESSING");
        say(byId("watch-answer"), `Processing the answer (${message.reason}).`);
        break;
      case "finalized": {
        const question = message.question as QuestionAnswer;
        this.#questions.set(question.question_id, question);
        this.#renderCard(question);
        void this.#loadStored();
        say(
          byId("watch-answer"),
          `Question ${question.question_id} scored ${question.candidate_score ?? "–"}/10 (grade ${
            question.candidate_grade ?? "–"
          }).`,
          "ok",
        );
        break;
      }
      case "interview.completed":
        state.interview.status = message.status as string;
        this.#setCurrent(null);
        this.#showMeta();
        void this.#loadStored();
        break;
    }
  }

  #load(state: ObserveState): void {
    this.#state = state;
    this.#questions = new Map(state.questions.map((q) => [q.question_id, q]));
    byId("watch-title").textContent =
      `${state.interview.interview_name} (interview ${state.interview.interview_id})`;
    this.#showMeta();
    if (state.current_question_id !== null) {
      this.#fragments.set(state.current_question_id, [...state.transcript]);
    }
    byId("watch-questions").replaceChildren();
    for (const question of this.#questions.values()) this.#renderCard(question);
    byId("watch-flags").replaceChildren();
    byId("watch-no-flags").hidden = false;
    for (const flag of state.proctoring) this.#addFlag(flag);
    this.#current = this.#followed = null;
    this.#setCurrent(state.current_question_id);
    this.#follow(state.current_question_id);
    void this.#loadStored();
  }

  /**
   * Loads what the live feed does not carry: signed recording links, the
   * stored transcript timestamps, and the report once the interview is over.
   * Cards of finished answers are drawn again only when they gain a player
   * or timestamps, so a playing video is not interrupted.
   */
  async #loadStored(): Promise<void> {
    const generation = ++this.#generation;
    const interviewId = this.#interviewId;
    try {
      for (let tries = 0;; tries++) {
        const [details, links] = await Promise.all([
          api<Details>(`/api/performance/details/${interviewId}`),
          interviewLinks(interviewId),
        ]);
        if (generation !== this.#generation) return;
        for (const stored of details.questions) {
          const question = this.#questions.get(stored.question_id);
          const link = links.questions.find((l) => l.question_id === stored.question_id);
          if (!question || !link) continue;
          const gainsPlayer = kindsOf(this.#links.get(stored.question_id)) !==
            kindsOf(link.recordings);
          const gainsTimes = (question.transcript_segments ?? []).length === 0 &&
            (stored.transcript_segments ?? []).length > 0;
          this.#links.set(stored.question_id, link.recordings);
          question.transcript_segments = stored.transcript_segments;
          if (gainsPlayer || gainsTimes) this.#renderCard(question);
        }
        const { status, report } = details.interview;
        if (status !== "in_progress") {
          byId("watch-report").replaceChildren(
            reportView(report ?? null, status, links.report_pdf),
          );
        }
        if (status === "in_progress" || report || tries >= REPORT_POLL_TRIES) return;
        await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
      }
    } catch (error) {
      say(
        byId("watch-feed"),
        `Recordings and report could not be loaded: ${messageOf(error)}`,
        "error",
      );
    }
  }

  /** Fresh links for one answer, for a player whose links expired. */
  async #relink(questionId: number): Promise<RecordingLinks | null> {
    const links = await interviewLinks(this.#interviewId);
    for (const link of links.questions) this.#links.set(link.question_id, link.recordings);
    return this.#links.get(questionId) ?? null;
  }

  #showMeta(): void {
    const interview = this.#state!.interview;
    const online = interview.status === "in_progress"
      ? interview.candidate_online ? ", candidate online" : ", candidate offline"
      : "";
    byId("watch-meta").textContent = `Candidate ${interview.username} · status ${
      interview.status.replace("_", " ")
    }${online}`;
    // Bitrates, live transcript and the current question only mean something while it runs.
    byId("watch-live").hidden = interview.status !== "in_progress";
  }

  #setCurrent(questionId: number | null): void {
    if (questionId === this.#current) return;
    this.#current = questionId;
    const question = questionId === null ? undefined : this.#questions.get(questionId);
    byId("watch-current").textContent = question
      ? `Question ${question.question_id} of ${this.#questions.size}: ${question.question_text}`
      : "No question is open.";
    say(byId("watch-answer"), question?.status === "NEW" ? "Not started yet." : "");
  }

  /** Shows the live transcript and streams of `questionId`; they stay until another answer starts. */
  #follow(questionId: number | null): void {
    if (questionId === this.#followed) return;
    this.#followed = questionId;
    byId("watch-transcript-title").textContent = questionId === null
      ? "Live transcript"
      : `Live transcript of question ${questionId}`;
    byId("watch-stream-rows").replaceChildren();
    byId("watch-interim").textContent = "";
    this.#showTranscript();
  }

  #showTranscript(): void {
    const fragments = this.#followed === null ? [] : this.#fragments.get(this.#followed) ?? [];
    byId("watch-no-transcript").hidden = fragments.length > 0;
    byId("watch-transcript").replaceChildren(...fragments.map((f) => h("li", {}, f.text)));
  }

  /** A question the engine added after the state message, e.g. a follow-up. */
  #addQuestion(questionId: number, text: string): void {
    const question: QuestionAnswer = {
      id: 0,
      interview_id: this.#interviewId,
      question_id: questionId,
      question_text: text,
      status: "NEW",
      answer_text: null,
      camera_recording_path: null,
      screen_recording_path: null,
      audio_recording_path: null,
      combined_recording_path: null,
      ai_answer: null,
      ai_remark: null,
      candidate_score: null,
      candidate_grade: null,
      answered_at: null,
      failure_reason: null,
    };
    this.#questions.set(questionId, question);
    this.#renderCard(question);
  }

  #setStatus(questionId: number | undefined, status: string): void {
    const question = questionId === undefined ? undefined : this.#questions.get(questionId);
    if (!question || question.status === status) return;
    question.status = status;
    this.#renderCard(question);
  }

  #renderCard(question: QuestionAnswer): void {
    const card = answerCard(
      question,
      this.#fragments.get(question.question_id) ?? [],
      this.#links.get(question.question_id),
      () => this.#relink(question.question_id),
    );
    const existing = document.getElementById(card.id);
    if (existing) existing.replaceWith(card);
    else byId("watch-questions").append(card);
  }

  #onTranscript(fragment: TimedText & { question_id: number; is_final: boolean }): void {
    this.#follow(fragment.question_id);
    if (!fragment.is_final) {
      byId("watch-interim").textContent = fragment.text;
      return;
    }
    const list = this.#fragments.get(fragment.question_id) ?? [];
    // Right after the state message an event may repeat a fragment the state already had.
    if (!list.some((f) => f.start_ms === fragment.start_ms && f.text === fragment.text)) {
      list.push({ text: fragment.text, start_ms: fragment.start_ms });
      list.sort((a, b) => a.start_ms - b.start_ms);
    }
    this.#fragments.set(fragment.question_id, list);
    byId("watch-interim").textContent = "";
    this.#showTranscript();
  }

  #showStats(streams: Record<string, { committed: number; bitrate_kbps: number }>): void {
    const rows = byId("watch-stream-rows");
    for (const [name, stats] of Object.entries(streams)) {
      const id = `watch-stream-${name}`;
      const row = document.getElementById(id) ??
        rows.appendChild(h("tr", { id }, h("th", { scope: "row" }, name), h("td"), h("td")));
      row.children[1].textContent = `${Math.round(stats.bitrate_kbps)} kbit/s`;
      row.children[2].textContent = formatBytes(stats.committed);
    }
  }

  #addFlag(flag: Flag): void {
    const time = new Date(flag.at).toLocaleTimeString();
    const question = flag.question_id === null ? "" : ` (question ${flag.question_id})`;
    const detail = flag.detail ? `: ${flag.detail}` : "";
    byId("watch-no-flags").hidden = true;
    byId("watch-flags").append(
      h("li", {}, `${time} — ${flagLabels[flag.kind] ?? flag.kind}${detail}${question}`),
    );
  }
}
