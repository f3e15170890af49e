// The whole contract over real HTTP, as a front end written for the original
// service would use it.
import assert from "node:assert/strict";
import { dbTest, setupApp, type TestApp } from "./helpers/app.ts";
import { makeDocx, makePdf } from "./fixtures/documents.ts";

const jdLines = [
  "Senior Backend Engineer",
  "We build our APIs in TypeScript on Node.js and store data in PostgreSQL.",
  "Services run on Kubernetes in AWS; experience with Docker and CI/CD is required.",
];
const resumeParagraphs = [
  "Jane Doe - Backend Developer",
  "5 years of experience with TypeScript and PostgreSQL.",
  "Built a payment service handling 2,000 requests per second using Redis and PostgreSQL.",
  "Led the migration of 12 services to Docker.",
];

function serve(t: TestApp) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, t.app.fetch);
  return { base: `http://127.0.0.1:${server.addr.port}`, server };
}

dbTest("a client of the original contract runs a whole interview over HTTP", async () => {
  const t = await setupApp();
  const { base, server } = serve(t);
  try {
    const call = async (
      method: string,
      path: string,
      token?: string,
      body?: BodyInit,
      type?: string,
    ) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (type) headers["content-type"] = type;
      const response = await fetch(base + path, { method, headers, body });
      return { status: response.status, body: await response.json() };
    };
    const json = (value: unknown) => JSON.stringify(value);

    const signup = await call(
      "POST",
      "/auth/signup",
      undefined,
      json({ username: "jane", password: "jane-password-1", user_type: "candidate" }),
      "application/json",
    );
    assert.equal(signup.status, 201);
    const login = await call(
      "POST",
      "/auth/login",
      undefined,
      json({ username: "jane", password: "jane-password-1" }),
      "application/json",
    );
    assert.equal(login.status, 200);
    const token = login.body.access_token;

    const jdForm = new FormData();
    jdForm.append(
      "file",
      new File([makePdf(jdLines).slice()], "job.pdf", { type: "application/pdf" }),
    );
    const jd = await call("POST", "/jd_resume/upload_jd", token, jdForm);
    assert.equal(jd.status, 201);
    assert.equal(jd.body.kind, "pdf");
    const resumeForm = new FormData();
    const docx = await makeDocx(resumeParagraphs);
    resumeForm.append(
      "file",
      new File([docx.slice()], "cv.docx", { type: "application/octet-stream" }),
    );
    const resume = await call("POST", "/jd_resume/upload_resume", token, resumeForm);
    assert.equal(resume.status, 201);
    assert.equal(resume.body.kind, "docx");

    const started = await call(
      "POST",
      "/interview/start_interview",
      token,
      json({ interview_name: "Backend", question_count: 4 }),
      "application/json",
    );
    assert.equal(started.status, 201);
    const { interview_id, questions } = started.body;
    assert.equal(questions.length, 4);
    const jdText = jdLines.join(" ").toLowerCase();
    const resumeText = resumeParagraphs.join(" ").toLowerCase();
    const topics: string[] = questions.map((q: { topic: string }) => q.topic.toLowerCase());
    assert.ok(
      topics.some((topic) => jdText.includes(topic) && resumeText.includes(topic)),
      `topics ${topics}`,
    );

    for (const question of questions) {
      const answer = await call(
        "POST",
        "/interview/answer_question",
        token,
        json({
          interview_id,
          question_id: question.question_id,
          answer_text:
            `In my last project I used ${question.topic} in production for 3 years. For example, I designed ` +
            `the schema and measured latency drop from 120 ms to 35 ms after adding indexes and caching.`,
        }),
        "application/json",
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, "ANSWERED");
      assert.ok(answer.body.candidate_score >= 0 && answer.body.candidate_score <= 10);
      assert.match(answer.body.candidate_grade, /^[A-F]$/);
      assert.ok(answer.body.ai_remark.length > 20);
    }

    const summary = await call("GET", "/api/performance/summary", token);
    assert.equal(summary.status, 200);
    assert.equal(summary.body.total, 1);
    assert.equal(summary.body.items[0].status, "completed");
    assert.equal(summary.body.items[0].answered_count, 4);
    const details = await call("GET", `/api/performance/details/${interview_id}`, token);
    assert.equal(details.status, 200);
    assert.equal(details.body.questions.length, 4);

    // Refusals: no token, someone else's interview, wrong role.
    assert.equal((await call("GET", "/api/performance/summary")).status, 401);
    const other = await call(
      "POST",
      "/auth/signup",
      undefined,
      json({ username: "mallory", password: "mallory-password" }),
      "application/json",
    );
    assert.equal(
      (await call("GET", `/api/performance/details/${interview_id}`, other.body.access_token))
        .status,
      404,
    );
    assert.equal(
      (await call("GET", `/interview/${interview_id}`, other.body.access_token)).status,
      404,
    );
    const answerAsOther = await call(
      "POST",
      "/interview/answer_question",
      other.body.access_token,
      json({
        interview_id,
        question_id: 1,
        answer_text: "x",
      }),
      "application/json",
    );
    assert.equal(answerAsOther.status, 404);
  } finally {
    await server.shutdown();
  }
});

dbTest("an upload streamed without Content-Length is cut off at the limit with 413", async () => {
  const t = await setupApp({ MAX_UPLOAD_MB: "1" });
  const { token } = await t.user("streamer");
  const { base, server } = serve(t);
  try {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit: the server must answer before reading it all.
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${base}/jd_resume/upload_resume`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "multipart/form-data; boundary=xyz",
      },
      body,
    });
    assert.equal(response.status, 413);
    assert.match((await response.json()).detail, /larger than/);
    assert.ok(sent < 16 * 1024 * 1024, `server read ${sent} bytes`);
  } finally {
    await server.shutdown();
  }
});

dbTest("integers sent as numeric strings are accepted, as FastAPI does", async () => {
  const t = await setupApp();
  const { token } = await t.user("lax");
  await t.request("POST", "/jd_resume/upload_jd", { token, body: { text: jdLines.join("\n") } });
  const started = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Strings", question_count: "2" },
  });
  assert.equal(started.status, 201);
  const { interview_id, questions } = await started.json();
  assert.equal(questions.length, 2);
  const answered = await t.request("POST", "/interview/answer_question", {
    token,
    body: { interview_id: String(interview_id), question_id: "1", answer_text: "An answer." },
  });
  assert.equal(answered.status, 200);
  const refused = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Strings", question_count: "two" },
  });
  assert.equal(refused.status, 422);
  assert.deepEqual((await refused.json()).detail[0].loc, ["body", "question_count"]);
});
