/**
 * `/health`, `/metrics`, `/openapi.json` and the Swagger UI at `/docs`.
 *
 * @module
 */
import type { Hono } from "hono";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Api, AppEnv } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { buildOpenApiDocument } from "../http/openapi.ts";
import { ping } from "../db/client.ts";

const swaggerDir = new URL("../node_modules/swagger-ui-dist/", import.meta.url);
const swaggerAssets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI Interviewer API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

// No validator badge: it would load an image from validator.swagger.io, which the CSP refuses.
const docsInit = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", ` +
  `persistAuthorization: true, validatorUrl: null });`;

/** Whether `given` is `expected`, in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  // Digests have equal lengths, which timingSafeEqual needs, and hide the token's length.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Registers health, metrics, OpenAPI and docs routes. Call after every API route is registered. */
export function registerSystemRoutes(
  app: Hono<AppEnv>,
  api: Api,
  deps: AppDeps,
  version: string,
): void {
  // Checks that arrive while one is under way share its answer, so that
  // monitors polling a busy database do not queue a statement each.
  let pinging: Promise<boolean> | undefined;
  app.get("/health", async (c) => {
    pinging ??= ping(deps.database.db).finally(() => pinging = undefined);
    const database = await pinging;
    return c.json(
      {
        status: database ? "ok" : "degraded",
        database: database ? "ok" : "unreachable",
        database_kind: deps.database.kind,
        version,
      },
      database ? 200 : 503,
    );
  });

  // Prometheus text format. With METRICS_TOKEN set, scrapers send it as a bearer token.
  app.get("/metrics", async (c) => {
    const token = deps.config.METRICS_TOKEN;
    if (token) {
      const given = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
      if (!sameSecret(given, token)) {
        return c.json({ detail: "Send Authorization: Bearer <METRICS_TOKEN>." }, 401, {
          "WWW-Authenticate": "Bearer",
        });
      }
    }
    const { registry } = deps.metrics;
    return c.body(await registry.metrics(), 200, {
      "content-type": registry.contentType,
      "cache-control": "no-store",
    });
  });

  let document: Record<string, unknown> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(api.specs, version);
    return c.json(document);
  });

  app.get("/docs", (c) => c.html(docsPage));
  app.get(
    "/docs/init.js",
    (c) => c.body(docsInit, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/docs/assets/:name", async (c) => {
    const name = c.req.param("name");
    const type = swaggerAssets[name];
    if (!type) return c.json({ detail: "Not Found" }, 404);
    const file = await Deno.open(new URL(name, swaggerDir));
    return c.body(file.readable, 200, {
      "content-type": type,
      "cache-control": "public, max-age=86400",
    });
  });
}
