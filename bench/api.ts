/**
 * The few HTTP API calls the realtime benchmark makes to prepare candidates:
 * sign up, upload a job description, start an interview.
 *
 * @module
 */

import { postJson as post } from "../tests/helpers/live_interview.ts";

const JD_TEXT =
  "Backend engineer: TypeScript, PostgreSQL, WebSockets, Redis, Docker, REST APIs, system design.";

/** Signs up candidate `username`, uploads a JD as JSON `{text}`, and returns the token. */
export async function createCandidate(base: string, username: string): Promise<string> {
  const { access_token: token } = await post(base, "/auth/signup", {
    username,
    password: "bench-password-1",
  }) as { access_token: string };
  await post(base, "/jd_resume/upload_jd", { text: JD_TEXT }, token);
  return token;
}

/** Starts a one-question interview for the candidate of `token`; returns its id. */
export async function startInterview(base: string, token: string, name: string): Promise<number> {
  const { interview_id: id } = await post(base, "/interview/start_interview", {
    interview_name: name,
    question_count: 1,
  }, token) as { interview_id: number };
  return id;
}

/** Runs `task` over `items` with at most `concurrency` at a time; results in item order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
