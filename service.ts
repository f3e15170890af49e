/**
 * Starts and stops the whole service: database, migrations, admin account,
 * HTTP server. Kept apart from `main.ts` so tests can start real servers.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { prepareDataDir } from "./media/storage.ts";
import { createObjectStore } from "./media/object_store.ts";
import { migrate } from "./db/migrate.ts";
import { createPasswordHasher } from "./auth/passwords.ts";
import { createTokenService, loadJwtSecret } from "./auth/tokens.ts";
import { ensureAdmin } from "./auth/accounts.ts";
import { createEngine } from "./ai/index.ts";
import { createApp } from "./app.ts";
import { startLiveRuntime } from "./realtime/runtime.ts";
import { frontDoorOptions, openFrontDoor } from "./http/front_door.ts";
import { log } from "./log.ts";
import { createMetrics } from "./metrics.ts";

/** A running service. */
export interface RunningService {
  /** The port it listens on (useful when `PORT=0`). */
  port: number;
  /** Stops accepting requests, finishes those in flight and closes the database. */
  stop(): Promise<void>;
}

/** Starts the service described by `config`. */
export async function startService(config: Config): Promise<RunningService> {
  // First, so that limits that do not fit the open-file limit stop the start at once.
  const doorOptions = frontDoorOptions(config);
  await prepareDataDir(config.DATA_DIR);
  const database = await openDatabase(config);
  const passwords = createPasswordHasher({ maxQueued: config.PASSWORD_QUEUE_MAX });
  try {
    const applied = await migrate(database.db);
    log.info("database ready", { kind: database.kind, migrations_applied: applied.length });
    log.info("AI engine", { provider: config.AI_PROVIDER, model: config.AI_MODEL ?? null });
    if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD) {
      await ensureAdmin(database.db, passwords, config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
    }
  } catch (error) {
    passwords.close();
    await database.close();
    throw error;
  }
  const tokens = createTokenService(
    await loadJwtSecret(config.JWT_SECRET, config.DATA_DIR),
    config.JWT_TTL_MINUTES * 60,
  );
  const metrics = createMetrics(database);
  const engine = createEngine(config, metrics.aiCalls);
  const store = await createObjectStore(config);
  const live = await startLiveRuntime(config, database, engine, metrics, store);
  const app = createApp({
    config,
    database,
    engine,
    passwords,
    tokens,
    metrics,
    store,
    hub: live.hub,
  });
  const door = openFrontDoor(doorOptions, app.fetch);
  const { hostname, port } = door.addr;
  log.info("listening", { url: `http://${hostname}:${port}`, docs: `/docs` });
  return {
    port,
    async stop() {
      await live.hub.close();
      await door.shutdown();
      await live.stop();
      passwords.close();
      await database.close();
      log.info("stopped");
    },
  };
}
