/**
 * Security headers on every response (hono/secure-headers), with one
 * Content-Security-Policy that fits the web pages and the Swagger UI alike:
 * everything they load, the WebSocket included ('self' covers ws: and wss:),
 * comes from this service, and no page may be framed.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The middleware; register it before every route. */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      // Swagger UI draws its icons as data: images.
      imgSrc: ["'self'", "data:"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    // Front ends on other origins (CORS_ORIGINS) play recordings with <video src>,
    // which a same-origin resource policy would block.
    crossOriginResourcePolicy: false,
    xFrameOptions: "DENY",
  });
}
