import assert from "node:assert/strict";
import { dbTest, setupStorageApp, type TestApp } from "./helpers/app.ts";
import { readObject } from "./helpers/storage.ts";
import { makeDocx, makePdf, makeZip } from "./fixtures/documents.ts";
import { eq } from "drizzle-orm";
import { documents, interviews } from "../db/schema.ts";

const encoder = new TextEncoder();

const JD_LINES = [
  "Senior Backend Engineer - Acme Data Platform",
  "We are hiring an engineer to build and run our data platform.",
  "Requirements:",
  "- Five years of experience with TypeScript and Node.js services",
  "- Strong PostgreSQL skills: schema design, indexing and query tuning",
  "- Kubernetes and Docker for deploying and operating services",
  "- Redis caching and REST API design",
  "- Clear written communication and code reviews",
  "Responsibilities:",
  "- Own the ingestion pipeline that processes ten million events a day",
  "- Improve reliability, observability and on-call runbooks",
  "- Mentor two junior engineers and review their designs",
  "Nice to have: GraphQL, AWS, Terraform.",
  "Benefits: remote friendly, learning budget, flexible hours.",
  "Closing line: apply with your resume and a short note.",
];

const RESUME_PARAGRAPHS = [
  "Jane Doe - Software Engineer",
  "Skills: TypeScript, React, PostgreSQL, Node.js, Docker",
  "Software Engineer at Globex, 2019 to 2024",
  "Built a real-time analytics dashboard in React and TypeScript used by 2000 customers.",
  "Project: Payment Reconciliation Service, a PostgreSQL schema that cut reconciliation from six hours to twenty minutes.",
];

function fileForm(data: Uint8Array, filename: string, type = ""): FormData {
  const form = new FormData();
  form.append("file", new File([data.slice()], filename, { type }));
  return form;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every file under `dir`, as paths relative to it with "/" separators. */
/** Every stored upload's key. */
function listFiles(t: TestApp): Promise<string[]> {
  return t.deps.store.list("uploads/");
}

function upload(t: TestApp, purpose: "jd" | "resume", token: string | undefined, body: unknown) {
  return t.request("POST", `/jd_resume/upload_${purpose}`, { token, body });
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

dbTest(
  "a PDF JD and a DOCX resume are stored under server-made paths with their text",
  async () => {
    const t = await setupStorageApp();
    const alice = await t.user("alice");
    const pdf = makePdf(JD_LINES);
    const jd = await upload(t, "jd", alice.token, fileForm(pdf, "My Job Description.pdf"));
    assert.equal(jd.status, 201);
    const jdBody = await jd.json();
    assert.equal(jdBody.purpose, "jd");
    assert.equal(jdBody.kind, "pdf");
    assert.equal(jdBody.original_filename, "My Job Description.pdf");
    assert.match(jdBody.path, new RegExp(`^uploads/jd/${alice.id}/${UUID}\\.pdf$`));
    assert.ok(!jdBody.path.includes("Job Description"));
    assert.equal(jdBody.size_bytes, pdf.byteLength);
    assert.equal(jdBody.sha256, await sha256(pdf));
    assert.match(jdBody.text_preview, /Senior Backend Engineer/);
    assert.match(jdBody.text_preview, /PostgreSQL/);
    assert.ok(jdBody.text_preview.length <= 500, "the preview is short");
    assert.ok(jdBody.text_length > 500, `text_length ${jdBody.text_length}`);
    assert.ok(typeof jdBody.id === "number");
    assert.ok(!Number.isNaN(Date.parse(jdBody.uploaded_at)));
    assert.deepEqual(await readObject(t.deps.store, jdBody.path), pdf);

    const docx = await makeDocx(RESUME_PARAGRAPHS);
    const resume = await upload(t, "resume", alice.token, fileForm(docx, "jane-cv.docx"));
    assert.equal(resume.status, 201);
    const resumeBody = await resume.json();
    assert.equal(resumeBody.purpose, "resume");
    assert.equal(resumeBody.kind, "docx");
    assert.equal(resumeBody.original_filename, "jane-cv.docx");
    assert.match(resumeBody.path, new RegExp(`^uploads/resume/${alice.id}/${UUID}\\.docx$`));
    assert.ok(!resumeBody.path.includes("jane-cv"));
    assert.equal(resumeBody.sha256, await sha256(docx));
    assert.equal(resumeBody.size_bytes, docx.byteLength);
    assert.match(resumeBody.text_preview, /Jane Doe - Software Engineer/);
    assert.deepEqual(await readObject(t.deps.store, resumeBody.path), docx);

    const me = await (await t.request("GET", "/auth/me", { token: alice.token })).json();
    assert.equal(me.jd_path, jdBody.path);
    assert.equal(me.resume_path, resumeBody.path);

    const storedJd = await t.request("GET", "/jd_resume/jd", { token: alice.token });
    assert.equal(storedJd.status, 200);
    const storedJdBody = await storedJd.json();
    assert.equal(storedJdBody.id, jdBody.id);
    assert.equal(storedJdBody.path, jdBody.path);
    assert.equal(storedJdBody.text.length, jdBody.text_length);
    for (const line of JD_LINES) assert.ok(storedJdBody.text.includes(line), line);
    assert.ok(!jdBody.text_preview.includes("Closing line"), "the preview is not the full text");

    const storedResume = await (await t.request("GET", "/jd_resume/resume", { token: alice.token }))
      .json();
    assert.equal(storedResume.kind, "docx");
    assert.deepEqual(storedResume.text.split("\n"), RESUME_PARAGRAPHS);
  },
);

dbTest("reading documents before any upload is 404, and every route needs a token", async () => {
  const t = await setupStorageApp();
  const bob = await t.user("bob");
  for (const purpose of ["jd", "resume"]) {
    const missing = await t.request("GET", `/jd_resume/${purpose}`, { token: bob.token });
    assert.equal(missing.status, 404, purpose);
    assert.equal(typeof (await missing.json()).detail, "string");
    const anonymous = await t.request("GET", `/jd_resume/${purpose}`);
    assert.equal(anonymous.status, 401, purpose);
    const anonymousUpload = await t.request("POST", `/jd_resume/upload_${purpose}`, {
      body: fileForm(encoder.encode("Some text"), "a.txt"),
    });
    assert.equal(anonymousUpload.status, 401, purpose);
  }
  const me = await (await t.request("GET", "/auth/me", { token: bob.token })).json();
  assert.equal(me.jd_path, null);
  assert.equal(me.resume_path, null);
  assert.deepEqual(await listFiles(t), []);
});

dbTest("uploading again replaces the current document", async () => {
  const t = await setupStorageApp();
  const carol = await t.user("carol");
  const first = await (await upload(
    t,
    "resume",
    carol.token,
    fileForm(encoder.encode("First resume: COBOL and Fortran."), "one.txt"),
  )).json();
  const second = await upload(
    t,
    "resume",
    carol.token,
    fileForm(encoder.encode("Second resume: Rust and Go."), "two.txt"),
  );
  assert.equal(second.status, 201);
  const secondBody = await second.json();
  assert.notEqual(secondBody.id, first.id);
  assert.notEqual(secondBody.path, first.path);
  const current = await (await t.request("GET", "/jd_resume/resume", { token: carol.token }))
    .json();
  assert.equal(current.id, secondBody.id);
  assert.equal(current.text, "Second resume: Rust and Go.");
  assert.equal(current.original_filename, "two.txt");
  const me = await (await t.request("GET", "/auth/me", { token: carol.token })).json();
  assert.equal(me.resume_path, secondBody.path);
  assert.equal(me.jd_path, null);
});

dbTest("the kind comes from the content, never from the name or declared type", async () => {
  const t = await setupStorageApp();
  const dan = await t.user("dan");
  const png = Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0x00,
    0x00,
    0x00,
    0x0d,
    0x49,
    0x48,
    0x44,
    0x52,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x08,
    0x06,
    0x00,
    0x00,
    0x00,
    0x1f,
    0x15,
    0xc4,
  ]);
  const image = await upload(
    t,
    "resume",
    dan.token,
    fileForm(png, "resume.pdf", "application/pdf"),
  );
  assert.equal(image.status, 415);
  assert.match((await image.json()).detail, /PDF, DOCX, TXT or Markdown/);

  const zip = await makeZip([{ name: "notes.txt", data: encoder.encode("Hello there") }]);
  const archive = await upload(
    t,
    "resume",
    dan.token,
    fileForm(zip, "resume.docx", "application/vnd.openxmlformats-officedocument"),
  );
  assert.equal(archive.status, 415);
  assert.equal((await t.request("GET", "/jd_resume/resume", { token: dan.token })).status, 404);
  assert.deepEqual(await listFiles(t), [], "refused files are not stored");

  const text = "Dan Smith\nBackend developer: Python, Django and PostgreSQL.\n";
  const exe = await upload(
    t,
    "resume",
    dan.token,
    fileForm(encoder.encode(text), "cv.exe", "application/octet-stream"),
  );
  assert.equal(exe.status, 201);
  const exeBody = await exe.json();
  assert.equal(exeBody.kind, "text");
  assert.equal(exeBody.original_filename, "cv.exe");
  assert.match(exeBody.path, new RegExp(`^uploads/resume/${dan.id}/${UUID}\\.txt$`));
  assert.ok(!exeBody.path.endsWith(".exe"));

  const markdown = [
    "# Senior Engineer",
    "",
    "## Requirements",
    "",
    "- **TypeScript** and Node.js",
    "- PostgreSQL, see [our stack](https://example.com/stack)",
    "",
  ].join("\n");
  const md = await upload(
    t,
    "jd",
    dan.token,
    fileForm(encoder.encode(markdown), "jd.txt", "text/plain"),
  );
  assert.equal(md.status, 201);
  const mdBody = await md.json();
  assert.equal(mdBody.kind, "markdown");
  assert.match(mdBody.path, /\.md$/);
  const jdText =
    (await (await t.request("GET", "/jd_resume/jd", { token: dan.token })).json()).text;
  assert.match(jdText, /TypeScript/);
  assert.match(jdText, /PostgreSQL/);
});

dbTest("a client file name is only metadata and never reaches the file system", async () => {
  const t = await setupStorageApp();
  const eve = await t.user("eve");
  const bytes = encoder.encode("root:x:0:0:not really a passwd file, just a resume about Go\n");
  const names: Record<string, string> = {
    "../../etc/passwd": "passwd",
    "..\\..\\windows\\evil.txt": "evil.txt",
    "/abs/path/cv.md": "cv.md",
  };
  const paths: string[] = [];
  for (const [name, cleaned] of Object.entries(names)) {
    const response = await upload(t, "resume", eve.token, fileForm(bytes, name));
    assert.equal(response.status, 201, name);
    const body = await response.json();
    assert.equal(body.original_filename, cleaned, name);
    assert.match(body.path, new RegExp(`^uploads/resume/${eve.id}/${UUID}\\.txt$`), name);
    paths.push(body.path);
  }
  // The first upload was superseded twice and no interview used it, so it is gone.
  const kept = paths.slice(1);
  const files = await listFiles(t);
  assert.deepEqual(files, [...kept].sort(), "only the server-named files exist");
  for (const path of kept) {
    assert.deepEqual(await readObject(t.deps.store, path), bytes);
  }
});

dbTest("uploads over MAX_UPLOAD_MB are 413, whether declared or not", async () => {
  const t = await setupStorageApp({ MAX_UPLOAD_MB: "0.05" });
  const fay = await t.user("fay");
  const big = encoder.encode("word ".repeat(20 * 1024)); // 100 KiB
  const tooBig = await upload(t, "resume", fay.token, fileForm(big, "big.txt"));
  assert.equal(tooBig.status, 413);
  assert.equal(typeof (await tooBig.json()).detail, "string");

  const declared = await t.request("POST", "/jd_resume/upload_jd", {
    token: fay.token,
    body: fileForm(encoder.encode("a small job description"), "jd.txt"),
    headers: { "content-length": String(10 * 1024 * 1024) },
  });
  assert.equal(declared.status, 413);

  const bigJson = await upload(t, "jd", fay.token, { text: "word ".repeat(20 * 1024) });
  assert.equal(bigJson.status, 413);

  assert.deepEqual(await listFiles(t), [], "nothing was stored");
  assert.equal((await t.request("GET", "/jd_resume/resume", { token: fay.token })).status, 404);

  const fits = await upload(
    t,
    "resume",
    fay.token,
    fileForm(encoder.encode("word ".repeat(8 * 1024)), "fits.txt"),
  );
  assert.equal(fits.status, 201, "40 KiB is under the 0.05 MB limit");
});

dbTest("malformed upload requests are 400, 415 or 422 with FastAPI-style details", async () => {
  const t = await setupStorageApp();
  const gus = await t.user("gus");
  for (const purpose of ["jd", "resume"] as const) {
    const empty = await upload(t, purpose, gus.token, fileForm(new Uint8Array(), "empty.txt"));
    assert.equal(empty.status, 422, purpose);
    assert.deepEqual((await empty.json()).detail[0].loc, ["body", "file"]);

    const noFile = new FormData();
    noFile.append("document", new File(["text"], "a.txt"));
    const missing = await upload(t, purpose, gus.token, noFile);
    assert.equal(missing.status, 422, purpose);
    const [issue] = (await missing.json()).detail;
    assert.deepEqual(issue.loc, ["body", "file"]);
    assert.equal(issue.type, "missing");
    assert.equal(typeof issue.msg, "string");

    const textField = new FormData();
    textField.append("file", "I am a string, not a file");
    const notFile = await upload(t, purpose, gus.token, textField);
    assert.equal(notFile.status, 422, purpose);
    assert.deepEqual((await notFile.json()).detail[0].loc, ["body", "file"]);

    const plain = await t.request("POST", `/jd_resume/upload_${purpose}`, {
      token: gus.token,
      body: "just text",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(plain.status, 415, purpose);
    assert.match((await plain.json()).detail, /multipart\/form-data/);

    const blank = await upload(t, purpose, gus.token, fileForm(makePdf([]), "scan.pdf"));
    assert.equal(blank.status, 422, purpose);
    const [blankIssue] = (await blank.json()).detail;
    assert.deepEqual(blankIssue.loc, ["body", "file"]);
    assert.ok(blankIssue.msg.length > 10, blankIssue.msg);
  }
  const malformed = await t.request("POST", "/jd_resume/upload_resume", {
    token: gus.token,
    body: "no boundary anywhere in this body",
    headers: { "content-type": "multipart/form-data; boundary=xyz" },
  });
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).detail, /Malformed multipart/);
  // Only the JD accepts JSON text.
  const jsonResume = await upload(t, "resume", gus.token, { text: "A resume" });
  assert.equal(jsonResume.status, 415);
  assert.deepEqual(await listFiles(t), []);
});

dbTest("a JD can be sent as JSON text", async () => {
  const t = await setupStorageApp();
  const hal = await t.user("hal");
  const response = await upload(t, "jd", hal.token, {
    text: "  Data engineer: Spark, Airflow and PostgreSQL.\nOn-call rotation.  ",
  });
  assert.equal(response.status, 201);
  const body = await response.json();
  assert.equal(body.kind, "text");
  assert.equal(body.purpose, "jd");
  assert.equal(body.original_filename, null);
  assert.match(body.path, new RegExp(`^uploads/jd/${hal.id}/${UUID}\\.txt$`));
  const stored = await (await t.request("GET", "/jd_resume/jd", { token: hal.token })).json();
  assert.equal(stored.text, "Data engineer: Spark, Airflow and PostgreSQL.\nOn-call rotation.");
  assert.equal(
    new TextDecoder().decode((await readObject(t.deps.store, body.path))!),
    "Data engineer: Spark, Airflow and PostgreSQL.\nOn-call rotation.",
  );

  const malformed = await t.request("POST", "/jd_resume/upload_jd", {
    token: hal.token,
    body: "{not json",
    headers: { "content-type": "application/json" },
  });
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).detail, /Malformed JSON/);

  for (const bad of [{ text: "" }, { text: "   \n " }, {}, { text: 42 }]) {
    const invalid = await upload(t, "jd", hal.token, bad);
    assert.equal(invalid.status, 422, JSON.stringify(bad));
    assert.deepEqual((await invalid.json()).detail[0].loc, ["body", "text"], JSON.stringify(bad));
  }
  const current = await (await t.request("GET", "/jd_resume/jd", { token: hal.token })).json();
  assert.equal(current.id, body.id, "refused uploads leave the current JD alone");
});

dbTest("users only ever read their own documents", async () => {
  const t = await setupStorageApp();
  const ann = await t.user("ann");
  const ben = await t.user("ben");
  const interviewer = await t.user("ivan", "interviewer");
  assert.equal(
    (await upload(t, "jd", ann.token, fileForm(encoder.encode("Ann's JD: Elixir"), "a.txt")))
      .status,
    201,
  );
  assert.equal(
    (await upload(t, "resume", ann.token, fileForm(encoder.encode("Ann's CV: Haskell"), "b.txt")))
      .status,
    201,
  );
  assert.equal(
    (await upload(t, "jd", ben.token, fileForm(encoder.encode("Ben's JD: Scala"), "c.txt"))).status,
    201,
  );
  const annJd = await (await t.request("GET", "/jd_resume/jd", { token: ann.token })).json();
  const benJd = await (await t.request("GET", "/jd_resume/jd", { token: ben.token })).json();
  assert.equal(annJd.text, "Ann's JD: Elixir");
  assert.equal(benJd.text, "Ben's JD: Scala");
  assert.match(annJd.path, new RegExp(`^uploads/jd/${ann.id}/`));
  assert.match(benJd.path, new RegExp(`^uploads/jd/${ben.id}/`));
  assert.equal((await t.request("GET", "/jd_resume/resume", { token: ben.token })).status, 404);
  assert.equal((await t.request("GET", "/jd_resume/jd", { token: interviewer.token })).status, 404);
  const annResume = await (await t.request("GET", "/jd_resume/resume", { token: ann.token }))
    .json();
  assert.equal(annResume.text, "Ann's CV: Haskell");
});

async function documentIds(t: TestApp, userId: number): Promise<number[]> {
  const rows = await t.deps.database.db.select({ id: documents.id }).from(documents)
    .where(eq(documents.userId, userId)).orderBy(documents.id);
  return rows.map((row) => row.id);
}

async function uploadText(t: TestApp, purpose: "jd" | "resume", token: string, text: string) {
  const response = await upload(t, purpose, token, fileForm(encoder.encode(text), "cv.txt"));
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return body as { id: number; path: string };
}

function startInterview(t: TestApp, token: string) {
  return t.request("POST", "/interview/start_interview", {
    token,
    body: { interview_name: "Backend round", question_count: 1 },
  });
}

dbTest("superseded uploads that no interview uses are deleted, rows and files", async () => {
  const t = await setupStorageApp();
  const gus = await t.user("gus");
  const resume = await uploadText(t, "resume", gus.token, "Resume: Go and PostgreSQL.");
  const used = await uploadText(t, "jd", gus.token, "JD one: Go engineer.");
  const started = await startInterview(t, gus.token);
  assert.equal(started.status, 201);
  const unused = await uploadText(t, "jd", gus.token, "JD two: Rust engineer.");
  const previous = await uploadText(t, "jd", gus.token, "JD three: Python engineer.");
  const current = await uploadText(t, "jd", gus.token, "JD four: Java engineer.");

  // Kept: the resume, the JD an interview refers to, the JD just superseded
  // (a start_interview may still be using it) and the current one.
  assert.deepEqual(await documentIds(t, gus.id), [resume.id, used.id, previous.id, current.id]);
  const files = await listFiles(t);
  assert.deepEqual(files, [resume.path, used.path, previous.path, current.path].sort());
  assert.ok(!files.includes(unused.path));
  const [interview] = await t.deps.database.db.select().from(interviews)
    .where(eq(interviews.userId, gus.id));
  assert.equal(interview.jdDocumentId, used.id);
  const jd = await (await t.request("GET", "/jd_resume/jd", { token: gus.token })).json();
  assert.equal(jd.id, current.id);
  assert.equal(jd.text, "JD four: Java engineer.");
});

dbTest("a user over the document quota gets 409 and nothing changes", async () => {
  // 5 documents, 1 KB: an interview keeps each JD it was started with.
  const t = await setupStorageApp({
    MAX_DOCUMENTS_PER_USER: "5",
    MAX_DOCUMENT_MB_PER_USER: "0.001",
  });
  const hal = await t.user("hal");
  for (let index = 1; index <= 5; index++) {
    await uploadText(t, "jd", hal.token, `JD ${index}: Go engineer.`);
    assert.equal((await startInterview(t, hal.token)).status, 201);
  }
  const before = await documentIds(t, hal.id);
  const filesBefore = await listFiles(t);
  const refused = await upload(t, "jd", hal.token, fileForm(encoder.encode("JD 6"), "six.txt"));
  assert.equal(refused.status, 409);
  assert.match((await refused.json()).detail, /already keep 5 documents, the most allowed/);
  assert.deepEqual(await documentIds(t, hal.id), before);
  assert.deepEqual(await listFiles(t), filesBefore);

  const ida = await t.user("ida");
  await uploadText(t, "resume", ida.token, "r".repeat(600));
  const tooMuch = await upload(
    t,
    "jd",
    ida.token,
    fileForm(encoder.encode("j".repeat(600)), "j.txt"),
  );
  assert.equal(tooMuch.status, 409);
  assert.match(
    (await tooMuch.json()).detail,
    /would take your documents to 0\.0011 MB, over the 0\.001 MB allowed per account/,
  );
  assert.equal((await documentIds(t, ida.id)).length, 1);
});
