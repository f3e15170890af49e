import assert from "node:assert/strict";
import { askedPart, readMeaning } from "../ai/answer_meaning.ts";
import { scoreAnswer } from "../ai/answer_scorer.ts";
import { OfflineEngine } from "../ai/offline_engine.ts";
import { EXPERTS, NAIL_SURGERY } from "./fixtures/meaning.ts";
import { OFF_TOPIC_ANSWERS } from "./fixtures/ai_quality/off_topic_answers.ts";
import { UNSEEN_ROLES_6 } from "./fixtures/ai_quality/unseen_roles_6.ts";

const HOLIDAY = "Last weekend I took my kids to the zoo. We watched the penguins being fed, had " +
  "ice cream by the lake and got home just before the rain started.";

const GENERIC = "I'm really passionate about this work and I always give it one hundred percent. " +
  "I work well with the team and I always make sure everything is done properly and on time. " +
  "I follow the procedures and I keep everyone informed.";

Deno.test("an expert's answer in other words is about the question by meaning; a holiday story is not", async () => {
  for (const { question, answer } of EXPERTS) {
    const expert = await readMeaning(question, answer);
    assert.ok(expert.related, `${askedPart(question)}: ${JSON.stringify(expert)}`);
    const holiday = await readMeaning(question, HOLIDAY);
    assert.equal(holiday.related, false, `${askedPart(question)}: ${JSON.stringify(holiday)}`);
    assert.ok(expert.similarity > holiday.similarity);
  }
});

Deno.test("the asked part of a question is its first sentence, quotes and all", () => {
  assert.equal(
    askedPart(EXPERTS[0].question),
    "The role asks you to perform nail surgery under local anaesthetic.",
  );
  assert.equal(
    askedPart('On your resume you wrote: "Cut the close to four days". Walk me through it.'),
    'On your resume you wrote: "Cut the close to four days".',
  );
});

Deno.test("stock claims make up a generic answer, not an expert's", async () => {
  const generic = await readMeaning(EXPERTS[1].question, GENERIC);
  assert.ok(generic.stockShare >= 0.5, JSON.stringify(generic));
  for (const { question, answer } of EXPERTS) {
    const expert = await readMeaning(question, answer);
    assert.ok(expert.stockShare < 0.5, `${answer}: ${expert.stockShare}`);
  }
});

Deno.test("a blank answer means nothing and does not fail the encoder", async () => {
  const blank = await readMeaning(EXPERTS[0].question, "   ");
  assert.equal(blank.related, false);
  assert.equal(blank.stockShare, 0);
});

const OFF_SUBJECT = /does not address the subject/;

Deno.test("meaning puts an answer of substance on its subject when it shares one word of the line", () => {
  const answer = EXPERTS[0].answer; // "nail" only, of the line's words
  const related = {
    similarity: 0.6,
    baseline: 0.3,
    related: true,
    elsewhere: false,
    stockShare: 0,
  };
  assert.match(scoreAnswer(NAIL_SURGERY, answer).remark, OFF_SUBJECT);
  assert.match(
    scoreAnswer(NAIL_SURGERY, answer, { ...related, related: false }).remark,
    OFF_SUBJECT,
  );
  const meant = scoreAnswer(NAIL_SURGERY, answer, related);
  assert.doesNotMatch(meant.remark, OFF_SUBJECT, meant.remark);
  assert.ok(meant.score > scoreAnswer(NAIL_SURGERY, answer).score, meant.remark);
  // Meaning alone is not enough: not one word of the line, or no substance.
  const noWord = answer.replace("of the nail plate", "of the plate");
  assert.match(scoreAnswer(NAIL_SURGERY, noWord, related).remark, OFF_SUBJECT);
  const noSubstance = "Nail work is something I enjoy and I am good with patients.";
  assert.ok(scoreAnswer(NAIL_SURGERY, noSubstance, related).score <= 3);
});

Deno.test("stock claims take away the substance of actions, not of numbers", () => {
  const claims =
    "I did nail surgery under local anaesthetic at the practice. I followed the procedures, " +
    "I kept the room clean and I made sure every patient was comfortable and happy.";
  const stock = {
    similarity: 0.5,
    baseline: 0.3,
    related: true,
    elsewhere: false,
    stockShare: 0.8,
  };
  const asActions = scoreAnswer(NAIL_SURGERY, claims, { ...stock, stockShare: 0 });
  const asClaims = scoreAnswer(NAIL_SURGERY, claims, stock);
  assert.match(asClaims.remark, /claims any candidate could make/, asClaims.remark);
  assert.ok(
    asClaims.score <= 3 && asClaims.score < asActions.score,
    `${asClaims.score} ${asActions.score}`,
  );
  // Claims say less than a general account of the work, which is capped higher.
  assert.ok(asClaims.score <= 2, asClaims.remark);
  const general = "Nail surgery under local anaesthetic is done in a clean room at the practice. " +
    "The toe is numbed first, the side of the nail is removed and the wound is dressed afterwards.";
  const asGeneral = scoreAnswer(NAIL_SURGERY, general, { ...stock, stockShare: 0 });
  assert.match(asGeneral.remark, /stays general: no example/, asGeneral.remark);
  assert.ok(asGeneral.score > asClaims.score, `${asGeneral.score} ${asClaims.score}`);
  const counted = claims + " Last year I did 140 of them and two needed a second procedure.";
  assert.doesNotMatch(scoreAnswer(NAIL_SURGERY, counted, stock).remark, /stays general/);
});

Deno.test("the offline engine still scores when the sentence encoder fails", async () => {
  const failing = new OfflineEngine({ readMeaning: () => Promise.reject(new Error("no model")) });
  const evaluation = await failing.evaluateAnswer(NAIL_SURGERY, EXPERTS[0].answer);
  assert.deepEqual(
    { score: evaluation.score, remark: evaluation.remark },
    {
      score: scoreAnswer(NAIL_SURGERY, EXPERTS[0].answer).score,
      remark: scoreAnswer(NAIL_SURGERY, EXPERTS[0].answer).remark,
    },
  );
});

Deno.test("two words shared by chance do not put an answer about something else on the subject", async () => {
  // A question of the corpus whose line shares "take" and "train" with the Japan trip.
  const firefighter = UNSEEN_ROLES_6.find((role) => role.id === "career-firefighter")!;
  const questions = await new OfflineEngine().planQuestions({
    jdText: firefighter.jd,
    resumeText: firefighter.resume,
    count: 5,
  });
  const drills = questions.find((q) => q.text.includes("training and drills"))!;
  const trip = OFF_TOPIC_ANSWERS.find((answer) => answer.includes("bullet train"))!;
  assert.doesNotMatch(scoreAnswer(drills, trip).remark, OFF_SUBJECT); // words alone
  const meaning = await readMeaning(drills.text, trip);
  assert.ok(meaning.elsewhere, JSON.stringify(meaning));
  const graded = scoreAnswer(drills, trip, meaning);
  assert.match(graded.remark, OFF_SUBJECT, graded.remark);
  assert.equal(graded.grade, "F");
  // The expert's answer about that line is not read as elsewhere, and the trade's words it
  // names would outweigh such a reading.
  const expert = firefighter.dutyAnswers!.find((d) => d.about.includes("training and drills"))!;
  const expertMeaning = await readMeaning(drills.text, expert.answer);
  assert.equal(expertMeaning.elsewhere, false, JSON.stringify(expertMeaning));
  const stray = scoreAnswer(drills, expert.answer, { ...expertMeaning, elsewhere: true });
  assert.doesNotMatch(stray.remark, OFF_SUBJECT, stray.remark);
});
