/**
 * The web pages: the candidate page at `/`, the interviewer dashboard at
 * `/dashboard`, and their assets under `/assets/`. The pages are TypeScript
 * in `web/`; the running Deno binary bundles them for the browser
 * (`deno bundle`) on the first request and keeps the result in memory, so
 * there is no separate build step. If bundling fails, the pages say so, the
 * log has the bundler's output, and the API is unaffected.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppEnv } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { log } from "../log.ts";

const projectDir = fileURLToPath(new URL("../", import.meta.url));
const webDir = join(projectDir, "web");
const entries = ["candidate.ts", "dashboard.ts"];
const pages: Record<string, string> = { "/": "candidate.html", "/dashboard": "dashboard.html" };
const assetTypes: Record<string, string> = {
  "candidate.js": "text/javascript; charset=utf-8",
  "dashboard.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};
// Content-Security-Policy and nosniff come from http/security_headers.ts, for every response.
const pageHeaders = { "cache-control": "no-cache" };

/** The files the pages are made of, by name, in memory. */
type Assets = Map<string, Uint8Array<ArrayBuffer>>;

/** Bundles the entry points into a scratch folder in DATA_DIR and reads everything into memory. */
async function buildAssets(dataDir: string): Promise<Assets> {
  await Deno.mkdir(dataDir, { recursive: true });
  const outDir = await Deno.makeTempDir({ dir: dataDir, prefix: ".web-bundle-" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--format",
        "esm",
        "--outdir",
        outDir,
        ...entries.map((entry) => join(webDir, entry)),
      ],
      cwd: projectDir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      // The bundler's own "experimental" banner and Rust backtrace say nothing about the cause.
      const output = new TextDecoder().decode(stderr).split("Stack backtrace:")[0]
        .split("\n").filter((line) => !line.includes("is experimental")).join("\n").trim();
      throw new Error(`deno bundle exited with code ${code}:\n${output}`);
    }
    const assets: Assets = new Map();
    for (const entry of entries) {
      const name = entry.replace(/\.ts$/, ".js");
      assets.set(name, await Deno.readFile(join(outDir, name)));
    }
    for (const name of ["style.css", ...Object.values(pages)]) {
      assets.set(name, await Deno.readFile(join(webDir, name)));
    }
    return assets;
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function failurePage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>AI Interviewer — page unavailable</title></head>
<body>
<main>
<h1>This page could not be built</h1>
<p>The server failed to bundle the page's code, so the page cannot load. The API still works;
the server log has the details.</p>
<pre>${escapeHtml(message)}</pre>
</main>
</body>
</html>`;
}

/**
 * Registers `/`, `/dashboard` and `/assets/*`. The bundle is built on the
 * first request to any of them (every request waits for that one build);
 * after a failure the next request tries again.
 */
export function registerWebRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  let build: Promise<Assets> | undefined;
  const assets = (): Promise<Assets> => {
    if (!build) {
      const started = performance.now();
      build = buildAssets(deps.config.DATA_DIR).then((built) => {
        log.info("web pages bundled", { ms: Math.round(performance.now() - started) });
        return built;
      }, (error) => {
        build = undefined;
        log.error("bundling the web pages failed; the API keeps working", { error });
        throw error;
      });
    }
    return build;
  };

  const page = (file: string) => async (c: Context<AppEnv>) => {
    try {
      const html = new TextDecoder().decode((await assets()).get(file));
      return c.html(html, 200, pageHeaders);
    } catch (error) {
      return c.html(failurePage(error), 503, pageHeaders);
    }
  };
  for (const [path, file] of Object.entries(pages)) app.get(path, page(file));

  app.get("/assets/:name", async (c) => {
    const name = c.req.param("name");
    const type = assetTypes[name];
    if (!type) return c.json({ detail: "Not Found" }, 404);
    try {
      return c.body((await assets()).get(name)!, 200, {
        "content-type": type,
        "cache-control": "no-cache",
      });
    } catch {
      return c.json({ detail: "The web pages could not be built; see the server log." }, 503);
    }
  });
}
