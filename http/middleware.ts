/**
 * Cross-cutting middleware: request ids with access logs, and the error
 * handler that turns every failure into `{detail}` without a stack trace.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./api.ts";
import { HttpError } from "./errors.ts";
import { log } from "../log.ts";

const acceptedRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives each request an id (the client's `X-Request-Id` when sane), echoes it, and logs the request. */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && acceptedRequestId.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    c.header("X-Request-Id", requestId);
    const status = c.res.status;
    log[status >= 500 ? "error" : "info"]("request", {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
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
