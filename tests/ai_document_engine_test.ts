import assert from "node:assert/strict";
import type { PlannedQuestion } from "../ai/engine.ts";
import {
  documentTerms,
  extractAchievements,
  extractDuties,
  type JdDuty,
  roleVocabulary,
} from "../ai/document_phrases.ts";
import { analyzeWords, retagCompoundNouns } from "../ai/nlp.ts";
import { dutyQuestion as buildDutyQuestion } from "../ai/document_questions.ts";
import { REASON_POINT, RESULT_POINT, VOCABULARY_POINT } from "../ai/question_templates.ts";
import { OfflineEngine } from "../ai/offline_engine.ts";
import { scoreAnswer } from "../ai/answer_scorer.ts";
import {
  evaluateCorpus,
  leakedTerms,
  matchDutyAnswer,
  PARTS,
  partsFromArgs,
} from "../bench/eval_ai.ts";
import { OFF_TOPIC_ANSWERS } from "./fixtures/ai_quality/off_topic_answers.ts";
import type { DutyAnswer, QualityRole } from "./fixtures/ai_quality/role.ts";
import { FRESH_ROLES } from "./fixtures/ai_quality/fresh_roles.ts";
import { HELD_OUT_ROLES } from "./fixtures/ai_quality/held_out_roles.ts";
import { TUNING_ROLES } from "./fixtures/ai_quality/tuning_roles.ts";

const engine = new OfflineEngine();

function role(id: string): QualityRole {
  const found = TUNING_ROLES.find((r) => r.id === id);
  assert.ok(found, id);
  return found;
}

function plan(r: QualityRole, count = 5): Promise<PlannedQuestion[]> {
  return engine.planQuestions({ jdText: r.jd, resumeText: r.resume, count });
}

// ---------------------------------------------------------------- phrases

Deno.test("duties come from the JD's own lines, with their key phrase, in any trade", () => {
  const cases: [string, string, RegExp][] = [
    ["clinical-pharmacist", "medication reconciliation", /^perform medication reconciliation/],
    ["civil-engineer", "ADA site accessibility", /^ensure ADA site accessibility/],
    ["chef", "food cost and waste", /^control food cost and waste/],
    ["paralegal", "pleadings, motions, subpoenas and correspondence", /^draft pleadings/],
  ];
  for (const [id, focus, quote] of cases) {
    const r = role(id);
    const duty = extractDuties(r.jd, r.resume).find((d) => d.focus === focus);
    assert.ok(duty, `${id}: no duty about "${focus}"`);
    assert.match(duty.quote, quote);
    assert.ok(duty.isAction);
  }
});

Deno.test("duties the resume shares rank first; titles and company intros are not duties", () => {
  const r = role("clinical-pharmacist");
  const duties = extractDuties(r.jd, r.resume);
  assert.equal(duties[0].focus, "medication reconciliation");
  assert.ok(duties[0].shared.length >= 2);
  for (const duty of duties) {
    assert.doesNotMatch(duty.quote, /Clinical Pharmacist — Acute|^we are hiring/i);
  }
  const requirements = duties.find((d) => /drug interactions/.test(d.quote));
  assert.ok(requirements, "requirement lines are kept");
  assert.ok(!duties.some((d) => /PharmD/.test(d.quote)), "a credential line is not a duty");
  assert.ok(requirements.rank < duties[0].rank, "requirements rank below duties");
});

/** JDs of several trades with credential, employer and benefit lines around their duties. */
const ELECTRICIAN_JD = `Electrician – Commercial
Brightline Electrical is a family-run contractor with 40 engineers across the Midlands.
Essential duties
- Install, test and maintain wiring, lighting and distribution boards in commercial buildings.
- Fault-find on three-phase circuits and repair faulty equipment.
- Manages the weekly job schedule with the site supervisor.
Qualifications
- Valid electrical licence, or ability to obtain within six months of hire.
- NVQ Level 3 qualification and an ECS card.
- At least three years as an electrician on commercial sites.
- 3+ years maintaining fire alarm and emergency lighting systems.
What we offer
- Competitive salary and company pension.
- 25 days' holiday plus bank holidays.
- A company van and fuel card.`;

const NURSE_JD = `Staff Nurse – Surgical Ward
Harlow & Co. runs 12 private hospitals across the UK. Our surgical ward has 28 beds.
Responsibilities:
- Assess and monitor post-operative patients and escalate deterioration using NEWS2.
- Administer medicines and maintain accurate fluid balance charts.
- Our ward is rated outstanding by the regulator.
Requirements:
- NMC registration and a nursing degree.
- Enhanced DBS clearance.
Benefits: NHS pension, 27 days' annual leave and a salary of 35,000.`;

const DESIGNER_JD = `Interior Designer
Studio Marlow is a 25-person interior design practice delivering office fit-outs across the UK.
We work with developers and occupiers.
Responsibilities
- Develop space plans and test fits from client briefs and headcount data.
- Specify finishes, furniture and lighting to budget.
Requirements
- Degree in interior design or interior architecture.
- Professional membership of the BIID.`;

const TEACHER_JD = `Class Teacher, Year 4
Oakfield Learning Trust Ltd. runs nine primary schools across Leeds.
Join our friendly two-form entry primary school.
- Plan and teach engaging lessons across the primary curriculum.
- Assess pupils' progress and report to parents each term.
- Qualified Teacher Status and a PGCE qualification.
- Salary on the main pay scale, with a generous pension.`;

Deno.test("credential lines are not planned as duties, in any trade", async () => {
  const credential =
    /licence|NVQ|at least three years|registration|DBS|degree in|membership|PGCE|qualified teacher/i;
  for (const jd of [ELECTRICIAN_JD, NURSE_JD, DESIGNER_JD, TEACHER_JD]) {
    const duties = extractDuties(jd, "");
    assert.ok(duties.length >= 2, jd.split("\n")[0]);
    for (const duty of duties) assert.doesNotMatch(duty.quote, credential);
    const questions = await engine.planQuestions({ jdText: jd, resumeText: "", count: 5 });
    for (const q of questions) assert.doesNotMatch(q.text, credential, q.text);
  }
  // A length of experience with work in it ("maintaining … systems") is a requirement to ask about.
  assert.ok(extractDuties(ELECTRICIAN_JD, "").some((d) => /^3\+ years maintaining/.test(d.quote)));
});

const ADDRESSED_JD = `Housing Officer
Full time, term time plus two weeks, Grade 6
As a Housing Officer you will look after a patch of about 450 general needs homes.
- You'll coordinate repairs with the maintenance contractor and chase overdue jobs.
- You will be responsible for tenancy sign-ups and settling-in visits.
- You will join a friendly team of twelve officers.
- You'll have two years' experience recovering income in social housing.
- Manage rent arrears from early intervention through to possession proceedings.
Permanent, 37.5 hours per week
Part-time (22.5 hours), fixed-term for 12 months`;

Deno.test("duties addressed to the candidate are asked as duties; the terms of the post are not asked", () => {
  const quotes = extractDuties(ADDRESSED_JD, "").map((d) => d.quote);
  for (
    const duty of [
      "look after a patch of about 450 general needs homes",
      "coordinate repairs with the maintenance contractor and chase overdue jobs",
      "tenancy sign-ups and settling-in visits",
      "manage rent arrears from early intervention through to possession proceedings",
      "two years' experience recovering income in social housing",
    ]
  ) assert.ok(quotes.includes(duty), `${duty} in:\n${quotes.join("\n")}`);
  for (const quote of quotes) {
    assert.doesNotMatch(quote, /\byou(?:'ll| will)\b|full time|permanent|fixed-term|hours/i);
  }
});

Deno.test("a credential line's words still count against the duties that share them", () => {
  // "1+ years of critical care experience" is not asked about, but "care" stays a word two lines
  // use, so the sepsis duty (a term specific to it) still ranks above "document care".
  const r = role("icu-nurse");
  const quotes = extractDuties(r.jd, r.resume).map((d) => d.quote);
  assert.ok(!quotes.some((q) => /critical care experience/.test(q)));
  const sepsis = quotes.findIndex((q) => /sepsis/.test(q));
  const care = quotes.findIndex((q) => /document care/.test(q));
  assert.ok(sepsis >= 0 && sepsis < care, quotes.join("\n"));
});

Deno.test("employer and benefit lines are not duties; the real duties still are", () => {
  const cases: [string, RegExp[], RegExp][] = [
    [
      ELECTRICIAN_JD,
      [/^install, test and maintain wiring/, /^fault-find/],
      /brightline|salary|holiday|van/i,
    ],
    [
      NURSE_JD,
      [/^assess and monitor post-operative/, /^administer medicines/],
      /harlow|runs|ward is|pension|salary/i,
    ],
    [
      DESIGNER_JD,
      [/^develop space plans/, /^specify finishes/],
      /studio marlow|practice deliver|developers/i,
    ],
    [TEACHER_JD, [/^plan and teach/, /^assess pupils/], /oakfield|runs|join|pay scale|pension/i],
  ];
  for (const [jd, kept, dropped] of cases) {
    const quotes = extractDuties(jd, "").map((d) => d.quote);
    for (const duty of kept) assert.ok(quotes.some((q) => duty.test(q)), `${duty} in ${quotes}`);
    for (const quote of quotes) assert.doesNotMatch(quote, dropped);
  }
});

Deno.test("a duty in the third person reads after 'The role asks you to'", async () => {
  const questions = await engine.planQuestions({
    jdText: ELECTRICIAN_JD,
    resumeText: "",
    count: 5,
  });
  const schedule = questions.find((q) => /job schedule/.test(q.text));
  assert.ok(schedule, questions.map((q) => q.text).join("\n"));
  assert.match(schedule.text, /asks you to manage the weekly job schedule/);
});

Deno.test("topics are noun phrases: no participle tail, no word dropped from a name", () => {
  const focus = (line: string) => extractDuties(`Duties:\n- ${line}`, "")[0].focus;
  assert.equal(
    focus(
      "Troubleshoot and rectify defects written up in the aircraft logbook using the fault isolation manual.",
    ),
    "aircraft logbook",
  );
  assert.equal(
    focus("Weld structural steel using MIG and flux-cored processes."),
    "structural steel",
  );
  assert.equal(
    focus("Prepare evidence for Social Work England fitness to practise panels."),
    "Social Work England fitness",
  );
  // A gerund that is the phrase's own noun stays.
  assert.equal(focus("Oversee sterile compounding in line with USP 797."), "sterile compounding");
});

Deno.test("a participle such as 'using' or 'including' ends a topic; what it introduces is not the topic", () => {
  const duty = (line: string) => extractDuties(`Duties:\n- ${line}`, "")[0];
  // Gas engineer, network engineer, dietitian, veterinary nurse.
  assert.equal(duty("Diagnose faults using a flue gas analyser and multimeter.").focus, "faults");
  assert.equal(
    duty("Troubleshoot network incidents using packet captures, logs and monitoring tools.").focus,
    "network incidents",
  );
  assert.doesNotMatch(
    duty("Screen for malnutrition using MUST and prescribe oral supplements.").focus,
    /using/,
  );
  const anaesthesia = duty("Monitor anaesthesia including blood pressure and capnography.");
  assert.equal(anaesthesia.focus, "anesthesia");
  // What the participle introduces still says what the duty involves.
  assert.ok(anaesthesia.subject.includes("capnography"), anaesthesia.subject.join(", "));
});

Deno.test("possessives, hyphenated compounds and participles before a noun stay in the topic", () => {
  const focus = (line: string) => extractDuties(`Duties:\n- ${line}`, "")[0].focus;
  assert.equal(focus("Maintain clients' ledgers in Xero."), "clients' ledgers");
  assert.equal(
    focus("Update the ward's discharge checklist with the matron."),
    "ward's discharge checklist",
  );
  assert.equal(
    focus("Prepare month-end journals, accruals and prepayments."),
    "month-end journals, accruals and prepayments",
  );
  assert.equal(focus("Carry out planned maintenance on passenger lifts."), "planned maintenance");
  assert.equal(
    focus("Prepare and check shipping documents including bills of lading."),
    "shipping documents",
  );
  // An age is not a length of experience: the line stays a duty, about the learning.
  assert.equal(
    focus("Support the four-year-old's early learning and phonics."),
    "early learning and phonics",
  );
});

Deno.test("hyphenated compounds are written as in the document; a measure is not a topic", () => {
  const focus = (line: string) => extractDuties(`Duties:\n- ${line}`, "")[0].focus;
  assert.equal(
    focus("Plan set-ups, staffing and timings for banquets."),
    "set-ups, staffing and timings",
  );
  assert.equal(focus("Manage check-in and check-out for 200 rooms."), "check-in and check-out");
  assert.equal(focus("Run end-to-end recruitment for the unit."), "end-to-end recruitment");
  assert.equal(focus("Lead a 4-person crew on removals."), "crew");
  assert.equal(
    focus("Deliver a 12-week induction programme for new starters."),
    "induction program",
  );
});

Deno.test("verbs listed after the opening verb are verbs, and the approach point names them all", () => {
  const duties = extractDuties(
    "Duties:\n- Plan, cost and order stock for the kitchen.\n" +
      "- Log, triage and verify defects in Jira with clear reproduction steps.",
    "",
  );
  const stock = duties.find((d) => d.quote.startsWith("plan"));
  assert.deepEqual(stock?.verbs, ["plan", "cost", "order"]);
  assert.equal(stock?.focus, "stock");
  const defects = duties.find((d) => d.quote.startsWith("log"));
  assert.deepEqual(defects?.verbs, ["log", "triage", "verify"]);
  assert.equal(defects?.focus, "defects");
  const approach = buildDutyQuestion(defects!, 0).keyPoints.find((p) =>
    p.point.startsWith("says how")
  );
  assert.equal(approach?.point, "says how they log, triage and verify defects");
  // "log" is too short and common to count on its own.
  assert.deepEqual(approach?.keywords, ["triage", "verify"]);
});

Deno.test("a credential's holder ('Gas Safe registered') and an adjectival participle ('enhanced DBS check') are not work", () => {
  const quotes = extractDuties(
    "Duties:\n- Service and repair boilers.\n- Ensure all patients are registered with a GP practice.\n" +
      "- Do school and nursery drop-offs and pick-ups.\n" +
      "Requirements:\n- Gas Safe registered with CCN1 and CENWAT.\n- ACCA qualified or part-qualified.\n" +
      "- Paediatric first aid certificate and enhanced DBS check.",
    "",
  ).map((d) => d.quote);
  assert.ok(!quotes.some((q) => /Gas Safe|ACCA|DBS/.test(q)), quotes.join("\n"));
  // Registering patients is work, and "Do" opens a duty when a thing follows it.
  assert.ok(
    quotes.includes("ensure all patients are registered with a GP practice"),
    quotes.join("\n"),
  );
  assert.ok(quotes.includes("do school and nursery drop-offs and pick-ups"), quotes.join("\n"));
});

Deno.test("achievements start with any action verb, not only software ones", () => {
  const cases: [string, RegExp][] = [
    ["clinical-pharmacist", /^Reconciled medications/],
    ["clinical-pharmacist", /^Taught 12 pharmacy technicians/],
    ["primary-teacher", /^Ran phonics interventions/],
    ["electrician", /^Installed conduit/],
  ];
  for (const [id, quote] of cases) {
    const r = role(id);
    const quotes = extractAchievements(r.resume, r.jd).map((a) => a.quote);
    assert.ok(quotes.some((q) => quote.test(q)), `${id}: ${quote} not in ${quotes.join(" | ")}`);
  }
  const teacher = role("primary-teacher");
  const quotes = extractAchievements(teacher.resume, teacher.jd).map((a) => a.quote);
  assert.ok(!quotes.some((q) => /Oakfield Primary School \(/.test(q)), "employer line skipped");
});

// ---------------------------------------------------------------- planning

Deno.test("non-software roles get questions from their documents and no software vocabulary", async () => {
  for (const id of ["clinical-pharmacist", "civil-engineer", "electrician", "paralegal", "chef"]) {
    const r = role(id);
    const questions = await plan(r);
    assert.equal(questions.length, 5);
    for (const q of questions) {
      assert.deepEqual(leakedTerms(q, `${r.jd}\n${r.resume}`), [], `${id}: ${q.text}`);
      assert.notEqual(q.source, undefined);
    }
    assert.ok(questions.some((q) => q.kind === "behavioral"), `${id} has a behavioural question`);
    assert.ok(questions.some((q) => q.kind === "project"), `${id} asks about an achievement`);
  }
});

Deno.test("a clearly software JD asks its own duties first, the catalog after", async () => {
  const r = role("backend-engineer");
  const duties = extractDuties(r.jd, r.resume).filter((d) => d.rank >= 3);
  const questions = await plan(r, 10);
  // Every duty line the plan quotes comes before the first catalog question.
  const quotesDuty = (q: PlannedQuestion) => duties.some((d) => q.text.includes(d.quote));
  const firstCatalog = questions.findIndex((q) => !quotesDuty(q) && q.kind === "technical");
  assert.ok(firstCatalog > 0, questions.map((q) => q.text).join("\n"));
  assert.ok(
    !questions.slice(firstCatalog).some(quotesDuty),
    questions.map((q) => q.text).join("\n"),
  );
  // The catalog still enriches the plan.
  assert.ok(questions.some((q) => q.topic === "PostgreSQL" || q.topic === "Go"));
});

// ---------------------------------------------------------------- scoring

Deno.test("matching by lemma: 'reconciled' covers 'medication reconciliation'", async () => {
  const [question] = await plan(role("clinical-pharmacist"), 1);
  assert.equal(question.topic, "Medication reconciliation");
  const answer =
    "On the ward I reconciled the home medications of every admitted patient against the admission orders, " +
    "and in one case I found a duplicate anticoagulant and had it stopped, because it risked bleeding.";
  const evaluation = await engine.evaluateAnswer(question, answer);
  assert.ok(evaluation.covered.includes(question.keyPoints[0].point), evaluation.remark);
});

Deno.test("expert answers in the role's own words score A to C", async () => {
  const cases: [string, number][] = [
    ["clinical-pharmacist", 0],
    ["accountant", 1],
    ["warehouse-supervisor", 0],
    ["marketing-manager", 1],
  ];
  for (const [id, index] of cases) {
    const r = role(id);
    const questions = await plan(r, 8);
    const answer = r.strong[index];
    const best = await Promise.all(questions.map((q) => engine.evaluateAnswer(q, answer)));
    const top = best.reduce((a, b) => (b.score > a.score ? b : a));
    assert.ok("ABC".includes(top.grade), `${id}: ${top.score} ${top.remark}`);
  }
});

Deno.test("generic answers score low in every field", async () => {
  const generic =
    "I always work hard with the team and I make sure everything is done properly. I am a people " +
    "person and I think communication is the key to success in any job, so I always give my best.";
  for (const r of TUNING_ROLES) {
    for (const q of await plan(r)) {
      const evaluation = await engine.evaluateAnswer(q, generic);
      assert.ok(evaluation.score <= 3, `${r.id}: ${evaluation.score} for ${q.text}`);
    }
  }
});

Deno.test("an answer about something else is graded F however long it is", async () => {
  const long = OFF_TOPIC_ANSWERS.join(" ");
  for (const id of ["icu-nurse", "hvac-technician", "account-executive", "civil-engineer"]) {
    for (const q of await plan(role(id))) {
      for (const answer of [...OFF_TOPIC_ANSWERS, long]) {
        const evaluation = await engine.evaluateAnswer(q, answer);
        assert.equal(evaluation.grade, "F", `${id}: ${evaluation.remark}`);
      }
    }
  }
});

Deno.test("one shared word of another sense does not lift an off-topic answer", async () => {
  // "I planned each day's distance" shares only "plan" with "talent planning".
  const r = role("hr-business-partner");
  const question = (await plan(r)).find((q) => q.topic.startsWith("Performance reviews"))!;
  const evaluation = await engine.evaluateAnswer(question, OFF_TOPIC_ANSWERS[0]);
  assert.equal(evaluation.grade, "F", evaluation.remark);
  assert.match(evaluation.remark, /does not address the subject/);
});

Deno.test("every off-topic answer is graded F on every planned question of every part", async () => {
  for (const r of [...TUNING_ROLES, ...HELD_OUT_ROLES, ...FRESH_ROLES]) {
    for (const q of await plan(r)) {
      for (const answer of OFF_TOPIC_ANSWERS) {
        const evaluation = await engine.evaluateAnswer(q, answer);
        assert.equal(evaluation.grade, "F", `${r.id}: ${q.topic}: ${evaluation.remark}`);
      }
    }
  }
});

/** A duty question as the planner writes it, with subject, verb, reason and result points. */
function dutyQuestion(subject: string[], verb: string): PlannedQuestion {
  const duty: JdDuty = {
    quote: `${verb} ${subject.join(" and ")}`,
    isAction: true,
    verbs: [verb],
    focus: subject.join(" and "),
    subject,
    context: [],
    terms: [],
    shared: [],
    rank: 0,
    order: 0,
  };
  return buildDutyQuestion(duty, 0);
}

Deno.test("compounds and phrases match across spelling and word order", async () => {
  const question = dutyQuestion(["lockout", "tagout"], "follow");
  const answer =
    "Before I opened the panel I locked out the breaker and hung my own tag on it, then tested " +
    "for voltage with a meter I had proved on a known source, because a neighbouring circuit shared a neutral.";
  const evaluation = await engine.evaluateAnswer(question, answer);
  assert.ok(evaluation.covered.includes("covers lockout and tagout"), evaluation.remark);

  const phrase = dutyQuestion(["crown moulding"], "install");
  const reordered =
    "I fitted the moulding for the crown of a bay window room: I coped every inside joint and " +
    "test-fitted each piece, because coped joints stay closed when the wood moves.";
  const scored = await engine.evaluateAnswer(phrase, reordered);
  assert.ok(scored.covered.includes("covers crown moulding"), scored.remark);
});

Deno.test("reasons and results are recognised by structure, without marker words", async () => {
  const question = dutyQuestion(["custom staircases"], "build");
  const answer =
    "I built a custom oak staircase with 14 treads for a Victorian house. I measured the total rise " +
    "on site and calculated the rise per step to keep it under the code maximum. The building " +
    "inspector passed it first time and the owners have had no squeaks in two years.";
  const evaluation = await engine.evaluateAnswer(question, answer);
  assert.ok(evaluation.covered.includes(REASON_POINT.point), evaluation.remark);
  assert.ok(evaluation.covered.includes(RESULT_POINT.point), evaluation.remark);
  const bare = await engine.evaluateAnswer(
    question,
    "I like building custom staircases. Staircases are my favourite kind of joinery work and I enjoy it.",
  );
  assert.ok(bare.missing.includes(REASON_POINT.point), bare.remark);
  assert.ok(bare.missing.includes(RESULT_POINT.point), bare.remark);
});

Deno.test("the remark names what was covered and what was missing", async () => {
  const r = role("chef");
  const [question] = await plan(r, 1);
  const evaluation = await engine.evaluateAnswer(question, r.strong[2]);
  for (const point of question.keyPoints.map((p) => p.point)) {
    assert.ok(evaluation.remark.includes(point), `remark mentions "${point}"`);
  }
  assert.equal(
    evaluation.covered.length + evaluation.missing.length,
    question.keyPoints.length,
  );
});

/** A duty question that also lists the role's vocabulary, as the planner writes it. */
function dutyQuestionIn(
  jd: string,
  resume: string,
  subject: string[],
  verb: string,
  index = 0,
): PlannedQuestion {
  const duty: JdDuty = {
    quote: `${verb} ${subject.join(" and ")}`,
    isAction: true,
    verbs: [verb],
    focus: subject.join(" and "),
    subject,
    context: [],
    terms: documentTerms(`${verb} ${subject.join(" and ")}`),
    shared: [],
    rank: 0,
    order: 0,
  };
  return buildDutyQuestion(duty, index, roleVocabulary(jd, resume));
}

const OFF_SUBJECT = /does not address the subject/;

/** Three trades: documents, a duty, an expert answer naming one subject word and the trade's things. */
const TRADE_CASES = [
  {
    trade: "electrician",
    jd: "Electrician\n- Install conduit, panels and breakers in commercial buildings.\n" +
      "- Follow lockout and tagout procedures.\n- Troubleshoot circuits with a multimeter.",
    resume: "- Installed conduit and panels for 30 retail fit-outs.\n" +
      "- Traced faults on lighting circuits with an insulation tester.",
    subject: ["lockout", "tagout"],
    verb: "follow",
    answer: "Before I opened the panel I isolated the feed, hung my own lock on the breaker and " +
      "proved the circuit dead with the tester, because the drawings were out of date. The " +
      "tagout sheet was signed before anyone touched a conductor and we finished with no incidents.",
  },
  {
    trade: "chef",
    jd:
      "Sous Chef\n- Develop seasonal menu dishes.\n- Control food cost through portion control.\n" +
      "- Maintain allergen records.",
    resume: "- Costed every plate with supplier prices.\n- Cut food waste by 20% in six months.",
    subject: ["seasonal menu dishes"],
    verb: "develop",
    answer: "For the spring menu I tested a lamb main three times, weighed every element and " +
      "adjusted the portion, then wrote the allergen sheet and costed it at the current supplier " +
      "price so the plate sat at 30 percent food cost.",
  },
  {
    trade: "paralegal",
    jd:
      "Paralegal\n- Manage discovery and privilege logs.\n- Prepare productions with redactions.\n" +
      "- Support attorneys at trial.",
    resume: "- Managed a production of 60,000 documents for a commercial dispute.\n" +
      "- Drafted subpoenas under attorney supervision.",
    subject: ["discovery", "privilege logs"],
    verb: "manage",
    answer: "On every production I do the final check before anything goes out: Bates ranges, " +
      "redactions burned in and every document withheld for privilege listed. Once I caught an " +
      "email family that had been split, fixed it and told the attorney before the deadline.",
  },
];

Deno.test("the role's own vocabulary puts an expert answer in other words on topic, in any trade", async () => {
  for (const { trade, jd, resume, subject, verb, answer } of TRADE_CASES) {
    const question = dutyQuestionIn(jd, resume, subject, verb);
    const evaluation = await engine.evaluateAnswer(question, answer);
    assert.doesNotMatch(evaluation.remark, OFF_SUBJECT, `${trade}: ${evaluation.remark}`);
    assert.ok(evaluation.covered.some((p) => p.startsWith(VOCABULARY_POINT)), evaluation.remark);
    // The same answer to the same question without the role's vocabulary: one shared word only,
    // which by words alone is not enough (meaning may still place it: ai_answer_meaning_test.ts).
    const bare = dutyQuestion(subject, verb);
    assert.match(scoreAnswer(bare, answer).remark, OFF_SUBJECT, `${trade} without vocabulary`);
  }
});

Deno.test("another trade's vocabulary does not put an answer on topic", async () => {
  // Each answer against the other trades' questions: their vocabulary is not its own.
  for (const [i, { jd, resume, subject, verb }] of TRADE_CASES.entries()) {
    const question = dutyQuestionIn(jd, resume, subject, verb);
    for (const other of TRADE_CASES.filter((_, j) => j !== i)) {
      const evaluation = await engine.evaluateAnswer(question, other.answer);
      assert.equal(evaluation.grade, "F", `${other.trade} answer: ${evaluation.remark}`);
    }
    const offTopic = await engine.evaluateAnswer(question, OFF_TOPIC_ANSWERS[0]);
    assert.equal(offTopic.grade, "F", offTopic.remark);
  }
});

Deno.test("a word every duty uses is not enough, even with the role's vocabulary", async () => {
  const jd = "ICU Nurse\n- Monitor patients on mechanical ventilation.\n" +
    "- Titrate vasoactive drips for patients in shock.\n- Educate patients and families.\n" +
    "- Screen patients for sepsis every shift.";
  const resume = "- Cared for two ventilated patients per shift.\n" +
    "- Led sepsis huddles with the charge nurse.";
  const question = dutyQuestionIn(jd, resume, ["patients", "mechanical ventilation"], "monitor");
  // "patients" is in every line; the rest is the role's vocabulary but another duty.
  const otherDuty = "One night shift I had a patient in septic shock. I ran the sepsis screen, " +
    "titrated the drips every 15 minutes and talked the family through each step, and she was " +
    "off pressors in two days.";
  const scored = await engine.evaluateAnswer(question, otherDuty);
  assert.match(scored.remark, OFF_SUBJECT, scored.remark);
  // The line's own word, "ventilation", with the same vocabulary is on topic.
  const onDuty = "One night shift my patient's ventilation pressures jumped, so I checked the " +
    "tube and the drips, called the charge nurse and we had a chest drain in within the hour; " +
    "I briefed the family after.";
  const ok = await engine.evaluateAnswer(question, onDuty);
  assert.doesNotMatch(ok.remark, OFF_SUBJECT, ok.remark);
});

Deno.test("a role's vocabulary: nouns and acronyms of both documents, most used first", () => {
  const words = roleVocabulary(
    "Sous Chef\n- Maintain HACCP records and allergen charts.\n- Control food cost and waste.\n" +
      "- Train commis chefs in food safety.\n- 3+ years of experience.",
    "- Cut food waste by 20% in six months.\n- Ran the pass for 150 covers a night.",
  ).map((v) => v.word);
  assert.equal(words[0], "food");
  for (const word of ["haccp", "allergen", "waste", "commis", "cover"]) {
    assert.ok(words.includes(word), `${word} in ${words.join(", ")}`);
  }
  for (const word of ["month", "year", "experience"]) {
    assert.ok(!words.includes(word), `${word} is not the trade's vocabulary`);
  }
  const nurse = roleVocabulary(
    "- Recognise early signs of sepsis and escalate to the ICU team.",
    "- Led sepsis screening huddles; time to antibiotics fell to 70 minutes.",
  ).map((v) => v.word);
  assert.equal(nurse[0], "sepsis");
  assert.ok(nurse.includes("icu") && nurse.includes("antibiotic"), nurse.join(", "));
  assert.ok(!nurse.includes("minute") && !nurse.includes("time"), nurse.join(", "));
});

Deno.test("a plural noun the tagger reads as a verb is a noun in a document line", () => {
  const pos = (line: string, word: string) =>
    retagCompoundNouns(analyzeWords(line)).find((t) => t.lower === word)?.pos;
  assert.equal(pos("I prepare privilege logs", "logs"), "NOUN");
  assert.equal(
    pos("I communicate with parents through meetings and termly reports", "reports"),
    "NOUN",
  );
  assert.equal(pos("I prepare monthly reporting packs with variance commentary", "packs"), "NOUN");
  // After a pronoun it stays a verb.
  assert.equal(pos("I check the rota and she logs every call", "logs"), "VERB");
  // A participle opening a list item describes the plural after it (round 4).
  const line = "I diagnose and repair leaks, blocked drains and faulty taps";
  assert.equal(pos(line, "blocked"), "ADJ");
  assert.equal(pos(line, "drains"), "NOUN");
  assert.equal(pos("I cleared it and I blocked drains for the night", "drains"), "VERB");
});

Deno.test("a detailed walk-through in the present tense counts as the candidate's own actions", async () => {
  const question = dutyQuestion(["inventory discrepancies"], "resolve");
  const steps = "When a cycle count does not match I check the neighbouring locations first. " +
    "I open the receipts and recent picks for that aisle, because most discrepancies are stock " +
    "in the wrong bay. We recount with a second operative and I adjust the system only when the " +
    "pallet, the label and the scanner history agree.";
  const evaluation = await engine.evaluateAnswer(question, steps);
  assert.match(evaluation.remark, /Specific: [^.]*first-person actions/, evaluation.remark);
  assert.doesNotMatch(evaluation.remark, /stays general/);
  const claims = await engine.evaluateAnswer(
    question,
    "I always try my best with inventory discrepancies and I work hard. I think accuracy matters and I care about it.",
  );
  assert.doesNotMatch(claims.remark, /Specific: [^.]*first-person actions/, claims.remark);
  assert.ok(claims.score <= 3, claims.remark);
});

Deno.test("numbers written as words count as numbers", async () => {
  const question = dutyQuestion(["sourdough"], "bake");
  const words = await engine.evaluateAnswer(
    question,
    "I fed the sourdough starter twice a day for three weeks and baked twelve test loaves.",
  );
  assert.match(words.remark, /Specific: [^.]*numbers/, words.remark);
  const none = await engine.evaluateAnswer(
    question,
    "I fed the sourdough starter every day for weeks and baked some test loaves.",
  );
  assert.doesNotMatch(none.remark, /Specific: [^.]*numbers/, none.remark);
});

// ---------------------------------------------------------------- round 4: generic answers

/**
 * Generic answers from someone in the trade: the role's nouns, a boast of
 * quantity ("hundreds of patients", which the tagger reads as a noun, not a
 * number) and claims in the perfect tense, but no occasion, count or step.
 */
const GENERIC_IN_TRADE: Record<string, string> = {
  "icu-nurse": "I have cared for hundreds of critically ill patients, so I know intensive care " +
    "inside out. I always make sure my patients are safe, I keep a close eye on their " +
    "ventilation, drips and sepsis signs and I work well with the doctors and families.",
  chef: "I have cooked thousands of covers in busy kitchens, so I know how a kitchen should run. " +
    "I always make sure the food is consistent and I keep the brigade motivated, the menu " +
    "fresh, the food cost down and the hygiene standards high.",
  electrician: "I have wired hundreds of buildings over the years, so there is not much I " +
    "haven't seen. I always make sure every circuit, panel and breaker is safe, I follow the " +
    "lockout procedures and I keep the customer happy.",
};

Deno.test("a generic answer in the trade's words scores low; the expert's about the line A to C", async () => {
  for (const [id, generic] of Object.entries(GENERIC_IN_TRADE)) {
    const r = role(id);
    const duties = r.dutyAnswers ?? [];
    let expertAtoC = 0;
    for (const question of await plan(r)) {
      const low = await engine.evaluateAnswer(question, generic);
      assert.ok(low.score <= 3, `${id}: generic ${low.score} for ${question.text}: ${low.remark}`);
      const found = matchDutyAnswer(question, duties);
      if (!found) continue;
      const expert = await engine.evaluateAnswer(question, found.answer.answer);
      if ("ABC".includes(expert.grade) && expert.score >= low.score + 3) expertAtoC++;
    }
    // Round 3 graded the duty answers of these roles A-C on 3 of 5 questions.
    assert.ok(duties.length === 0 || expertAtoC >= 3, `${id}: ${expertAtoC}/5 expert answers A-C`);
  }
});

Deno.test("claims of experience in the perfect or with 'always' are not first-person actions", async () => {
  const question = dutyQuestion(["sepsis screening"], "lead");
  const claims = [
    "I have led sepsis screening on hundreds of shifts and I know the bundle well. The team trusts me with it.",
    "I've always believed sepsis screening is everyone's job and the team knows my standards well.",
  ];
  for (const claim of claims) {
    const evaluation = await engine.evaluateAnswer(question, claim);
    assert.doesNotMatch(
      evaluation.remark,
      /Specific: [^.]*first-person actions/,
      evaluation.remark,
    );
    assert.match(evaluation.remark, /stays general/, evaluation.remark);
  }
  const occasion = await engine.evaluateAnswer(
    question,
    "Last winter I led sepsis screening on the ward: I checked lactate on every febrile patient and we gave antibiotics within the hour.",
  );
  assert.match(occasion.remark, /Specific: [^.]*first-person actions/, occasion.remark);
});

Deno.test("the role's vocabulary does not put a generic answer on topic, in any trade", async () => {
  // Each trade's vocabulary with one word of the line, but no occasion, count or step.
  const cases: [string, string][] = [
    [
      "electrician",
      "I always stick to lockout rules and I make sure every panel, breaker and circuit is safe " +
      "for the customer and the rest of the team on site.",
    ],
    [
      "chef",
      "I always keep the seasonal specials exciting and I make sure the food cost, the portion " +
      "sizes and the allergen records are right for every plate that leaves the pass.",
    ],
    [
      "paralegal",
      "I always keep discovery organised and I make sure every production, redaction and " +
      "request from the attorneys is handled properly and ready before the deadline.",
    ],
  ];
  for (const [trade, answer] of cases) {
    const c = TRADE_CASES.find((t) => t.trade === trade)!;
    const question = dutyQuestionIn(c.jd, c.resume, c.subject, c.verb);
    const evaluation = await engine.evaluateAnswer(question, answer);
    assert.match(evaluation.remark, OFF_SUBJECT, `${trade}: ${evaluation.remark}`);
    assert.ok(!evaluation.covered.some((p) => p.startsWith(VOCABULARY_POINT)), evaluation.remark);
    assert.ok(evaluation.score <= 1.5, evaluation.remark);
  }
});

Deno.test("units of time and a verb of the question's noun do not show its subject", async () => {
  // Sourdough "starter" and "two loaves a week" against weekly timesheets and starters.
  const payroll = dutyQuestion(["weekly timesheets", "starters"], "process");
  const bread = await engine.evaluateAnswer(payroll, OFF_TOPIC_ANSWERS[2]);
  assert.equal(bread.grade, "F", bread.remark);
  assert.match(bread.remark, OFF_SUBJECT, bread.remark);
  // "learning to play the piano", "my left hand still needs work" against training needs.
  const training = dutyQuestion(["training needs", "learning plan"], "analyse");
  const piano = await engine.evaluateAnswer(training, OFF_TOPIC_ANSWERS[3]);
  assert.equal(piano.grade, "F", piano.remark);
  assert.match(piano.remark, OFF_SUBJECT, piano.remark);
  // The same words in the question's sense still count.
  const expert = await engine.evaluateAnswer(
    training,
    "Last spring I ran the training needs analysis with each department head, because the old " +
      "learning plan was a catalogue. I mapped 40 skills gaps and built the plan around the top five.",
  );
  assert.doesNotMatch(expert.remark, OFF_SUBJECT, expert.remark);
});

// ---------------------------------------------------------------- corpus targets

Deno.test("quality corpus: grounding, no leakage and off-topic answers graded F", async () => {
  // The unseen part stays out of tests: it is run once, by hand, for the final check.
  const parts = await evaluateCorpus(["tuning", "held-out", "fresh"]);
  for (const result of Object.values(parts).flat()) {
    assert.ok(result.grounded >= 4, `${result.role.id}: ${result.grounded}/5 grounded`);
    if (!result.role.software) {
      assert.equal(result.leaking, 0, `${result.role.id} leaks ${result.leaked.join(", ")}`);
    }
    assert.ok(result.offTopic.every((o) => o.grade === "F"), `${result.role.id} off-topic`);
  }
});

// ---------------------------------------------------------------- eval: duty answers

/** One placeholder answer per bullet line of both documents, as the duty-answer fixtures hold. */
function dutyAnswersFor(r: QualityRole): DutyAnswer[] {
  return `${r.jd}\n${r.resume}`.split("\n")
    .filter((line) => /^\s*- /.test(line))
    .map((line, i) => ({ about: line.replace(/^\s*- /, "").trim(), answer: `answer ${i}` }));
}

Deno.test("eval: each document question is paired with the answer about the line it quotes", async () => {
  for (const id of ["clinical-pharmacist", "electrician", "accountant", "chef"]) {
    const r = role(id);
    const answers = dutyAnswersFor(r);
    for (const question of await plan(r)) {
      const found = matchDutyAnswer(question, answers);
      assert.ok(found, `${id}: a duty answer for "${question.text}"`);
      assert.equal(found.match, "quoted", `${id}: "${question.text}" quotes a line`);
      // The question quotes the start of the line (first letter lower-cased).
      const start = found.answer.about.split(" ").slice(1, 4).join(" ").replace(/[.,]$/, "");
      assert.ok(question.text.includes(start), `${id}: "${question.text}" / "${start}"`);
    }
  }
});

Deno.test("eval: a question quoting no line falls back to the answer sharing most words", () => {
  const answers: DutyAnswer[] = [
    { about: "Maintain the cold room and stock rotation.", answer: "a" },
    { about: "Handle difficult customer complaints at the counter.", answer: "b" },
  ];
  const question: PlannedQuestion = {
    text: "Tell me about a difficult customer or client and how you handled them.",
    topic: "Difficult customer or client",
    kind: "behavioral",
    source: "jd",
    referenceAnswer: "",
    keyPoints: [],
  };
  assert.deepEqual(matchDutyAnswer(question, answers), { answer: answers[1], match: "overlap" });
  assert.equal(matchDutyAnswer(question, []), undefined);
});

Deno.test("eval: a line cut at 140 characters in the question still counts as quoted", () => {
  const long =
    "Coordinate the weekly maintenance schedule for the three filling lines with production planners, quality assurance and the outside contractors who service the boilers";
  const answers: DutyAnswer[] = [
    { about: "Coordinate the weekly rota with the planners.", answer: "a" },
    { about: long, answer: "b" },
  ];
  const question: PlannedQuestion = {
    text: `The role asks you to ${
      long.charAt(0).toLowerCase() + long.slice(1, 120)
    }…. How do you approach this in practice?`,
    topic: "Weekly maintenance schedule",
    kind: "experience",
    source: "jd",
    referenceAnswer: "",
    keyPoints: [],
  };
  assert.deepEqual(matchDutyAnswer(question, answers), { answer: answers[1], match: "quoted" });
});

Deno.test("eval: --part picks one part or all", () => {
  assert.deepEqual(partsFromArgs([]), [...PARTS]);
  assert.deepEqual(partsFromArgs(["--part", "tuning"]), ["tuning"]);
  assert.deepEqual(partsFromArgs(["--part=unseen", "--cross"]), ["unseen"]);
  assert.deepEqual(partsFromArgs(["--part", "unseen-2"]), ["unseen-2"]);
  assert.deepEqual(partsFromArgs(["--part", "unseen-3"]), ["unseen-3"]);
  assert.deepEqual(partsFromArgs(["--part", "unseen-4"]), ["unseen-4"]);
  assert.deepEqual(partsFromArgs(["--part", "unseen-5"]), ["unseen-5"]);
  assert.deepEqual(partsFromArgs(["--part", "unseen-6"]), ["unseen-6"]);
  assert.deepEqual(partsFromArgs(["--part", "all"]).length, PARTS.length);
  assert.ok(partsFromArgs(["--part", "all"]).includes("unseen-16"));
  assert.throws(() => partsFromArgs(["--part", "everything"]), RangeError);
});

/**
 * A trade JD whose credential lines name a level and a card, under a "You'll
 * need:" heading: the card is a credential only because of that heading.
 */
const ROOFER_JD = `Roofer
Responsibilities:
- Strip and re-tile pitched roofs in clay and concrete tiles.
- Dress lead flashings to chimneys, valleys and abutments.
You'll need:
- NVQ Level 2 in roofing or equivalent on-site experience.
- A valid CSCS card.
- Ability to set out and mark gauge for tiling and slating.
- Full UK driving licence.`;

Deno.test("credential lines named by a level or a card are not duties; skills are", () => {
  const quotes = extractDuties(ROOFER_JD, "").map((d) => d.quote);
  assert.ok(!quotes.some((q) => /NVQ|CSCS/.test(q)), quotes.join("\n"));
  // A skill requirement that describes work stays, as do the duties.
  assert.ok(quotes.some((q) => /set out and mark gauge/.test(q)), quotes.join("\n"));
  assert.ok(quotes.some((q) => /dress lead flashings/.test(q)), quotes.join("\n"));
});

Deno.test("a card is a work object among duties, a credential among requirements", () => {
  const jd = `IT Support Analyst
Responsibilities:
- Triage tickets and access cards for new starters.
- Reset passwords and unlock accounts for staff.
Requirements:
- A valid security pass and a driving licence card.
- Patience with users under pressure.`;
  const quotes = extractDuties(jd, "").map((d) => d.quote);
  assert.ok(quotes.some((q) => /triage tickets/.test(q)), quotes.join("\n"));
  assert.ok(!quotes.some((q) => /security pass/.test(q)), quotes.join("\n"));
});

Deno.test("a number range keeps its dash in quotes", () => {
  const resume = `Conveyancer
- Managed a caseload of 85–100 live residential matters from instruction to completion.
- Negotiated fees of £1.2m–£1.5m a year across 20-25 developers.`;
  const quotes = extractAchievements(resume, "").map((a) => a.quote);
  assert.ok(quotes.some((q) => q.includes("85-100 live")), quotes.join("\n"));
  assert.ok(
    quotes.some((q) => q.includes("£1.2m-£1.5m") && q.includes("20-25")),
    quotes.join("\n"),
  );
});

Deno.test("a list of the trade's things without actions on them is not substance", async () => {
  // Ten and more distinct nouns, none of them acted on: what anyone in the trade could list.
  const c = TRADE_CASES.find((t) => t.trade === "electrician")!;
  const question = dutyQuestionIn(c.jd, c.resume, ["conduit", "panels", "breakers"], "install");
  const listed = await engine.evaluateAnswer(
    question,
    "I've done all sorts of jobs over the years, conduit, panels, breakers, circuits, sockets, " +
      "lighting, switchgear, cabling, boards, meters, the lot. I'm a hard worker, I always do a " +
      "tidy job and I make sure the customer is happy at the end.",
  );
  assert.ok(!listed.covered.some((p) => p.startsWith(VOCABULARY_POINT)), listed.remark);
  assert.equal(listed.grade, "F", listed.remark);
  // The same things acted on in a real job are substance.
  const acted = await engine.evaluateAnswer(question, c.answer);
  assert.ok(acted.score >= listed.score + 3, `${acted.remark}\n${listed.remark}`);
});

/** JDs of two trades far from the tuning roles, for the round 7 answers below. */
const HOUSING_JD = `Housing Officer
- Manage rent arrears and tenancies for a patch of general needs homes.
- Investigate anti-social behaviour reports from residents.
- Carry out tenancy sign-ups and settling-in visits.`;
const HOUSING_RESUME = `- Managed a patch of 420 homes and kept rent arrears below 2.5%.
- Ran settling-in visits for new tenants.`;
const AGENT_JD = `Estate Agent Negotiator
- Negotiate offers between buyers and vendors and agree sales.
- Register and qualify buyers, matching them to properties.
- Conduct accompanied viewings and gather feedback for vendors.`;
const AGENT_RESUME = `- Agreed 60 sales a year across the branch.
- Generated 40 market appraisals from buyer leads.`;

/**
 * Per trade: a duty, a generic answer that names its things in statements of
 * habit (ten nouns and more in sentences with a verb, which round 6 counted as
 * substance), an expert's account of one occasion, and an expert's present-tense
 * steps with no number, past tense or sequence word.
 */
const HABIT_CASES = [
  {
    jd: HOUSING_JD,
    resume: HOUSING_RESUME,
    subject: ["rent arrears", "tenancies"],
    verb: "manage",
    habitual: "I deal with all aspects of tenancy management: rent arrears, repairs, complaints, " +
      "vulnerable residents, neighbour disputes and home visits. I treat everyone fairly, work in " +
      "partnership with other agencies and always try to find the right outcome for the tenant " +
      "and the community.",
    occasion:
      "Last year a tenant on my patch fell eight weeks behind on rent after losing shifts. " +
      "I visited her at home within a week, checked her benefit entitlement and helped her claim " +
      "housing costs, then agreed a repayment plan on top of the rent. The arrears were cleared " +
      "in ten months and the tenancy never went to court.",
    steps: "I pull the arrears report from the housing system and sort the tenancies by the " +
      "weeks they owe. I phone the tenant before a letter goes out, and I check their benefit " +
      "claim with them, because most rent arrears start with a change in income. I agree a " +
      "repayment plan they can afford and I refer anyone in hardship to the money advice team.",
  },
  {
    jd: AGENT_JD,
    resume: AGENT_RESUME,
    subject: ["offers", "buyers", "vendors"],
    verb: "negotiate",
    habitual: "I'm a people person and I love property. I'm always on the phone to buyers and " +
      "vendors, I work hard to hit my targets and I go the extra mile to get offers and deals " +
      "over the line for every client, whatever the property, the price or the market.",
    occasion: "In March two buyers offered on a three-bed semi within a day of each other. I " +
      "qualified both, checked their mortgage offers and chain, and told the vendors that the " +
      "lower offer came from a chain-free buyer. They accepted it, and we exchanged in six weeks " +
      "while the higher bidder's chain collapsed.",
    steps: "I qualify every buyer before I put an offer forward: I see their mortgage agreement " +
      "in principle and I ask about their chain. I put each offer to the vendors in writing with " +
      "the buyer's position, because a buyer with no chain is often worth more than a higher " +
      "price. I keep both sides up to date so that nobody hears news from the solicitors first.",
  },
  {
    ...TRADE_CASES.find((t) => t.trade === "electrician")!,
    habitual: "I handle everything on lockout and tagout: panels, breakers, circuits, locks, " +
      "tags, permits, isolations, testers, drawings and signs. I'm always careful on site, I " +
      "work safely and I make sure every job is safe for the crew and the client.",
    occasion: TRADE_CASES.find((t) => t.trade === "electrician")!.answer,
    steps: "I isolate the feed at the board and hang my own lock on the breaker, because a " +
      "colleague's lock tells me nothing about my circuit. I prove the circuit dead with the " +
      "tester and I prove the tester on a live source before and after. I sign the tagout sheet " +
      "and I keep the key on me until the work is finished.",
  },
];

Deno.test("habitual statements in the trade's words are graded F or D in every kind of question", async () => {
  for (const c of HABIT_CASES) {
    // Each wording: a specific time, how they approach it, a time it went wrong.
    for (const kind of [0, 1, 2]) {
      const question = dutyQuestionIn(c.jd, c.resume, c.subject, c.verb, kind);
      const habitual = await engine.evaluateAnswer(question, c.habitual);
      assert.ok(["F", "D"].includes(habitual.grade), `${c.verb}: ${habitual.remark}`);
      assert.doesNotMatch(habitual.remark, /Specific: [^.]*first-person actions/);
      // An account of one occasion, or the steps the expert takes to particular things, still counts.
      for (const answer of [c.occasion, c.steps]) {
        const expert = await engine.evaluateAnswer(question, answer);
        assert.ok(["A", "B", "C"].includes(expert.grade), `${c.verb}: ${expert.remark}`);
        assert.ok(expert.score >= habitual.score + 3, `${expert.remark}\n${habitual.remark}`);
      }
    }
  }
});

Deno.test("a rule stated in the present passive ('everything is left safe') is not an occasion", async () => {
  const cases = [
    {
      ...HABIT_CASES[0],
      habitual: "I do all sorts of tenancy work, rent arrears cases, repairs, home visits, " +
        "tenancy audits, garden inspections, void properties and neighbour disputes. I'm always " +
        "busy on the patch and I make sure everything is left sorted and the tenant is happy " +
        "with the outcome.",
    },
    {
      ...HABIT_CASES[2],
      habitual: "I do all sorts of electrical work, rewires, consumer unit changes, fault " +
        "finding, lockout and tagout and periodic inspections. I'm always busy on the van and I " +
        "make sure everything is left safe and the customer is happy with the job.",
    },
  ];
  for (const c of cases) {
    for (const kind of [0, 1, 2]) {
      const question = dutyQuestionIn(c.jd, c.resume, c.subject, c.verb, kind);
      const habitual = await engine.evaluateAnswer(question, c.habitual);
      assert.ok(habitual.score <= 3, `${c.verb}: ${habitual.remark}`);
      const expert = await engine.evaluateAnswer(question, c.occasion);
      assert.ok(expert.score >= habitual.score + 3, `${expert.remark}\n${habitual.remark}`);
    }
  }
});

const TREE_JD = "Arborist\n- Climb and dismantle trees using rigging and lowering devices.\n" +
  "- Carry out crown reductions and deadwood removal.\n- Operate chippers and stump grinders.";
const TREE_RESUME =
  "- Completed 300 removals over houses and roads.\n- Rigged a 30 m beech with a crane.";
const MORTGAGE_JD = "Mortgage Adviser\n- Complete fact finds and affordability assessments.\n" +
  "- Package cases and chase valuations with lenders.\n- Keep suitability reports compliant.";
const MORTGAGE_RESUME = "- Completed 210 mortgage cases with a 3% lender decline rate.";
const HAZMAT_JD =
  "Firefighter\n- Respond to fires, road traffic collisions and hazardous materials " +
  "incidents.\n- Carry out daily checks of breathing apparatus.\n- Take part in drills.";
const HAZMAT_RESUME = "- Attended 400 incidents as a retained firefighter.";

Deno.test("'put safety first' orders nothing and 'I keep everyone updated' is no past event", async () => {
  const cases = [
    {
      question: dutyQuestionIn(TREE_JD, TREE_RESUME, ["trees", "rigging"], "dismantle"),
      answer: "I do all kinds of tree work, climbing, pruning, dismantling and removals, and I " +
        "always put safety first. I work well with the crew and the customers, I use the proper " +
        "techniques, and I make sure every job is done to a high standard.",
    },
    {
      question: dutyQuestionIn(
        MORTGAGE_JD,
        MORTGAGE_RESUME,
        ["fact finds", "affordability"],
        "complete",
      ),
      answer:
        "I help clients find the best mortgage for their circumstances and I always look at " +
        "the whole market. I keep everyone updated throughout the fact finds and affordability " +
        "checks and make sure all the compliance is done correctly so the case goes through smoothly.",
    },
  ];
  for (const { question, answer } of cases) {
    const graded = await engine.evaluateAnswer(question, answer);
    assert.ok(graded.score <= 3, graded.remark);
    assert.doesNotMatch(graded.remark, /Specific: [^.]*first-person actions/);
  }
  // A sequence word that opens a step, and a past tense of the candidate's own, still count.
  const ordered = await engine.evaluateAnswer(
    cases[0].question,
    "First, I climbed the beech and set a rigging point above the dismantling work, because " +
      "the limbs hung over a glass conservatory. Then I lowered each limb on the bollard while the " +
      "groundie controlled the rope, and we took the trees down in four hours without a mark on " +
      "the roof.",
  );
  assert.ok(["A", "B", "C"].includes(ordered.grade), ordered.remark);
});

Deno.test("a list of three steps in the present tense is the candidate's own actions; two verbs are not", async () => {
  const question = dutyQuestionIn(
    HAZMAT_JD,
    HAZMAT_RESUME,
    ["hazardous materials", "incidents"],
    "respond",
  );
  const steps = await engine.evaluateAnswer(
    question,
    "At hazardous materials incidents I isolate the area, deny entry to the public and identify " +
      "the product from the placards with the emergency response guide. I keep the crew upwind " +
      "and uphill of the spill because the vapour travels with the wind.",
  );
  assert.ok(["A", "B", "C"].includes(steps.grade), steps.remark);
  assert.match(steps.remark, /first-person actions/);
  const habit = await engine.evaluateAnswer(
    question,
    "I see a lot of hazardous materials incidents and give the crews advice on the chemicals, " +
      "fires and spills. I'm always working with the other services and I make sure everyone " +
      "gets home safely at the end of the shift.",
  );
  assert.ok(habit.score <= 3, habit.remark);
  assert.ok(steps.score >= habit.score + 3, `${steps.remark}\n${habit.remark}`);
});

const CELLAR_JD =
  "Sommelier\n- Manage the wine list and the cellar.\n- Train floor staff on food and " +
  "wine pairing.\n- Serve wine at the table and handle corked bottles.";
const CELLAR_RESUME = "- Built a 400-bin list with a 68% gross margin.";
const CLAIMS_JD =
  "Pensions Administrator\n- Process transfers and retirement claims for members.\n" +
  "- Answer member enquiries by phone and email.\n- Check calculations against the scheme rules.";
const CLAIMS_RESUME = "- Processed 60 transfers a month with no complaints upheld.";

Deno.test("two plain statements in everyday words are not substance; an expert's trade words are", async () => {
  const cases = [
    {
      question: dutyQuestionIn(CELLAR_JD, CELLAR_RESUME, ["wine list", "cellar"], "manage"),
      generic: "I really love wine and I enjoy sharing it with people. I manage the list and the " +
        "cellar, I work with the suppliers and the kitchen, and I make sure the staff know the " +
        "wines so that every guest has a great night and we hit our numbers.",
      expert: "Last spring I cut the list from 500 to 380 bins because a third of the cellar had " +
        "not moved in a year. I binned the slow Burgundy by the glass through Coravin, moved the " +
        "Rioja reserva into the tasting menu pairing and reordered the cellar by region, so the " +
        "stock take dropped from six hours to three and the margin rose to 70%.",
    },
    {
      question: dutyQuestionIn(
        CLAIMS_JD,
        CLAIMS_RESUME,
        ["transfers", "retirement claims"],
        "process",
      ),
      generic: "I process a lot of transfers and claims every week and I make sure everything is " +
        "right and on time. I always follow the procedures, I help members with their questions, " +
        "and I work well with the team to keep on top of the work and meet our targets.",
      expert: "In March a member's retirement claim came with a request to transfer an old " +
        "pot to a personal pension, and the receiving scheme looked like a scam: unregulated, an " +
        "overseas adviser and a cold call. I paid the retirement claim, paused the transfer, sent " +
        "the member the regulator's warning letter and referred it to the trustees, who required " +
        "guidance from MoneyHelper first. The member withdrew the transfer.",
    },
  ];
  for (const { question, generic, expert } of cases) {
    const plain = await engine.evaluateAnswer(question, generic);
    assert.ok(plain.score <= 3, plain.remark);
    const detailed = await engine.evaluateAnswer(question, expert);
    assert.ok(["A", "B", "C"].includes(detailed.grade), detailed.remark);
    assert.ok(detailed.score >= plain.score + 3, `${detailed.remark}\n${plain.remark}`);
  }
});
