/// <reference lib="dom" />
/**
 * An observer channel (`/realtime/live` or `/realtime/interviews/{id}/observe`)
 * that reconnects by itself. Every connection starts with a state message,
 * so the page simply rebuilds its view from it after a reconnect.
 *
 * @module
 */
import { socketProtocols, socketUrl } from "./api.ts";

/** A message of an observer channel: a state message or a live event. */
export interface FeedMessage {
  type: string;
  interview_id?: number;
  [field: string]: unknown;
}

/** What the page hears from a feed. */
export interface FeedHandlers {
  message(message: FeedMessage): void;
  /** A sentence about the connection, for a status line. */
  status(text: string, kind: "info" | "error"): void;
}

/** An open feed. */
export interface Feed {
  close(): void;
}

const MAX_FAILED_ATTEMPTS = 20;

/** Opens `path` and keeps it open, with back-off and jitter between attempts, until closed. */
export function openFeed(path: string, handlers: FeedHandlers): Feed {
  let socket: WebSocket | null = null;
  let closed = false;
  let failedAttempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const ws = new WebSocket(socketUrl(path), socketProtocols());
    socket = ws;
    let reached = false;
    ws.onmessage = (event) => {
      if (socket !== ws || typeof event.data !== "string") return;
      if (!reached) {
        reached = true;
        failedAttempts = 0;
        handlers.status("Connected: updates appear as they happen.", "info");
      }
      handlers.message(JSON.parse(event.data));
    };
    ws.onclose = () => {
      if (socket !== ws || closed) return;
      if (!reached) failedAttempts++;
      if (failedAttempts >= MAX_FAILED_ATTEMPTS) {
        handlers.status("The live connection failed; reload the page to try again.", "error");
        return;
      }
      handlers.status("Live connection lost; reconnecting…", "error");
      const delay = Math.min(5000, 250 * 2 ** failedAttempts);
      timer = setTimeout(connect, delay * (0.5 + Math.random() / 2));
    };
  };
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000);
      socket = null;
    },
  };
}
