/**
 * `/admin/*`: the access audit, and deleting users and interviews.
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { idParam } from "../http/schemas.ts";
import { auditActions, createAccessAudit } from "../http/audit.ts";
import { deleteInterviewAndData, deleteUserAndData, deletionOut } from "../http/deletion.ts";
import { auditPage } from "../db/audit.ts";
import { userTypes } from "../db/schema.ts";

const auditEntryOut = z.object({
  id: z.number().int(),
  occurred_at: z.string(),
  actor_id: z.number().int(),
  actor_username: z.string().describe("The actor's username when the entry was written"),
  actor_type: z.enum([...userTypes, "system"]).describe(
    "`system` (actor id 0) for what the service does itself, such as recording retention",
  ),
  action: z.enum(auditActions),
  target_type: z.enum(["user", "interview", "recording", "report"]),
  target_id: z.string().describe(
    "User or interview id; `<interview>/<question>/<kind>` for a recording",
  ),
  interview_id: z.number().int().nullable(),
  candidate_id: z.number().int().nullable(),
  candidate_username: z.string().nullable(),
  client_address: z.string(),
  request_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

const auditOut = z.object({
  items: z.array(auditEntryOut),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

const time = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  actor_id: idParam.optional().describe("Only what this user did"),
  action: z.enum(auditActions).optional(),
  interview_id: idParam.optional().describe("Only entries about this interview"),
  user_id: idParam.optional().describe(
    "Only entries about this user: their data viewed or deleted, or the user deleted",
  ),
  since: time.optional().describe("From this instant (inclusive), ISO 8601 with offset"),
  until: time.optional().describe("Before this instant (exclusive), ISO 8601 with offset"),
});

/** Registers the `/admin` routes. */
export function registerAdminRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;
  const audit = createAccessAudit(db, deps.config.TRUST_PROXY);

  api.route({
    method: "get",
    path: "/admin/audit",
    tag: "admin",
    summary: "The access audit, newest first (admins only)",
    description: "Views of recordings, reports and interview details by anyone but the " +
      "interview's candidate, and every deletion. Views of one recording by one viewer within a " +
      "minute are one entry.",
    roles: ["admin"],
    query: auditQuery,
    responses: { 200: { description: "One page of entries", schema: auditOut } },
  }, async (c, { query }) => {
    if (query.since && query.until && query.since >= query.until) {
      throw new HttpError(422, "`since` must be before `until`; swap them or widen the range.");
    }
    const { rows, total } = await auditPage(db, {
      actorId: query.actor_id,
      action: query.action,
      interviewId: query.interview_id,
      userId: query.user_id,
      since: query.since,
      until: query.until,
    }, { limit: query.limit, offset: query.offset });
    return c.json({
      items: rows.map((row) => ({
        id: row.id,
        occurred_at: row.occurredAt.toISOString(),
        actor_id: row.actorId,
        actor_username: row.actorUsername,
        actor_type: row.actorType,
        action: row.action,
        target_type: row.targetType,
        target_id: row.targetId,
        interview_id: row.interviewId,
        candidate_id: row.candidateId,
        candidate_username: row.candidateUsername,
        client_address: row.clientAddress,
        request_id: row.requestId,
        detail: row.detail,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    });
  });

  api.route({
    method: "delete",
    path: "/admin/users/{user_id}",
    tag: "admin",
    summary: "Delete a user and all their data (admins only)",
    description: "Removes the account, its documents, interviews, answers, transcripts, " +
      "proctoring events, jobs and every stored file. Audit entries stay.",
    roles: ["admin"],
    params: z.object({ user_id: idParam }),
    responses: {
      200: { description: "Deleted", schema: deletionOut },
      404: { description: "No such user" },
      409: { description: "The last admin, or one of the user's interviews is live" },
    },
  }, async (c, { params, user }) => {
    const action = params.user_id === user.id ? "delete_account" : "delete_user";
    return c.json(await deleteUserAndData(c, deps, audit, user, params.user_id, action));
  });

  api.route({
    method: "delete",
    path: "/admin/interviews/{interview_id}",
    tag: "admin",
    summary: "Delete an interview with its answers and recordings (admins only)",
    description: "The candidate's account and documents stay. Refused (409) while the " +
      "candidate is connected or an answer is being recorded or processed.",
    roles: ["admin"],
    params: z.object({ interview_id: idParam }),
    responses: {
      200: { description: "Deleted", schema: deletionOut },
      404: { description: "No such interview" },
      409: { description: "The interview is live" },
    },
  }, async (c, { params, user }) => {
    return c.json(await deleteInterviewAndData(c, deps, audit, user, params.interview_id));
  });
}
