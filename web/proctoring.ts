/// <reference lib="dom" />
/**
 * Proctoring events of the candidate page, reported as they happen.
 *
 * @module
 */
import type { ProctoringKind } from "../realtime/client.ts";

/** Calls `report` on tab switches, window focus changes, pastes and full-screen changes. */
export function watchProctoring(report: (kind: ProctoringKind, detail?: string) => void): void {
  document.addEventListener("visibilitychange", () => {
    report(document.visibilityState === "hidden" ? "tab_hidden" : "tab_visible");
  });
  addEventListener("blur", () => report("window_blur"));
  addEventListener("focus", () => report("window_focus"));
  document.addEventListener("paste", (event) => {
    const length = event.clipboardData?.getData("text").length ?? 0;
    report("paste", `${length} characters`);
  });
  document.addEventListener("fullscreenchange", () => {
    report(document.fullscreenElement ? "fullscreen_enter" : "fullscreen_exit");
  });
}
