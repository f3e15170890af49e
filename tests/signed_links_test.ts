// Signed links: recordings and report PDFs load without the access token in
// the URL, only for the user a link was issued to and only while the user may
// see the interview; altered, foreign and expired links are refused. Also
// /jd_resume/current, which answers "nothing yet" without a 404.
import assert from "node:assert/strict";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { interviews, questionAnswers } from "../db/schema.ts";
import { SIGNED_LINK_TTL_SECONDS } from "../auth/signed_links.ts";
import { dbTest, setupApp, type TestApp } from "./helpers/app.ts";

const RECORDING = new Uint8Array(4096).map((_, i) => i % 251);

interface Links {
  expires_at: string;
  report_pdf: string | null;
  questions: { question_id: number; recordings: Record<string, string | null> }[];
}

/** Alice's one-question interview with a combined recording on disk and a written report. */
async function seed(t: TestApp, token: string): Promise<number> {
  await t.request("POST", "/jd_resume/upload_jd", {
    token,
    body: { text: "Backend engineer: TypeScript, PostgreSQL, Kubernetes." },
  });
  const started = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Links – test", question_count: 1 },
  });
  assert.equal(started.status, 201);
  const interviewId = (await started.json()).interview_id as number;
  const relative = `recordings/${interviewId}/1/combined.webm`;
  await Deno.mkdir(join(t.deps.config.DATA_DIR, `recordings/${interviewId}/1`), {
    recursive: true,
  });
  await Deno.writeFile(join(t.deps.config.DATA_DIR, relative), RECORDING);
  const { db } = t.deps.database;
  await db.update(questionAnswers).set({ combinedRecordingPath: relative, status: "ANSWERED" })
    .where(and(eq(questionAnswers.interviewId, interviewId), eq(questionAnswers.questionId, 1)));
  await db.update(interviews).set({
    status: "completed",
    completedAt: new Date(),
    report: {
      strengths: ["Clear examples"],
      gaps: ["Kubernetes depth"],
      recommendation: "lean_hire",
      summary: "A solid answer.",
      engine: "offline",
    },
  }).where(eq(interviews.id, interviewId));
  return interviewId;
}

async function linksOf(t: TestApp, interviewId: number, token: string): Promise<Response> {
  return await t.request("GET", `/interview/${interviewId}/links`, { token });
}

dbTest("signed links play recordings and download reports without a token in the URL", async () => {
  const t = await setupApp();
  const alice = await t.user("alice");
  const interviewId = await seed(t, alice.token);
  const response = await linksOf(t, interviewId, alice.token);
  assert.equal(response.status, 200);
  const links: Links = await response.json();
  const { recordings } = links.questions[0];
  assert.equal(recordings.camera, null);
  assert.equal(recordings.screen, null);
  const combined = recordings.combined!;
  assert.match(
    combined,
    /^\/interview\/\d+\/questions\/1\/recordings\/combined\?uid=\d+&expires=\d+&sig=/,
  );
  assert.ok(!combined.includes(alice.token) && !combined.includes("token="));
  const expires = Date.parse(links.expires_at) - Date.now();
  assert.ok(expires > 0 && expires <= SIGNED_LINK_TTL_SECONDS * 1000, links.expires_at);

  // A media player sends no header: the link alone plays, with Range.
  const whole = await t.request("GET", combined);
  assert.equal(whole.status, 200);
  assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), RECORDING);
  const part = await t.request("GET", combined, { headers: { range: "bytes=100-199" } });
  assert.equal(part.status, 206);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), RECORDING.slice(100, 200));

  const pdf = await t.request("GET", links.report_pdf!);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get("content-type"), "application/pdf");
  await pdf.body?.cancel();

  // The old ?token= form keeps working for existing clients.
  const legacy = await t.request(
    "GET",
    `/interview/${interviewId}/questions/1/recordings/combined?token=${alice.token}`,
  );
  assert.equal(legacy.status, 200);
  await legacy.body?.cancel();
});

dbTest("signed links are refused when altered, moved to another path, or expired", async () => {
  const t = await setupApp();
  const alice = await t.user("alice");
  const interviewId = await seed(t, alice.token);
  const links: Links = await (await linksOf(t, interviewId, alice.token)).json();
  const combined = links.questions[0].recordings.combined!;
  const url = new URL(combined, "http://x");
  const refused = async (path: string) => {
    const response = await t.request("GET", path);
    assert.equal(response.status, 401, path);
    const body = await response.json();
    assert.match(body.detail, /link/);
  };
  // Another kind, another user id, another expiry, a changed signature: all with the same sig.
  await refused(combined.replace("/combined?", "/camera?"));
  await refused(combined.replace(`uid=${alice.id}`, `uid=${alice.id + 1}`));
  const later = Number(url.searchParams.get("expires")) + 3600;
  await refused(combined.replace(/expires=\d+/, `expires=${later}`));
  const sig = url.searchParams.get("sig")!;
  await refused(combined.replace(sig, (sig[0] === "A" ? "B" : "A") + sig.slice(1)));
  await refused(combined.replace(sig, "short"));
  // Signed long ago: expired.
  const old = await t.deps.tokens.links.sign(
    url.pathname,
    alice.id,
    Date.now() - (SIGNED_LINK_TTL_SECONDS + 5) * 1000,
  );
  await refused(old.url);
  // No link and no token: still 401.
  assert.equal((await t.request("GET", url.pathname)).status, 401);
});

dbTest("signed links: only the candidate, interviewers and admins get and use them", async () => {
  const t = await setupApp();
  const alice = await t.user("alice");
  const bob = await t.user("bob");
  const rita = await t.user("rita", "interviewer");
  const root = await t.user("root", "admin");
  const interviewId = await seed(t, alice.token);
  assert.equal((await linksOf(t, interviewId, bob.token)).status, 404);
  assert.equal((await t.request("GET", `/interview/${interviewId}/links`)).status, 401);
  assert.equal((await linksOf(t, interviewId + 1000, alice.token)).status, 404);
  for (const staff of [rita, root]) {
    const response = await linksOf(t, interviewId, staff.token);
    assert.equal(response.status, 200);
    const links: Links = await response.json();
    const played = await t.request("GET", links.questions[0].recordings.combined!);
    assert.equal(played.status, 200);
    await played.body?.cancel();
  }
  // A link signed for Bob (say, forged by an older bug) still needs Bob to see the interview.
  const path = `/interview/${interviewId}/questions/1/recordings/combined`;
  const bobs = await t.deps.tokens.links.sign(path, bob.id);
  assert.equal((await t.request("GET", bobs.url)).status, 404);
  // The links route only signs what the caller may see; other routes ignore signatures.
  const details = await t.request(
    "GET",
    `/api/performance/details/${interviewId}?${new URL(bobs.url, "http://x").searchParams}`,
  );
  assert.equal(details.status, 401);
});

dbTest("/jd_resume/current answers null for documents not uploaded yet", async () => {
  const t = await setupApp();
  const alice = await t.user("alice");
  const empty = await t.request("GET", "/jd_resume/current", { token: alice.token });
  assert.equal(empty.status, 200);
  assert.deepEqual(await empty.json(), { jd: null, resume: null });
  await t.request("POST", "/jd_resume/upload_jd", {
    token: alice.token,
    body: { text: "Backend engineer: TypeScript." },
  });
  const current = await (await t.request("GET", "/jd_resume/current", { token: alice.token }))
    .json();
  assert.equal(current.jd.kind, "text");
  assert.equal(current.resume, null);
  assert.equal((await t.request("GET", "/jd_resume/current")).status, 401);
});
