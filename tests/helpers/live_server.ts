/**
 * A real HTTP + WebSocket server on the shared test database, with the
 * whole live machinery (bus, job runner, ffmpeg workers, sweeper), for
 * tests of the realtime channel.
 *
 * @module
 */
import { createApp } from "../../app.ts";
import { startLiveRuntime } from "../../realtime/runtime.ts";
import { setupApp, type TestApp } from "./app.ts";
import { settlesWithin } from "../../deadline.ts";

/** A running live test server. */
export interface LiveServer extends TestApp {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** `ws://127.0.0.1:<port>` */
  wsBase: string;
  stop(): Promise<void>;
}

/** How long a test server may take to stop before the test fails. */
const STOP_LIMIT_MS = 30_000;

/**
 * Starts a server; on PostgreSQL (`TEST_DATABASE_URL`) events go through
 * LISTEN/NOTIFY as in production. `env` overrides settings.
 */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const databaseUrl = Deno.env.get("TEST_DATABASE_URL") || undefined;
  const t = await setupApp({ ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env });
  const config = t.deps.config;
  const live = await startLiveRuntime(
    config,
    t.deps.database,
    t.deps.engine,
    t.deps.metrics,
    t.deps.store,
    {
      sweepIntervalMs: 200,
    },
  );
  const deps = { ...t.deps, config, hub: live.hub };
  const app = createApp(deps);
  // Requests whose handler has not returned, so a stop that waits on one can name it.
  const inFlight = new Map<Request, string>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    inFlight.set(req, `${req.method} ${new URL(req.url).pathname}`);
    try {
      return await app.fetch(req);
    } finally {
      inFlight.delete(req);
    }
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    ...t,
    app,
    deps,
    base,
    wsBase: base.replace("http", "ws"),
    async stop() {
      await live.hub.close();
      // A request or job that never ends fails the test that left it instead of hanging the run.
      if (!(await settlesWithin(server.shutdown(), STOP_LIMIT_MS))) {
        const running = [...inFlight.values()].join(", ") || "none waiting on its handler";
        throw new Error(
          `a request was still running ${STOP_LIMIT_MS} ms after shutdown began (${running})`,
        );
      }
      if (!(await settlesWithin(live.stop(), STOP_LIMIT_MS))) {
        throw new Error(`the live runtime (jobs, staging) did not stop within ${STOP_LIMIT_MS} ms`);
      }
    },
  };
}
