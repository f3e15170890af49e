/// <reference lib="dom" />
/**
 * Typed answers kept in the browser's local storage while they are written,
 * so a reload, a closed tab or a crashed browser does not lose them. One
 * draft per interview and question, removed once the answer is accepted.
 *
 * @module
 */
import type { TypedDraft } from "./transcript.ts";

function keyOf(interviewId: number, questionId: number): string {
  return `answer-draft:${interviewId}:${questionId}`;
}

/** Keeps the draft of an answer, replacing the one kept before. */
export function saveDraft(interviewId: number, questionId: number, draft: TypedDraft): void {
  try {
    localStorage.setItem(keyOf(interviewId, questionId), JSON.stringify(draft));
  } catch {
    // Storage full or disabled (private mode): the answer still reaches the server on finish.
  }
}

/** The kept draft of an answer, if there is a readable one. */
export function loadDraft(interviewId: number, questionId: number): TypedDraft | null {
  try {
    const draft = JSON.parse(localStorage.getItem(keyOf(interviewId, questionId)) ?? "null");
    const valid = typeof draft?.text === "string" && Array.isArray(draft.marks) &&
      Number.isFinite(draft.elapsedMs);
    return valid ? draft : null;
  } catch {
    return null;
  }
}

/** Forgets the draft of an answer, once the server has the answer. */
export function clearDraft(interviewId: number, questionId: number): void {
  try {
    localStorage.removeItem(keyOf(interviewId, questionId));
  } catch {
    // Nothing was kept.
  }
}
