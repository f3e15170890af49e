/**
 * WebSocket endpoints: the candidate channel and the observers' channels.
 * Every refusal happens before the upgrade, with an HTTP status.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { AppEnv, AuthUser } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { userForToken } from "../http/authenticate.ts";
import { findVisibleInterview, isStaff } from "../http/access.ts";
import { idParam } from "../http/schemas.ts";
import type { RealtimeHub } from "../realtime/hub.ts";
import { createAccessAudit } from "../http/audit.ts";

/** Subprotocol a client may offer; offering `bearer.<jwt>` next to it carries the token. */
export const SUBPROTOCOL = "interviewer.v1";

function tokenOf(c: Context<AppEnv>): { token: string | undefined; protocols: string[] } {
  const protocols = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim())
    .filter(Boolean);
  const fromProtocol = protocols.find((p) => p.startsWith("bearer."))?.slice("bearer.".length);
  const header = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  return { token: c.req.query("token") ?? fromProtocol ?? header, protocols };
}

/** Browsers always send Origin; pages of this service, or of CORS_ORIGINS, may connect. */
function checkOrigin(c: Context<AppEnv>, allowed: string[]): void {
  const origin = c.req.header("origin");
  if (!origin || allowed.includes("*") || allowed.includes(origin)) return;
  try {
    if (new URL(origin).host === c.req.header("host")) return;
  } catch { /* not a URL: refused below */ }
  throw new HttpError(403, `Origin ${origin} may not open this channel; add it to CORS_ORIGINS.`);
}

async function authenticate(
  c: Context<AppEnv>,
  deps: AppDeps,
): Promise<{ user: AuthUser; protocols: string[] }> {
  if ((c.req.header("upgrade") ?? "").toLowerCase() !== "websocket") {
    throw new HttpError(426, "This is a WebSocket endpoint; connect with a WebSocket client.", {
      Upgrade: "websocket",
    });
  }
  checkOrigin(c, deps.config.CORS_ORIGINS);
  const { token, protocols } = tokenOf(c);
  if (!token) {
    throw new HttpError(
      401,
      "Not authenticated: pass the access token as ?token= or as the subprotocol bearer.<token>.",
    );
  }
  const user = await userForToken(deps.database.db, deps.tokens, token);
  c.set("user", user);
  return { user, protocols };
}

function upgrade(
  c: Context<AppEnv>,
  protocols: string[],
): { socket: WebSocket; response: Response } {
  const protocol = protocols.includes(SUBPROTOCOL) ? SUBPROTOCOL : undefined;
  return Deno.upgradeWebSocket(c.req.raw, { protocol, idleTimeout: 60 });
}

function parseId(value: string | undefined): number {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new HttpError(404, "No such interview.");
  return parsed.data;
}

/** Registers the WebSocket endpoints. */
export function registerRealtimeRoutes(app: Hono<AppEnv>, deps: AppDeps, hub: RealtimeHub): void {
  const { db } = deps.database;
  const audit = createAccessAudit(db, deps.config.TRUST_PROXY);

  app.get("/realtime/interviews/:interview_id", async (c) => {
    const { user, protocols } = await authenticate(c, deps);
    const interviewId = parseId(c.req.param("interview_id"));
    const interview = await findVisibleInterview(db, user, interviewId);
    if (interview.userId !== user.id) {
      throw new HttpError(
        403,
        "Only the interview's candidate can answer it; observers use /observe.",
      );
    }
    if (interview.status !== "in_progress") {
      throw new HttpError(
        409,
        `Interview ${interviewId} is ${interview.status}; there is nothing left to answer.`,
      );
    }
    if (hub.connectionsOf(user.id) >= deps.config.MAX_CONNECTIONS_PER_USER) {
      throw new HttpError(
        429,
        "Too many open connections for this user; close another tab first.",
        {
          "Retry-After": "5",
        },
      );
    }
    const { socket, response } = upgrade(c, protocols);
    hub.acceptCandidate(socket, user, interviewId);
    return response;
  });

  app.get("/realtime/interviews/:interview_id/observe", async (c) => {
    const { user, protocols } = await authenticate(c, deps);
    if (!isStaff(user)) {
      throw new HttpError(403, "Only interviewers and admins can observe interviews.");
    }
    const interviewId = parseId(c.req.param("interview_id"));
    const interview = await findVisibleInterview(db, user, interviewId);
    await audit.view(c, user, {
      action: "view_live",
      targetType: "interview",
      targetId: interviewId,
      interviewId,
      candidateId: interview.userId,
    });
    const { socket, response } = upgrade(c, protocols);
    hub.acceptObserver(socket, interviewId, user.id);
    return response;
  });

  app.get("/realtime/live", async (c) => {
    const { user, protocols } = await authenticate(c, deps);
    if (!isStaff(user)) {
      throw new HttpError(403, "Only interviewers and admins can observe interviews.");
    }
    await audit.view(c, user, { action: "view_live", targetType: "interview", targetId: "all" });
    const { socket, response } = upgrade(c, protocols);
    hub.acceptObserver(socket, null, user.id);
    return response;
  });
}
