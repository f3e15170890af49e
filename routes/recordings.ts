/**
 * Recordings of answers, served with Range requests so players can seek.
 * They are read from the object store (`STORAGE`), through this server.
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { findVisibleInterview } from "../http/access.ts";
import { idParam } from "../http/schemas.ts";
import { findQuestion, type QuestionAnswerRow } from "../db/interviews.ts";
import { userTypes } from "../db/schema.ts";
import { createAccessAudit } from "../http/audit.ts";
import { RangeNotSatisfiableError, type StoredObject } from "../media/object_store.ts";

const kinds = ["camera", "screen", "audio", "combined", "wav"] as const;
/** A kind of recording an answer may have. */
export type RecordingKind = typeof kinds[number];
type Kind = RecordingKind;

/** Every kind of recording, in the order the links list them. */
export const recordingKinds: readonly RecordingKind[] = kinds;

const contentTypes: Record<Kind, string> = {
  camera: "video/webm",
  screen: "video/webm",
  audio: "audio/webm",
  combined: "video/webm",
  wav: "audio/wav",
};

/** The object store key of recording `kind` of an answer; null when there is none. */
export function recordingPathOf(row: QuestionAnswerRow, kind: Kind): string | null {
  switch (kind) {
    case "camera":
      return row.cameraRecordingPath;
    case "screen":
      return row.screenRecordingPath;
    case "audio":
      return row.audioRecordingPath;
    case "combined":
      return row.combinedRecordingPath;
    case "wav":
      return row.media?.wavPath ?? null;
  }
}

/** Parses a single `bytes=` range against `size`; null when absent, "invalid" when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return "invalid";
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "invalid";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return { start, end };
}

/** Registers the recordings route. */
export function registerRecordingRoutes(api: Api, deps: AppDeps): void {
  const audit = createAccessAudit(deps.database.db, deps.config.TRUST_PROXY);
  api.route({
    method: "get",
    path: "/interview/{interview_id}/questions/{question_id}/recordings/{kind}",
    tag: "interview",
    summary: "A recording of an answer (Range requests supported)",
    description:
      "For the candidate who made it, interviewers and admins. Media players cannot send headers: " +
      "use a signed link from GET /interview/{interview_id}/links (short-lived, no token in the " +
      "URL). ?token= is still accepted for older clients.",
    roles: userTypes,
    tokenInQuery: true,
    signedLink: true,
    params: z.object({
      interview_id: idParam,
      question_id: z.coerce.number().int().min(1).max(65535),
      kind: z.enum(kinds),
    }),
    responses: {
      200: { description: "The whole file" },
      206: { description: "The requested byte range" },
      404: { description: "No such recording visible to you" },
      410: {
        description: "Deleted under the recording retention policy (RECORDING_RETENTION_DAYS)",
      },
      416: { description: "The range lies outside the file" },
    },
  }, async (c, { params, user }) => {
    const interview = await findVisibleInterview(deps.database.db, user, params.interview_id);
    const row = await findQuestion(deps.database.db, interview.id, params.question_id);
    const relative = row ? recordingPathOf(row, params.kind) : null;
    if (!relative && row?.recordingsRemovedAt) {
      throw new HttpError(
        410,
        `The recordings of this answer were deleted on ${row.recordingsRemovedAt.toISOString()} ` +
          "under the recording retention policy; its transcript and score are kept.",
      );
    }
    if (!relative) {
      throw new HttpError(404, `There is no ${params.kind} recording for this question.`);
    }
    // Bytes go through this server, not a presigned bucket URL: a URL the
    // bucket serves would bypass the visibility check above and the audit
    // entry below, and would stay valid after access is taken away.
    const stored = await deps.store.stat(relative);
    if (!stored) throw new HttpError(404, "The recording file is missing on the server.");
    const size = stored.size;
    // Recorded before any byte is sent: an unrecorded view must not happen.
    await audit.view(c, user, {
      action: "view_recording",
      targetType: "recording",
      targetId: `${interview.id}/${params.question_id}/${params.kind}`,
      interviewId: interview.id,
      candidateId: interview.userId,
    });
    const headers: Record<string, string> = {
      "content-type": contentTypes[params.kind],
      "accept-ranges": "bytes",
      "cache-control": "private, max-age=3600",
    };
    const unsatisfiable = (total: number) =>
      new HttpError(416, `The requested range is outside the ${total}-byte file.`, {
        "content-range": `bytes */${total}`,
      });
    const range = parseRange(c.req.header("range"), size);
    if (range === "invalid") throw unsatisfiable(size);
    let object: StoredObject | null;
    try {
      // The read from the store stops with the request: a closed tab or a seek ends it.
      object = await deps.store.get(relative, range ?? undefined, c.req.raw.signal);
    } catch (error) {
      // The viewer left before the store answered: nobody to answer (499, as nginx logs it).
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      // The object changed between stat and get (e.g. shortened): its new size decides.
      if (error instanceof RangeNotSatisfiableError) {
        throw unsatisfiable((await deps.store.stat(relative))?.size ?? 0);
      }
      throw error;
    }
    if (!object) throw new HttpError(404, "The recording file is missing on the server.");
    const length = object.end - object.start + 1;
    if (range === null) {
      return c.body(object.body, 200, { ...headers, "content-length": String(length) });
    }
    return c.body(object.body, 206, {
      ...headers,
      "content-length": String(length),
      "content-range": `bytes ${object.start}-${object.end}/${object.size}`,
    });
  });
}
