import assert from "node:assert/strict";
import { dbTest, recordEvaluationOwners, setupApp, type TestApp } from "./helpers/app.ts";
import { makeDocx, makePdf } from "./fixtures/documents.ts";
import { ORIGINAL_QUESTION_ANSWER_FIELDS } from "./fixtures/contract.ts";

const JD_LINES = [
  "Senior Backend Engineer - Acme Data Platform",
  "We are hiring an engineer to build and run our event processing platform.",
  "Requirements:",
  "- Five years of experience building services in TypeScript and Node.js",
  "- Strong PostgreSQL skills: schema design, indexing and query tuning",
  "- Kubernetes and Docker for deploying and operating services in production",
  "- Redis caching and REST API design",
  "Responsibilities: own the ingestion pipeline and mentor junior engineers.",
];

const RESUME_PARAGRAPHS = [
  "Jane Doe - Software Engineer",
  "Skills: TypeScript, React, PostgreSQL, Node.js, GraphQL",
  "Software Engineer at Globex, 2019 to 2024",
  "Built a real-time analytics dashboard in React and TypeScript used by 2000 customers.",
  "Project: Payment Reconciliation Service - designed the PostgreSQL schema and cut reconciliation from six hours to twenty minutes.",
];

const GRADES = ["A", "B", "C", "D", "F"];

interface Question {
  id: number;
  question_id: number;
  question_text: string;
  status: string;
  topic: string;
  question_kind: string;
}

function fileForm(data: Uint8Array, filename: string): FormData {
  const form = new FormData();
  form.append("file", new File([data.slice()], filename));
  return form;
}

async function uploadDocuments(t: TestApp, token: string): Promise<void> {
  const jd = await t.request("POST", "/jd_resume/upload_jd", {
    token,
    body: fileForm(makePdf(JD_LINES), "jd.pdf"),
  });
  assert.equal(jd.status, 201);
  const resume = await t.request("POST", "/jd_resume/upload_resume", {
    token,
    body: fileForm(await makeDocx(RESUME_PARAGRAPHS), "resume.docx"),
  });
  assert.equal(resume.status, 201);
}

async function start(
  t: TestApp,
  token: string,
  body: Record<string, unknown> = { interview_name: "Backend round" },
): Promise<{ interview_id: number; status: string; questions: Question[] }> {
  const response = await t.request("POST", "/interview/start_interview", { token, body });
  assert.equal(response.status, 201, await response.clone().text());
  return await response.json();
}

function answer(t: TestApp, token: string, interviewId: number, questionId: number, text: string) {
  return t.request("POST", "/interview/answer_question", {
    token,
    body: { interview_id: interviewId, question_id: questionId, answer_text: text },
  });
}

/** A strong answer: the model answer in the candidate's words, with numbers and an example. */
function strongAnswer(topic: string, reference: string): string {
  return `${reference} For example, at Globex I applied ${topic} to our payment reconciliation ` +
    `service: I measured the baseline first, changed one thing at a time and cut the p95 latency ` +
    `from 800 ms to 120 ms for 2 million requests a day. The trade-off was extra complexity, so I ` +
    `documented it, added monitoring and alerts, and wrote tests to keep the result.`;
}

const VAGUE_ANSWER = "I have used it a lot, it is good.";

dbTest("start_interview needs a JD or a resume first", async () => {
  const t = await setupApp();
  const kim = await t.user("kim");
  const response = await t.request("POST", "/interview/start_interview", {
    token: kim.token,
    body: { interview_name: "Too early" },
  });
  assert.equal(response.status, 409);
  assert.match((await response.json()).detail, /upload/i);
  const none = await t.request("GET", "/api/performance/summary", { token: kim.token });
  assert.equal((await none.json()).total, 0, "no interview was created");

  const jd = await t.request("POST", "/jd_resume/upload_jd", {
    token: kim.token,
    body: { text: "Backend engineer: Go, PostgreSQL and Kubernetes. Mentoring juniors." },
  });
  assert.equal(jd.status, 201);
  const interview = await start(t, kim.token, { interview_name: "JD only", question_count: 3 });
  assert.equal(interview.questions.length, 3);
});

dbTest(
  "start_interview plans distinct, numbered questions grounded in the JD and resume",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    await uploadDocuments(t, jane.token);

    const response = await t.request("POST", "/interview/start_interview", {
      token: jane.token,
      body: { interview_name: "  Backend round  " },
    });
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.equal(typeof body.interview_id, "number");
    assert.equal(body.interview_name, "Backend round");
    assert.equal(body.status, "in_progress");
    assert.ok(!Number.isNaN(Date.parse(body.created_at)));
    assert.equal(body.questions.length, 5, "five questions by default");
    const ids = new Set<number>();
    for (const [index, question] of (body.questions as Question[]).entries()) {
      assert.deepEqual(
        Object.keys(question).sort(),
        ["id", "question_id", "question_kind", "question_text", "status", "topic"],
      );
      assert.equal(question.question_id, index + 1);
      assert.equal(question.status, "NEW");
      assert.equal(typeof question.id, "number");
      ids.add(question.id);
      assert.ok(question.question_text.trim().length > 10, question.question_text);
      assert.ok(question.topic.trim().length > 0);
      assert.ok(
        ["technical", "experience", "project", "behavioral"].includes(question.question_kind),
        question.question_kind,
      );
    }
    assert.equal(ids.size, 5);
    const texts = (body.questions as Question[]).map((q) => q.question_text);
    assert.equal(new Set(texts).size, texts.length, "question texts are distinct");

    const jdText = JD_LINES.join("\n").toLowerCase();
    const resumeText = RESUME_PARAGRAPHS.join("\n").toLowerCase();
    const topics = (body.questions as Question[]).map((q) => q.topic.toLowerCase());
    const grounded = topics.filter((topic) => jdText.includes(topic) || resumeText.includes(topic));
    assert.ok(grounded.length >= 3, `topics from the documents: ${topics.join(", ")}`);
    const shared = topics.filter((topic) => jdText.includes(topic) && resumeText.includes(topic));
    assert.ok(shared.length >= 1, `topics from both documents: ${topics.join(", ")}`);
    for (const absent of ["java", "kotlin", "swift", "angular"]) {
      assert.ok(!topics.includes(absent), `${absent} is in neither document`);
    }

    for (const count of [1, 20]) {
      const sized = await start(t, jane.token, {
        interview_name: `Count ${count}`,
        question_count: count,
      });
      assert.equal(sized.questions.length, count);
      assert.deepEqual(
        sized.questions.map((q) => q.question_id),
        Array.from({ length: count }, (_, i) => i + 1),
      );
      assert.equal(new Set(sized.questions.map((q) => q.question_text)).size, count);
    }

    const stored = await t.request("GET", `/interview/${body.interview_id}`, { token: jane.token });
    assert.equal(stored.status, 200);
    assert.deepEqual(await stored.json(), body);
  },
);

dbTest("start_interview validates its body and is for candidates only", async () => {
  const t = await setupApp();
  const lee = await t.user("lee");
  const interviewer = await t.user("ivan", "interviewer");
  const admin = await t.user("root", "admin");
  await t.request("POST", "/jd_resume/upload_jd", {
    token: lee.token,
    body: { text: "Backend engineer: TypeScript and PostgreSQL." },
  });
  const invalid: [Record<string, unknown>, string, string?][] = [
    [{ interview_name: "x", question_count: 0 }, "question_count", "greater_than_equal"],
    [{ interview_name: "x", question_count: 21 }, "question_count", "less_than_equal"],
    [{ interview_name: "x", question_count: "abc" }, "question_count"],
    [{ interview_name: "x", question_count: 2.5 }, "question_count"],
    [{ question_count: 3 }, "interview_name", "missing"],
    [{ interview_name: "   " }, "interview_name"],
  ];
  for (const [body, field, type] of invalid) {
    const response = await t.request("POST", "/interview/start_interview", {
      token: lee.token,
      body,
    });
    assert.equal(response.status, 422, JSON.stringify(body));
    const { detail } = await response.json();
    const issue = detail.find((d: { loc: string[] }) => d.loc.join(".") === `body.${field}`);
    assert.ok(issue, `${JSON.stringify(body)}: ${JSON.stringify(detail)}`);
    if (type) assert.equal(issue.type, type, JSON.stringify(body));
  }
  const none = await t.request("GET", "/api/performance/summary", { token: lee.token });
  assert.equal((await none.json()).total, 0, "invalid requests create nothing");

  const interview = await start(t, lee.token, { interview_name: "Lee", question_count: 1 });
  for (const staff of [interviewer, admin]) {
    const started = await t.request("POST", "/interview/start_interview", {
      token: staff.token,
      body: { interview_name: "Not mine" },
    });
    assert.equal(started.status, 403);
    const answered = await answer(t, staff.token, interview.interview_id, 1, "An answer");
    assert.equal(answered.status, 403);
  }
  assert.equal(
    (await t.request("POST", "/interview/start_interview", { body: { interview_name: "x" } }))
      .status,
    401,
  );
  const still = await (await t.request("GET", `/interview/${interview.interview_id}`, {
    token: lee.token,
  })).json();
  assert.equal(still.questions[0].status, "NEW", "staff could not answer for the candidate");
});

dbTest(
  "answer_question stores and evaluates the answer and returns every original field",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    await uploadDocuments(t, jane.token);
    const interview = await start(t, jane.token, { interview_name: "Round", question_count: 3 });
    const question = interview.questions[0];

    const response = await answer(
      t,
      jane.token,
      interview.interview_id,
      1,
      strongAnswer(question.topic, `I have worked with ${question.topic} for five years.`),
    );
    assert.equal(response.status, 200);
    const body = await response.json();
    for (const field of ORIGINAL_QUESTION_ANSWER_FIELDS) assert.ok(field in body, field);
    assert.equal(body.id, question.id);
    assert.equal(body.user_id, jane.id);
    assert.equal(body.interview_id, interview.interview_id);
    assert.equal(body.question_id, 1);
    assert.equal(body.question_text, question.question_text);
    assert.equal(body.status, "ANSWERED");
    assert.match(body.answer_text, /five years/);
    for (
      const field of [
        "camera_recording_path",
        "screen_recording_path",
        "audio_recording_path",
        "combined_recording_path",
      ]
    ) {
      assert.equal(body[field], null, field);
    }
    assert.equal(typeof body.ai_answer, "string");
    assert.ok(body.ai_answer.trim().length > 0, "the reference answer is shown once answered");
    assert.equal(typeof body.ai_remark, "string");
    assert.ok(body.ai_remark.trim().length > 0);
    assert.equal(typeof body.candidate_score, "number");
    assert.ok(
      body.candidate_score >= 0 && body.candidate_score <= 10,
      String(body.candidate_score),
    );
    assert.ok(GRADES.includes(body.candidate_grade), body.candidate_grade);
    assert.ok(!Number.isNaN(Date.parse(body.answered_at)));

    const again = await answer(t, jane.token, interview.interview_id, 1, "A second try");
    assert.equal(again.status, 409);
    assert.match((await again.json()).detail, /already answered/);

    const unknown = await answer(t, jane.token, interview.interview_id, 99, "Answer");
    assert.equal(unknown.status, 404);
    const noInterview = await answer(t, jane.token, 999_999, 1, "Answer");
    assert.equal(noInterview.status, 404);

    for (const text of ["", "   \n"]) {
      const empty = await answer(t, jane.token, interview.interview_id, 2, text);
      assert.equal(empty.status, 422, JSON.stringify(text));
      assert.deepEqual((await empty.json()).detail[0].loc, ["body", "answer_text"]);
    }
    const missing = await t.request("POST", "/interview/answer_question", {
      token: jane.token,
      body: { interview_id: interview.interview_id, question_id: 2 },
    });
    assert.equal(missing.status, 422);
    const badIds = await t.request("POST", "/interview/answer_question", {
      token: jane.token,
      body: { interview_id: "abc", question_id: 0, answer_text: "x" },
    });
    assert.equal(badIds.status, 422);
    const locs = (await badIds.json()).detail.map((d: { loc: string[] }) => d.loc.join("."));
    assert.ok(locs.includes("body.interview_id") && locs.includes("body.question_id"), locs.join());

    const stored = await (await t.request("GET", `/interview/${interview.interview_id}`, {
      token: jane.token,
    })).json();
    assert.deepEqual(stored.questions.map((q: Question) => q.status), ["ANSWERED", "NEW", "NEW"]);
    assert.equal(stored.status, "in_progress");
  },
);

dbTest("a strong, specific answer scores clearly higher than a vague one", async () => {
  const t = await setupApp();
  const jane = await t.user("jane");
  const interviewer = await t.user("ivan", "interviewer");
  await uploadDocuments(t, jane.token);
  // Same documents, same plan: question n of both interviews is the same question.
  const strongRound = await start(t, jane.token, { interview_name: "Strong", question_count: 3 });
  const vagueRound = await start(t, jane.token, { interview_name: "Vague", question_count: 3 });
  assert.deepEqual(
    strongRound.questions.map((q) => q.question_text),
    vagueRound.questions.map((q) => q.question_text),
  );
  // Candidates never see the reference answers before answering; an interviewer does.
  const details =
    await (await t.request("GET", `/api/performance/details/${strongRound.interview_id}`, {
      token: interviewer.token,
    })).json();
  for (const question of details.questions) {
    assert.equal(typeof question.ai_answer, "string");
    const strong = await (await answer(
      t,
      jane.token,
      strongRound.interview_id,
      question.question_id,
      strongAnswer(question.topic, question.ai_answer),
    )).json();
    const vague = await (await answer(
      t,
      jane.token,
      vagueRound.interview_id,
      question.question_id,
      VAGUE_ANSWER,
    )).json();
    const label =
      `${question.question_text}: strong ${strong.candidate_score}, vague ${vague.candidate_score}`;
    assert.ok(strong.candidate_score >= vague.candidate_score + 3, label);
    assert.ok(strong.candidate_score >= 6, label);
    assert.ok(vague.candidate_score <= 4, label);
    assert.ok(
      GRADES.indexOf(strong.candidate_grade) < GRADES.indexOf(vague.candidate_grade),
      `${strong.candidate_grade} vs ${vague.candidate_grade}`,
    );
    assert.notEqual(strong.ai_remark, vague.ai_remark);
  }
});

dbTest(
  "answering every question completes the interview, which then takes no answers",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    await uploadDocuments(t, jane.token);
    const interview = await start(t, jane.token, { interview_name: "Short", question_count: 2 });
    const url = `/interview/${interview.interview_id}`;

    assert.equal(
      (await answer(t, jane.token, interview.interview_id, 2, "Second first")).status,
      200,
    );
    assert.equal(
      (await (await t.request("GET", url, { token: jane.token })).json()).status,
      "in_progress",
    );
    assert.equal(
      (await answer(t, jane.token, interview.interview_id, 1, "Then the first")).status,
      200,
    );
    const done = await (await t.request("GET", url, { token: jane.token })).json();
    assert.equal(done.status, "completed");
    assert.deepEqual(done.questions.map((q: Question) => q.status), ["ANSWERED", "ANSWERED"]);
    for (const questionId of [1, 2]) {
      const late = await answer(
        t,
        jane.token,
        interview.interview_id,
        questionId,
        "One more thing",
      );
      assert.equal(late.status, 409);
    }
    const details =
      await (await t.request("GET", `/api/performance/details/${interview.interview_id}`, {
        token: jane.token,
      })).json();
    assert.deepEqual(
      details.questions.map((q: { answer_text: string }) => q.answer_text),
      ["Then the first", "Second first"],
      "a refused answer does not overwrite the stored one",
    );
  },
);

dbTest(
  "concurrent answers: one wins per question, and the last ones complete the interview",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    await t.request("POST", "/jd_resume/upload_jd", {
      token: jane.token,
      body: { text: "Backend engineer: TypeScript, PostgreSQL, Kubernetes and Redis." },
    });
    const race = await start(t, jane.token, { interview_name: "Race", question_count: 1 });
    const statuses = await Promise.all(
      ["First answer", "Second answer", "Third answer"].map(async (text) =>
        (await answer(t, jane.token, race.interview_id, 1, text)).status
      ),
    );
    assert.deepEqual(statuses.sort(), [200, 409, 409]);

    for (let round = 0; round < 5; round++) {
      const interview = await start(t, jane.token, {
        interview_name: `Parallel ${round}`,
        question_count: 3,
      });
      const results = await Promise.all(
        [1, 2, 3].map(async (questionId) =>
          (await answer(t, jane.token, interview.interview_id, questionId, `Answer ${questionId}`))
            .status
        ),
      );
      assert.deepEqual(results, [200, 200, 200]);
      const done = await (await t.request("GET", `/interview/${interview.interview_id}`, {
        token: jane.token,
      })).json();
      assert.deepEqual(done.questions.map((q: Question) => q.status), [
        "ANSWERED",
        "ANSWERED",
        "ANSWERED",
      ]);
      assert.equal(done.status, "completed", `round ${round}: every question is answered`);
    }
  },
);

dbTest(
  "interviews are visible to their candidate and to staff, and hidden from other candidates",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    const mallory = await t.user("mallory");
    const interviewer = await t.user("ivan", "interviewer");
    const admin = await t.user("root", "admin");
    await t.request("POST", "/jd_resume/upload_jd", {
      token: jane.token,
      body: { text: "Backend engineer: TypeScript, PostgreSQL and Kubernetes." },
    });
    const interview = await start(t, jane.token, { interview_name: "Private", question_count: 2 });
    const url = `/interview/${interview.interview_id}`;

    for (const viewer of [jane, interviewer, admin]) {
      const response = await t.request("GET", url, { token: viewer.token });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.interview_id, interview.interview_id);
      assert.equal(body.interview_name, "Private");
      assert.equal(body.questions.length, 2);
    }
    const foreign = await t.request("GET", url, { token: mallory.token });
    assert.equal(foreign.status, 404, "another candidate's interview looks missing");
    const missing = await t.request("GET", "/interview/999999", { token: mallory.token });
    assert.equal(missing.status, 404);
    assert.deepEqual(await foreign.json(), {
      detail: `Interview ${interview.interview_id} not found.`,
    });

    const foreignAnswer = await answer(
      t,
      mallory.token,
      interview.interview_id,
      1,
      "Sneaky answer",
    );
    assert.equal(foreignAnswer.status, 404);
    const untouched = await (await t.request("GET", url, { token: jane.token })).json();
    assert.equal(untouched.questions[0].status, "NEW");

    for (const bad of ["abc", "0", "-1", "1.5"]) {
      const response = await t.request("GET", `/interview/${bad}`, { token: jane.token });
      assert.equal(response.status, 422, bad);
      assert.deepEqual((await response.json()).detail[0].loc, ["path", "interview_id"]);
    }
    assert.equal((await t.request("GET", url)).status, 401);
  },
);

dbTest(
  "an answer is evaluated on behalf of its owner, so shared AI resources are shared fairly",
  async () => {
    const t = await setupApp();
    const jane = await t.user("jane");
    await uploadDocuments(t, jane.token);
    const owners = recordEvaluationOwners(t.deps.engine);
    const interview = await start(t, jane.token);
    const response = await answer(t, jane.token, interview.interview_id, 1, VAGUE_ANSWER);
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(owners, [`user ${jane.id}`]);
  },
);
