/// <reference lib="dom" />
/**
 * The REST API as the pages use it: the token kept for the tab, JSON
 * requests with readable errors, and the URLs of sockets and recordings.
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

/** `/api/performance/details/{id}`. */
export interface Details {
  interview: SummaryItem;
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

/** A WebSocket URL on this host (`ws:` or `wss:` like the page), with the token. */
export function socketUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", getToken() ?? "");
  return url.href;
}

/** A recording's URL; the token is in the query because media players cannot send headers. */
export function recordingUrl(
  interviewId: number,
  questionId: number,
  kind: "camera" | "screen" | "combined",
): string {
  const token = encodeURIComponent(getToken() ?? "");
  return `/interview/${interviewId}/questions/${questionId}/recordings/${kind}?token=${token}`;
}
