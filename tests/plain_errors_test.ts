// What the candidate page says when something fails, and the remarks it shows:
// plain words, no routes, fields or score formulas.
import assert from "node:assert/strict";
import { ApiError } from "../web/api.ts";
import { candidateRemark, plainMessage } from "../web/plain_errors.ts";

const FALLBACK = "The interview could not be started.";

Deno.test("server messages naming routes or fields give way to the page's sentence", () => {
  const routes = new ApiError(
    409,
    "Upload a job description (POST /jd_resume/upload_jd) before starting an interview.",
  );
  assert.equal(plainMessage(routes, FALLBACK), FALLBACK);
  assert.equal(
    plainMessage(new ApiError(422, "body.question_count: Too big"), FALLBACK),
    FALLBACK,
  );
  const plain = "Unsupported file type: upload a PDF, DOCX, TXT or Markdown file.";
  assert.equal(plainMessage(new ApiError(415, plain), FALLBACK), plain);
  assert.equal(
    plainMessage(new ApiError(401, "The access token is expired. Log in again."), FALLBACK),
    "Your session has ended. Reload the page and sign in again.",
  );
  assert.match(plainMessage(new ApiError(500, "TypeError at db/x.ts"), FALLBACK), /our side/);
  assert.match(plainMessage(new ApiError(503, "queue full"), FALLBACK), /busy/);
  assert.match(plainMessage(new TypeError("Failed to fetch"), FALLBACK), /could not be reached/);
  assert.equal(plainMessage(new Error("socket 1006"), FALLBACK), FALLBACK);
});

Deno.test("candidates read the remark without the score's formula", () => {
  const remark = "Covered 2 of 5 key points: probes, rollback. Missing: canary. " +
    "Specific: numbers. Score 6.3 = coverage 5.4/7 + specificity 0.9/3 - 0.4 for vague " +
    "wording (maybe), capped at 4 because it is stuffed with keywords. Some text was ignored.";
  assert.equal(
    candidateRemark(remark),
    "Covered 2 of 5 key points: probes, rollback. Missing: canary. Specific: numbers. " +
      "Some text was ignored.",
  );
  assert.equal(candidateRemark("Score 2.1 = coverage 0.0/7 + specificity 2.1/3."), "");
  assert.equal(candidateRemark(null), "");
});
