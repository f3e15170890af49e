/// <reference lib="dom" />
/**
 * One review player per answer: the combined camera-and-microphone
 * recording with the screen recording beside it, the screen following the
 * main player (play, pause, seek, speed, drift). Sources are signed links
 * that expire; when a player fails to load, fresh links are fetched and it
 * goes on where it was.
 *
 * @module
 */
import type { RecordingKind } from "./api.ts";
import { h } from "./dom.ts";

/** Signed links of one answer's recordings, by kind. */
export type RecordingLinks = Record<RecordingKind, string | null>;

/** The player of one answer. */
export interface ReviewPlayer {
  element: HTMLElement;
  /** Plays from `seconds` into the answer. */
  seek(seconds: number): void;
}

/** The screen may lag the main player by this much before it is moved to the same time. */
const MAX_DRIFT_S = 0.3;
/** A failing player asks for fresh links at most this often. */
const RELINK_INTERVAL_MS = 10_000;

function mainLink(links: RecordingLinks): string | null {
  return links.combined ?? links.camera;
}

/**
 * Builds the player of question `questionId` from `links`, or returns null
 * when the answer has no recording; `relink` fetches fresh links.
 */
export function reviewPlayer(
  questionId: number,
  links: RecordingLinks,
  relink: () => Promise<RecordingLinks | null>,
): ReviewPlayer | null {
  const camera = mainLink(links);
  const sources = [
    camera ? { pick: mainLink, label: "Camera and microphone" } : null,
    links.screen ? { pick: (l: RecordingLinks) => l.screen, label: "Screen" } : null,
  ].filter((source) => source !== null);
  if (sources.length === 0) return null;

  const videos = sources.map((source, index) =>
    h("video", {
      controls: index === 0,
      muted: index > 0,
      preload: "metadata",
      playsinline: true,
      src: source.pick(links) ?? "",
      "data-kind": index === 0 && camera ? "combined" : "screen",
      "aria-label": `${source.label} recording of question ${questionId}`,
    })
  );
  const [main, ...followers] = videos;
  const follow = (action: (video: HTMLVideoElement) => void) => followers.forEach(action);
  main.addEventListener("play", () => follow((v) => void v.play().catch(() => {})));
  main.addEventListener("pause", () => follow((v) => v.pause()));
  main.addEventListener("ratechange", () => follow((v) => v.playbackRate = main.playbackRate));
  main.addEventListener("seeked", () => follow((v) => v.currentTime = main.currentTime));
  main.addEventListener("timeupdate", () =>
    follow((v) => {
      if (Math.abs(v.currentTime - main.currentTime) > MAX_DRIFT_S) {
        v.currentTime = main.currentTime;
      }
    }));

  let lastRelink = 0;
  videos.forEach((video, index) =>
    video.addEventListener("error", async () => {
      if (Date.now() - lastRelink < RELINK_INTERVAL_MS) return;
      lastRelink = Date.now();
      const fresh = await relink().catch(() => null);
      const src = fresh ? sources[index].pick(fresh) : null;
      if (!src) return;
      const at = video.currentTime;
      video.src = src;
      video.currentTime = at;
    })
  );

  const element = h(
    "div",
    { class: "player", "data-sources": videos.length },
    ...videos.map((video, index) =>
      h("figure", {}, video, h("figcaption", {}, sources[index].label))
    ),
  );
  return {
    element,
    seek(seconds) {
      main.currentTime = seconds;
      void main.play().catch(() => {});
    },
  };
}
