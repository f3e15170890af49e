/**
 * Builds the HTTP application from its dependencies. `main.ts` serves it;
 * the tests call it in process.
 *
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { Api, type AppEnv } from "./http/api.ts";
import type { AppDeps } from "./http/deps.ts";
import { createAuthenticator } from "./http/authenticate.ts";
import { handleError, requestLog } from "./http/middleware.ts";
import { securityHeaders } from "./http/security_headers.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerJdResumeRoutes } from "./routes/jd_resume.ts";
import { registerInterviewRoutes } from "./routes/interview.ts";
import { registerPerformanceRoutes } from "./routes/performance.ts";
import { registerSystemRoutes } from "./routes/system.ts";
import { registerRecordingRoutes } from "./routes/recordings.ts";
import { registerLinkRoutes } from "./routes/links.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerRealtimeRoutes } from "./routes/realtime.ts";
import { registerWebRoutes } from "./routes/web.ts";

/** The service version, shown in `/health` and the OpenAPI document. */
export const VERSION = "0.1.0";

/** Creates the Hono app with every route and middleware. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestLog(deps.metrics));
  app.use(securityHeaders());
  const origins = deps.config.CORS_ORIGINS;
  app.use(cors({
    origin: origins.includes("*") ? "*" : origins,
    allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
    exposeHeaders: ["Retry-After", "X-Request-Id", "Content-Range", "Accept-Ranges"],
    maxAge: 600,
  }));
  app.onError(handleError);
  app.notFound((c) => c.json({ detail: "Not Found" }, 404));

  const api = new Api(
    app,
    createAuthenticator(deps.database.db, deps.tokens),
    deps.config.MAX_BODY_KB * 1024,
  );
  registerAuthRoutes(api, deps);
  registerJdResumeRoutes(api, deps);
  registerInterviewRoutes(api, deps);
  registerPerformanceRoutes(api, deps);
  registerRecordingRoutes(api, deps);
  registerLinkRoutes(api, deps);
  registerAdminRoutes(api, deps);
  if (deps.hub) registerRealtimeRoutes(app, deps, deps.hub);
  registerWebRoutes(app, deps);
  registerSystemRoutes(app, api, deps, VERSION);
  return app;
}
