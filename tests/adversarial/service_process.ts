/**
 * Runs `main.ts` as its own process for an adversarial test, in a fresh
 * temporary `DATA_DIR`, on the test database (`TEST_DATABASE_URL`, else
 * PGlite), optionally under a low open-file limit, through the benchmark's
 * `startServer`.
 *
 * @module
 */
import { startServer } from "../../bench/processes.ts";

/** A service process under attack. */
export interface AttackedService {
  /** `http://127.0.0.1:<port>` */
  base: string;
  pid: number;
  /** What it printed (warnings and errors; `LOG_LEVEL` is `warn`). */
  log(): Promise<string>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

/** Starts `main.ts` with `env` on top of the benchmark's settings. */
export async function startServiceProcess(
  env: Record<string, string> = {},
  { openFileLimit }: { openFileLimit?: number } = {},
): Promise<AttackedService> {
  const dataDir = await Deno.makeTempDir({ prefix: "adversarial-" });
  const logFile = `${dataDir}.log`;
  const server = await startServer({
    kind: "real",
    dataDir,
    logFile,
    databaseUrl: Deno.env.get("TEST_DATABASE_URL") || undefined,
    env,
    openFileLimit,
  });
  return {
    base: server.base,
    pid: server.pid,
    log: () => Deno.readTextFile(logFile).catch(() => ""),
    alive: () => !server.exited,
    async stop() {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      await Deno.remove(logFile).catch(() => {});
    },
  };
}
