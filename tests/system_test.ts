import assert from "node:assert/strict";
import { Hono } from "hono";
import { dbTest, setupApp } from "./helpers/app.ts";
import { handleError } from "../http/middleware.ts";
import type { AppEnv } from "../http/api.ts";
import { ORIGINAL_QUESTION_ANSWER_FIELDS } from "./fixtures/contract.ts";

dbTest("GET /health reports the database", async () => {
  const t = await setupApp();
  const response = await t.request("GET", "/health");
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.status, "ok");
  assert.equal(body.database, "ok");
  assert.equal(body.database_kind, t.deps.database.kind);
});

dbTest("the OpenAPI document describes every route from the validating schemas", async () => {
  const t = await setupApp();
  const response = await t.request("GET", "/openapi.json");
  assert.equal(response.status, 200);
  const doc = await response.json();
  assert.equal(doc.openapi, "3.1.0");
  for (
    const [path, method] of [
      ["/auth/signup", "post"],
      ["/auth/login", "post"],
      ["/auth/me", "get"],
      ["/auth/users", "post"],
      ["/jd_resume/upload_jd", "post"],
      ["/jd_resume/upload_resume", "post"],
      ["/jd_resume/jd", "get"],
      ["/jd_resume/resume", "get"],
      ["/interview/start_interview", "post"],
      ["/interview/answer_question", "post"],
      ["/interview/{interview_id}", "get"],
      ["/api/performance/summary", "get"],
      ["/api/performance/details/{interview_id}", "get"],
    ]
  ) {
    assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
  }
  const start = doc.paths["/interview/start_interview"].post;
  const schema = start.requestBody.content["application/json"].schema;
  assert.deepEqual(schema.properties.question_count, {
    type: "integer",
    minimum: 1,
    maximum: 20,
    default: 5,
  });
  assert.ok(start.responses["422"]);
  assert.deepEqual(start.security, [{ OAuth2PasswordBearer: [] }]);
  const uploadJd = doc.paths["/jd_resume/upload_jd"].post.requestBody.content;
  assert.equal(uploadJd["multipart/form-data"].schema.properties.file.format, "binary");
  assert.equal(uploadJd["application/json"].schema.properties.text.type, "string");
  const login = doc.paths["/auth/login"].post.requestBody.content;
  assert.ok(
    login["application/x-www-form-urlencoded"],
    "login documents form fields for Authorize",
  );
  assert.equal(
    doc.components.securitySchemes.OAuth2PasswordBearer.flows.password.tokenUrl,
    "/auth/login",
  );
  const details = doc.paths["/api/performance/details/{interview_id}"].get;
  assert.deepEqual(details.parameters.map((p: { name: string; in: string }) => [p.name, p.in]), [[
    "interview_id",
    "path",
  ]]);
  const qa = details.responses["200"].content["application/json"].schema.properties.questions.items
    .properties;
  for (const field of ORIGINAL_QUESTION_ANSWER_FIELDS) assert.ok(qa[field], field);
});

dbTest("Swagger UI is served at /docs with its assets", async () => {
  const t = await setupApp();
  const page = await t.request("GET", "/docs");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /swagger-ui-bundle\.js/);
  const bundle = await t.request("GET", "/docs/assets/swagger-ui-bundle.js");
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get("content-type") ?? "", /javascript/);
  assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
  assert.equal((await t.request("GET", "/docs/assets/..%2F..%2Fdeno.json")).status, 404);
});

dbTest("unknown paths are 404 with a detail; request ids are echoed or made", async () => {
  const t = await setupApp();
  const missing = await t.request("GET", "/nowhere", { headers: { "x-request-id": "abc-123" } });
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { detail: "Not Found" });
  assert.equal(missing.headers.get("x-request-id"), "abc-123");
  const made = await t.request("GET", "/health", {
    headers: { "x-request-id": "bad id with spaces" },
  });
  assert.match(made.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});

dbTest("CORS answers preflights for configured origins only", async () => {
  const t = await setupApp({ CORS_ORIGINS: "https://app.example" });
  const allowed = await t.request("OPTIONS", "/auth/login", {
    headers: { origin: "https://app.example", "access-control-request-method": "POST" },
  });
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example");
  const refused = await t.request("OPTIONS", "/auth/login", {
    headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
  });
  assert.notEqual(refused.headers.get("access-control-allow-origin"), "https://evil.example");
});

Deno.test("unexpected errors answer 500 without a stack trace", async () => {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.get("/boom", () => {
    throw new Error("secret internal detail at /srv/app.ts:42");
  });
  const originalError = console.error;
  console.error = () => {};
  try {
    const response = await app.request("/boom");
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.ok(!text.includes("secret internal detail"));
    assert.ok(!text.includes(".ts:"));
    assert.match(JSON.parse(text).detail, /Internal server error/);
  } finally {
    console.error = originalError;
  }
});
