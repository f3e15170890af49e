/**
 * Signed links to an interview's files: the recordings of every answer and
 * the report PDF. Pages put these in `<video src>` and download links, so
 * the access token stays out of URLs (auth/signed_links.ts).
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { findVisibleInterview } from "../http/access.ts";
import { idParam } from "../http/schemas.ts";
import { listQuestions } from "../db/interviews.ts";
import { userTypes } from "../db/schema.ts";
import { linkExpiry } from "../auth/signed_links.ts";
import { recordingKinds, recordingPathOf } from "./recordings.ts";

const link = z.string().nullable();

const linksOut = z.object({
  expires_at: z.string().describe("When these links stop working; ask again for fresh ones"),
  report_pdf: link.describe("The report PDF; null until the report is written"),
  questions: z.array(z.object({
    question_id: z.number().int(),
    recordings: z.object(Object.fromEntries(recordingKinds.map((kind) => [kind, link])))
      .describe("A link per recording kind; null where the answer has no such recording"),
  })),
});

/** Registers `GET /interview/{interview_id}/links`. */
export function registerLinkRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;
  api.route({
    method: "get",
    path: "/interview/{interview_id}/links",
    tag: "interview",
    summary: "Short-lived signed links to the interview's recordings and report PDF",
    description: "For the candidate who owns the interview, interviewers and admins. Each link " +
      "works for 15 minutes without a token, and only for the user it was issued to.",
    roles: userTypes,
    params: z.object({ interview_id: idParam }),
    responses: {
      200: { description: "The links", schema: linksOut },
      404: { description: "No such interview visible to you" },
    },
  }, async (c, { params, user }) => {
    const interview = await findVisibleInterview(db, user, params.interview_id);
    const questions = await listQuestions(db, interview.id);
    // One clock reading, so every link expires at the instant the answer names.
    const now = Date.now();
    const sign = async (path: string) => (await deps.tokens.links.sign(path, user.id, now)).url;
    const reportPdf = interview.report
      ? await sign(`/api/performance/details/${interview.id}/report.pdf`)
      : null;
    const out = [];
    for (const question of questions) {
      const recordings: Record<string, string | null> = {};
      for (const kind of recordingKinds) {
        recordings[kind] = recordingPathOf(question, kind)
          ? await sign(
            `/interview/${interview.id}/questions/${question.questionId}/recordings/${kind}`,
          )
          : null;
      }
      out.push({ question_id: question.questionId, recordings });
    }
    return c.json({
      expires_at: linkExpiry(now).toISOString(),
      report_pdf: reportPdf,
      questions: out,
    });
  });
}
