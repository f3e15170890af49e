/**
 * Cross-cutting middleware: request ids with access logs and request
 * metrics, and the error handler that turns every failure into `{detail}`
 * without a stack trace.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { AppEnv } from "./api.ts";
import { HttpError } from "./errors.ts";
import { log } from "../log.ts";
import type { Metrics } from "../metrics.ts";

const acceptedRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

const knownMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * The route pattern that answered, e.g. `/interview/:interview_id`, so that
 * metric labels stay few whatever paths clients make up. After the chain has
 * run, the current handler is the one that answered; when no route matched,
 * that is a middleware (`/*`), and all such requests share one label.
 */
function routeLabel(c: Context<AppEnv>): string {
  const pattern = routePath(c);
  return pattern === "/*" || pattern === "*" || pattern === "" ? "unmatched" : pattern;
}

/**
 * Gives each request an id (the client's `X-Request-Id` when sane), echoes
 * it, logs the request and records it in `metrics`.
 */
export function requestLog(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && acceptedRequestId.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    c.header("X-Request-Id", requestId);
    const status = c.res.status;
    const seconds = (performance.now() - started) / 1000;
    metrics.httpDuration.observe(
      {
        // Any token is a method on the wire; made-up ones share a label too.
        method: knownMethods.has(c.req.method) ? c.req.method : "other",
        route: routeLabel(c),
        status,
      },
      seconds,
    );
    log[status >= 500 ? "error" : "info"]("request", {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      user_id: c.get("user")?.id,
    });
  };
}

/** Converts thrown errors into responses; unexpected ones are logged and answered with a bare 500. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof HttpError) {
    return c.json({ detail: error.detail }, error.status as 400, error.headers);
  }
  if (error instanceof HTTPException) {
    return c.json({ detail: error.message || "Request failed" }, error.status);
  }
  log.error("unhandled error", { request_id: c.get("requestId"), path: c.req.path, error });
  return c.json({
    detail:
      "Internal server error. The error was logged; quote the X-Request-Id header when reporting it.",
  }, 500);
}
