import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { extractText } from "unpdf";
import { interviews } from "../db/schema.ts";
import { dbTest, setupApp, type TestApp } from "./helpers/app.ts";
import { ORIGINAL_QUESTION_ANSWER_FIELDS } from "./fixtures/contract.ts";

const SUMMARY_ITEM_FIELDS = [
  "answered_count",
  "average_score",
  "created_at",
  "grade",
  "interview_id",
  "interview_name",
  "question_count",
  "status",
  "username",
];

const GRADES = ["A", "B", "C", "D", "F"];

const JD = "Backend engineer. Requirements: TypeScript, PostgreSQL, Kubernetes and Redis. " +
  "You will design REST APIs and mentor junior engineers.";
const RESUME = "Jane Doe, software engineer. Skills: TypeScript, React, PostgreSQL, Docker.\n" +
  "Project: built a billing service in TypeScript on PostgreSQL handling 3 million invoices a month.";

const ANSWERS = [
  "I design PostgreSQL indexes from the slow query log: for example a composite index on " +
  "(customer_id, created_at) cut a report from 4 seconds to 80 ms, and I check plans with EXPLAIN ANALYZE.",
  "I have used it a lot, it is good.",
  "In TypeScript I model states with discriminated unions and strict null checks, which removed a " +
  "class of bugs in our billing service; we went from 12 incidents a quarter to 2.",
  "Not sure.",
];

interface Seeded {
  t: TestApp;
  alice: { id: number; token: string };
  bob: { id: number; token: string };
  interviewer: { id: number; token: string };
  admin: { id: number; token: string };
  /** Alice's interviews, oldest first: completed, partly answered, untouched. */
  completed: number;
  partial: number;
  untouched: number;
  /** Bob's only interview, completed. */
  bobs: number;
  /** Scores of the answered questions per interview id. */
  scores: Map<number, number[]>;
}

async function provideDocuments(t: TestApp, token: string): Promise<void> {
  const jd = await t.request("POST", "/jd_resume/upload_jd", { token, body: { text: JD } });
  assert.equal(jd.status, 201);
  const form = new FormData();
  form.append("file", new File([RESUME], "resume.txt", { type: "text/plain" }));
  const resume = await t.request("POST", "/jd_resume/upload_resume", { token, body: form });
  assert.equal(resume.status, 201);
}

async function startInterview(t: TestApp, token: string, name: string, count: number) {
  const response = await t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: name, question_count: count },
  });
  assert.equal(response.status, 201);
  return (await response.json()).interview_id as number;
}

async function answerQuestions(
  t: TestApp,
  token: string,
  interviewId: number,
  questionIds: number[],
  scores: Map<number, number[]>,
): Promise<void> {
  const list = scores.get(interviewId) ?? [];
  scores.set(interviewId, list);
  for (const questionId of questionIds) {
    const response = await t.request("POST", "/interview/answer_question", {
      token,
      body: {
        interview_id: interviewId,
        question_id: questionId,
        answer_text: ANSWERS[(interviewId + questionId) % ANSWERS.length],
      },
    });
    assert.equal(response.status, 200);
    list.push((await response.json()).candidate_score);
  }
}

async function seed(): Promise<Seeded> {
  const t = await setupApp();
  const alice = await t.user("alice");
  const bob = await t.user("bob");
  const interviewer = await t.user("ivan", "interviewer");
  const admin = await t.user("root", "admin");
  await provideDocuments(t, alice.token);
  await provideDocuments(t, bob.token);
  const scores = new Map<number, number[]>();
  const completed = await startInterview(t, alice.token, "First round", 2);
  await answerQuestions(t, alice.token, completed, [1, 2], scores);
  const bobs = await startInterview(t, bob.token, "Bob's round", 1);
  await answerQuestions(t, bob.token, bobs, [1], scores);
  const partial = await startInterview(t, alice.token, "Second round", 3);
  await answerQuestions(t, alice.token, partial, [2], scores);
  const untouched = await startInterview(t, alice.token, "Third round", 2);
  return { t, alice, bob, interviewer, admin, completed, partial, untouched, bobs, scores };
}

async function summary(t: TestApp, token: string | undefined, query = "") {
  return await t.request("GET", `/api/performance/summary${query}`, { token });
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

// deno-lint-ignore no-explicit-any
type Json = any;

dbTest(
  "a candidate's summary lists only their own interviews, newest first, with stats",
  async () => {
    const s = await seed();
    const response = await summary(s.t, s.alice.token);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ["items", "limit", "offset", "total"]);
    assert.equal(body.total, 3);
    assert.equal(body.limit, 20);
    assert.equal(body.offset, 0);
    assert.deepEqual(
      body.items.map((item: Json) => item.interview_id),
      [s.untouched, s.partial, s.completed],
    );
    const times = body.items.map((item: Json) => Date.parse(item.created_at));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] >= times[i], "newest first");
    for (const item of body.items) {
      assert.deepEqual(Object.keys(item).sort(), SUMMARY_ITEM_FIELDS);
      assert.equal(item.username, "alice");
    }
    const [untouched, partial, completed] = body.items;

    assert.equal(completed.interview_name, "First round");
    assert.equal(completed.status, "completed");
    assert.equal(completed.question_count, 2);
    assert.equal(completed.answered_count, 2);
    const completedScores = s.scores.get(s.completed)!;
    assert.ok(
      Math.abs(completed.average_score - mean(completedScores)) <= 0.05,
      `${completed.average_score} vs ${completedScores}`,
    );
    assert.ok(GRADES.includes(completed.grade), completed.grade);

    assert.equal(partial.interview_name, "Second round");
    assert.equal(partial.status, "in_progress");
    assert.equal(partial.question_count, 3);
    assert.equal(partial.answered_count, 1);
    const partialScore = s.scores.get(s.partial)![0];
    assert.ok(
      Math.abs(partial.average_score - partialScore) <= 0.05,
      `${partial.average_score} vs ${partialScore}`,
    );
    assert.ok(GRADES.includes(partial.grade), partial.grade);

    assert.equal(untouched.status, "in_progress");
    assert.equal(untouched.question_count, 2);
    assert.equal(untouched.answered_count, 0);
    assert.equal(untouched.average_score, null);
    assert.equal(untouched.grade, null);

    // The interview's grade agrees with the answers' grades when they all share one.
    const details = await (await s.t.request("GET", `/api/performance/details/${s.partial}`, {
      token: s.alice.token,
    })).json();
    const answered = details.questions.find((q: Json) => q.status === "ANSWERED");
    assert.equal(partial.grade, answered.candidate_grade);
    assert.equal(partial.average_score, answered.candidate_score);

    const ownCompleted = await (await summary(s.t, s.alice.token, "?status=completed")).json();
    assert.equal(ownCompleted.total, 1);
    assert.deepEqual(ownCompleted.items.map((i: Json) => i.interview_id), [s.completed]);

    const own = await summary(s.t, s.alice.token, "?username=alice");
    assert.equal(own.status, 200);
    assert.equal((await own.json()).total, 3);
    const other = await summary(s.t, s.alice.token, "?username=bob");
    assert.equal(other.status, 403);
    assert.equal(typeof (await other.json()).detail, "string");

    const bobView = await (await summary(s.t, s.bob.token)).json();
    assert.equal(bobView.total, 1);
    assert.equal(bobView.items[0].interview_id, s.bobs);
    assert.equal(bobView.items[0].username, "bob");

    assert.equal((await summary(s.t, undefined)).status, 401);
  },
);

dbTest("the summary pages with limit and offset and validates them", async () => {
  const s = await seed();
  const first = await (await summary(s.t, s.alice.token, "?limit=2")).json();
  assert.equal(first.total, 3);
  assert.equal(first.limit, 2);
  assert.equal(first.offset, 0);
  assert.deepEqual(first.items.map((i: Json) => i.interview_id), [s.untouched, s.partial]);
  const second = await (await summary(s.t, s.alice.token, "?limit=2&offset=2")).json();
  assert.equal(second.total, 3);
  assert.equal(second.offset, 2);
  assert.deepEqual(second.items.map((i: Json) => i.interview_id), [s.completed]);
  const beyond = await (await summary(s.t, s.alice.token, "?offset=10")).json();
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, 3);

  const invalid: [string, string][] = [
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
    ["?limit=abc", "limit"],
    ["?offset=-1", "offset"],
    ["?status=finished", "status"],
  ];
  for (const [query, field] of invalid) {
    const response = await summary(s.t, s.interviewer.token, query);
    assert.equal(response.status, 422, query);
    assert.deepEqual((await response.json()).detail[0].loc, ["query", field], query);
  }
  const max = await summary(s.t, s.alice.token, "?limit=100");
  assert.equal(max.status, 200);
  assert.equal((await max.json()).limit, 100);
});

dbTest("interviewers and admins see everyone's interviews and can filter them", async () => {
  const s = await seed();
  for (const staff of [s.interviewer, s.admin]) {
    const all = await (await summary(s.t, staff.token)).json();
    assert.equal(all.total, 4);
    assert.deepEqual(
      all.items.map((i: Json) => i.interview_id),
      [s.untouched, s.partial, s.bobs, s.completed],
    );
    assert.deepEqual(
      [...new Set(all.items.map((i: Json) => i.username))].sort(),
      ["alice", "bob"],
    );

    const bobs = await (await summary(s.t, staff.token, "?username=bob")).json();
    assert.equal(bobs.total, 1);
    assert.equal(bobs.items[0].interview_id, s.bobs);
    assert.equal(bobs.items[0].status, "completed");
    const bobScore = s.scores.get(s.bobs)![0];
    assert.ok(Math.abs(bobs.items[0].average_score - bobScore) <= 0.05);

    const completed = await (await summary(s.t, staff.token, "?status=completed")).json();
    assert.equal(completed.total, 2);
    assert.deepEqual(completed.items.map((i: Json) => i.interview_id), [s.bobs, s.completed]);
    for (const item of completed.items) assert.equal(item.status, "completed");

    const aliceOpen = await (await summary(
      s.t,
      staff.token,
      "?username=alice&status=in_progress&limit=1",
    )).json();
    assert.equal(aliceOpen.total, 2);
    assert.deepEqual(aliceOpen.items.map((i: Json) => i.interview_id), [s.untouched]);

    const nobody = await (await summary(s.t, staff.token, "?username=nobody")).json();
    assert.equal(nobody.total, 0);
    assert.deepEqual(nobody.items, []);
  }
});

dbTest(
  "details show every original field and hide unanswered reference answers from candidates",
  async () => {
    const s = await seed();
    const response = await s.t.request("GET", `/api/performance/details/${s.partial}`, {
      token: s.alice.token,
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ["interview", "questions"]);
    const interview = body.interview;
    assert.equal(interview.interview_id, s.partial);
    assert.equal(interview.interview_name, "Second round");
    assert.equal(interview.username, "alice");
    assert.equal(interview.user_id, s.alice.id);
    assert.equal(interview.status, "in_progress");
    assert.equal(interview.completed_at, null);
    assert.equal(typeof interview.engine, "string");
    assert.ok(interview.engine.length > 0);
    assert.equal(interview.question_count, 3);
    assert.equal(interview.answered_count, 1);
    assert.ok(!Number.isNaN(Date.parse(interview.created_at)));

    assert.deepEqual(body.questions.map((q: Json) => q.question_id), [1, 2, 3]);
    for (const question of body.questions) {
      for (const field of ORIGINAL_QUESTION_ANSWER_FIELDS) assert.ok(field in question, field);
      assert.equal(question.interview_id, s.partial);
      assert.equal(question.user_id, s.alice.id);
      for (
        const field of [
          "camera_recording_path",
          "screen_recording_path",
          "audio_recording_path",
          "combined_recording_path",
        ]
      ) {
        assert.equal(question[field], null, field);
      }
    }
    const [q1, q2, q3] = body.questions;
    for (const unanswered of [q1, q3]) {
      assert.equal(unanswered.status, "NEW");
      assert.equal(unanswered.ai_answer, null, "hidden from the candidate until answered");
      assert.equal(unanswered.answer_text, null);
      assert.equal(unanswered.ai_remark, null);
      assert.equal(unanswered.candidate_score, null);
      assert.equal(unanswered.candidate_grade, null);
    }
    assert.equal(q2.status, "ANSWERED");
    assert.equal(q2.answer_text, ANSWERS[(s.partial + 2) % ANSWERS.length]);
    assert.equal(typeof q2.ai_answer, "string");
    assert.ok(q2.ai_answer.length > 0);
    assert.equal(q2.candidate_score, s.scores.get(s.partial)![0]);
    assert.ok(GRADES.includes(q2.candidate_grade));
    assert.ok(q2.ai_remark.length > 0);
    assert.equal(interview.average_score, q2.candidate_score);
    assert.equal(interview.grade, q2.candidate_grade);

    const text = JSON.stringify(body);
    assert.ok(
      !text.includes("key_points") && !text.includes("keyPoints"),
      "key points stay private",
    );

    for (const staff of [s.interviewer, s.admin]) {
      const staffView = await (await s.t.request("GET", `/api/performance/details/${s.partial}`, {
        token: staff.token,
      })).json();
      for (const question of staffView.questions) {
        assert.equal(typeof question.ai_answer, "string", "staff see every reference answer");
        assert.ok(question.ai_answer.length > 0);
      }
      assert.equal(staffView.questions[1].ai_answer, q2.ai_answer);
    }

    const done = await (await s.t.request("GET", `/api/performance/details/${s.completed}`, {
      token: s.alice.token,
    })).json();
    assert.equal(done.interview.status, "completed");
    assert.ok(!Number.isNaN(Date.parse(done.interview.completed_at)));
    const doneScores = done.questions.map((q: Json) => q.candidate_score);
    assert.deepEqual(doneScores, s.scores.get(s.completed)!);
    assert.ok(Math.abs(done.interview.average_score - mean(doneScores)) <= 0.05);
    for (const question of done.questions) assert.equal(typeof question.ai_answer, "string");

    const foreign = await s.t.request("GET", `/api/performance/details/${s.partial}`, {
      token: s.bob.token,
    });
    assert.equal(foreign.status, 404);
    const missing = await s.t.request("GET", "/api/performance/details/999999", {
      token: s.alice.token,
    });
    assert.equal(missing.status, 404);
    const bad = await s.t.request("GET", "/api/performance/details/abc", { token: s.alice.token });
    assert.equal(bad.status, 422);
    const anonymous = await s.t.request("GET", `/api/performance/details/${s.partial}`);
    assert.equal(anonymous.status, 401);
  },
);

dbTest("the report PDF shows the interview's own scripts, extracted back intact", async () => {
  const t = await setupApp();
  const anna = await t.user("anna");
  await provideDocuments(t, anna.token);
  const name = "Собеседование – 面接 (Ελληνικά)";
  const id = await startInterview(t, anna.token, name, 2);
  const answers = [
    "Для медленных запросов я использую EXPLAIN ANALYZE и составные индексы.",
    "遅いクエリは実行計画を確認します。我会添加复合索引。Πρώτα κοιτάζω το σχέδιο.",
  ];
  for (const [index, answer] of answers.entries()) {
    const response = await t.request("POST", "/interview/answer_question", {
      token: anna.token,
      body: { interview_id: id, question_id: index + 1, answer_text: answer },
    });
    assert.equal(response.status, 200);
  }
  const path = `/api/performance/details/${id}/report.pdf`;
  assert.equal((await t.request("GET", path, { token: anna.token })).status, 409);

  // The report job does not run in this app: write the report it would write.
  await t.deps.database.db.update(interviews).set({
    report: {
      strengths: ["Ελένη: σαφής εξήγηση του MVCC"],
      gaps: ["没有容量规划"],
      recommendation: "lean_hire",
      summary: "Анна знает индексы.",
      engine: "offline",
    },
  }).where(eq(interviews.id, id));
  const response = await t.request("GET", path, { token: anna.token });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/pdf");
  const { text } = await extractText(new Uint8Array(await response.arrayBuffer()), {
    mergePages: true,
  });
  for (
    const expected of [
      name,
      "anna",
      ...answers,
      "Ελένη: σαφής εξήγηση του MVCC",
      "没有容量规划",
      "Анна знает индексы.",
      "Recommendation",
    ]
  ) assert.ok(text.includes(expected), `${expected} in:\n${text}`);
});
