/// <reference lib="dom" />
/**
 * The REST API as the pages use it: the token kept for the tab, JSON
 * requests with readable errors, sockets, and signed links to files.
 *
 * @module
 */

const TOKEN_KEY = "ai-interviewer.token";

/** A signed-in user as `/auth/me` returns it. */
export interface User {
  id: number;
  username: string;
  user_type: "candidate" | "interviewer" | "admin";
}

/** A question with its answer and evaluation (the API's QuestionAnswerOut). */
export interface QuestionAnswer {
  id: number;
  interview_id: number;
  question_id: number;
  question_text: string;
  status: string;
  answer_text: string | null;
  camera_recording_path: string | null;
  screen_recording_path: string | null;
  audio_recording_path: string | null;
  combined_recording_path: string | null;
  ai_answer: string | null;
  ai_remark: string | null;
  candidate_score: number | null;
  candidate_grade: string | null;
  answered_at: string | null;
  failure_reason: string | null;
  /** Final transcript fragments, timed from the answer's start (absent from older servers). */
  transcript_segments?: { text: string; start_ms: number; end_ms: number }[];
}

/** One row of `/api/performance/summary`. */
export interface SummaryItem {
  interview_id: number;
  interview_name: string;
  username: string;
  status: "in_progress" | "completed" | "abandoned";
  created_at: string;
  question_count: number;
  answered_count: number;
  average_score: number | null;
  grade: string | null;
}

/** The report written when an interview is completed. */
export interface Report {
  strengths: string[];
  gaps: string[];
  recommendation: "strong_hire" | "hire" | "lean_hire" | "lean_no_hire" | "no_hire";
  summary: string;
}

/** `/api/performance/details/{id}`. */
export interface Details {
  interview: SummaryItem & { report?: Report | null };
  questions: QuestionAnswer[];
}

/** A failed request, with the server's explanation. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The tab's access token, if signed in. Session storage keeps it per tab, like a login. */
export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Stores the access token, or forgets it with `null`. */
export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Calls the API; objects are sent as JSON, `FormData` as multipart. Throws {@link ApiError}. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(path, { method: options.method ?? "GET", headers, body });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, detailOf(json, response.status));
  return json as T;
}

/** FastAPI-style errors: a string, or a list of `{loc, msg}` for invalid input. */
function detailOf(json: unknown, status: number): string {
  const detail = (json as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((issue: { loc?: unknown[]; msg?: string }) =>
      `${(issue.loc ?? []).slice(1).join(".") || "input"}: ${issue.msg ?? "invalid"}`
    ).join("; ");
  }
  return `The server answered ${status}.`;
}

/** Logs in and keeps the token. */
export async function logIn(username: string, password: string): Promise<User> {
  const result = await api<{ access_token: string; user: User }>("/auth/login", {
    method: "POST",
    body: { username, password },
  });
  setToken(result.access_token);
  return result.user;
}

/** Creates a candidate account and keeps its token. */
export async function signUp(username: string, password: string): Promise<User> {
  const result = await api<User & { access_token: string }>("/auth/signup", {
    method: "POST",
    body: { username, password },
  });
  setToken(result.access_token);
  return result;
}

/** The signed-in user, or null when there is no valid token. */
export async function currentUser(): Promise<User | null> {
  if (!getToken()) return null;
  try {
    return await api<User>("/auth/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setToken(null);
      return null;
    }
    throw error;
  }
}

/** A WebSocket URL on this host (`ws:` or `wss:` like the page); the token goes elsewhere. */
export function socketUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/**
 * Subprotocols that carry the token in the WebSocket handshake, so it stays
 * out of the URL (and so out of logs and history).
 */
export function socketProtocols(): string[] {
  return ["interviewer.v1", `bearer.${getToken() ?? ""}`];
}

/** A kind of recording an answer may have. */
export type RecordingKind = "camera" | "screen" | "audio" | "combined" | "wav";

/** `/interview/{id}/links`: short-lived signed links, so no URL holds the access token. */
export interface InterviewLinks {
  expires_at: string;
  report_pdf: string | null;
  questions: { question_id: number; recordings: Record<RecordingKind, string | null> }[];
}

/** Fetches fresh signed links to an interview's recordings and report PDF. */
export function interviewLinks(interviewId: number): Promise<InterviewLinks> {
  return api<InterviewLinks>(`/interview/${interviewId}/links`);
}
