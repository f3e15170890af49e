/**
 * Opens the database: PostgreSQL through postgres.js when a URL is given,
 * otherwise an embedded PGlite in a folder guarded by an exclusive lock.
 * Both are wrapped in the same drizzle interface.
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import * as schema from "./schema.ts";
import { PrivateNodeFS } from "./private_nodefs.ts";
import { log } from "../log.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../media/storage.ts";

/** The typed query builder shared by both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** How much of the database this instance is using now, for `/metrics`. */
export interface DatabaseLoad {
  /** Connections the instance may open (PGlite: one). */
  connections: number;
  /** Statements and transactions started and not yet settled; beyond `connections` they wait. */
  inFlight: number;
}

/**
 * `client` with each call of `methods` counted in `load.inFlight` until it
 * settles. The drivers keep no pool statistics, so use is measured where
 * drizzle hands them work: a statement outside a transaction, or a whole
 * transaction, holds (or waits for) one connection.
 */
function countInFlight<T extends object>(client: T, methods: string[], load: DatabaseLoad): T {
  const settled = () => load.inFlight--;
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      // On the client itself, not the proxy, whose methods may use private fields.
      if (!methods.includes(key as string)) return value.bind(target);
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        load.inFlight++;
        // Promise.resolve subscribes a microtask later: postgres.js sends a statement once
        // something subscribes, and drizzle still calls .values() on it first.
        Promise.resolve(result).then(settled, settled);
        return result;
      };
    },
  });
}

/** An open database and how to close it. */
export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  load: DatabaseLoad;
  /** Closes connections and releases the folder lock. */
  close(): Promise<void>;
}

/** Raised when the embedded database folder is in use by another process. */
export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

/** Connects to PostgreSQL at `url` with a pool of `poolSize` connections. */
export function openPostgres(url: string, poolSize: number): Database {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connection: { application_name: "ai-interviewer" },
  });
  const load = { connections: poolSize, inFlight: 0 };
  return {
    db: drizzlePostgres(countInFlight(client, ["unsafe", "begin"], load), {
      schema,
    }) as unknown as Db,
    kind: "postgres",
    load,
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Takes an exclusive lock on `<dir>.lock`. PGlite gives a second process on
 * the same folder no error and silently loses its writes, so a second
 * process must stop here instead. The OS drops the lock when the process
 * dies, even after `kill -9`.
 */
export async function lockDataFolder(dir: string): Promise<Deno.FsFile> {
  const lockPath = `${dir}.lock`;
  const file = await Deno.open(lockPath, { create: true, write: true, mode: PRIVATE_FILE_MODE });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const locked = await Promise.race([
    file.lock(true).then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 1500)),
  ]);
  clearTimeout(timer);
  if (!locked) {
    file.close();
    throw new DatabaseLockedError(
      `The embedded database in ${dir} is in use by another process. ` +
        `Stop that process, or give this one another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.`,
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  return file;
}

/**
 * Opens (creating if needed) an embedded PGlite database in `dir`. The first
 * start runs initdb in WebAssembly and takes several seconds, so progress
 * is logged while it runs.
 */
export async function openPglite(dir: string): Promise<Database> {
  await Deno.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const lock = await lockDataFolder(dir);
  let isNew = true;
  try {
    isNew = (await Array.fromAsync(Deno.readDir(dir))).length === 0;
  } catch { /* treated as new */ }
  const started = performance.now();
  log.info(
    isNew
      ? "creating embedded database (the first start takes 5-20 s)"
      : "opening embedded database",
    {
      dir,
    },
  );
  const ticker = setInterval(() => {
    log.info("embedded database still starting", {
      elapsed_s: Math.round((performance.now() - started) / 1000),
    });
  }, 3000);
  let client: PGlite;
  try {
    client = await PGlite.create({ fs: new PrivateNodeFS(dir) });
  } catch (error) {
    lock.close();
    throw error;
  } finally {
    clearInterval(ticker);
  }
  log.info("embedded database ready", { dir, ms: Math.round(performance.now() - started) });
  return {
    ...wrapPglite(client),
    close: async () => {
      await client.close();
      lock.close();
    },
  };
}

/** Wraps an already open PGlite instance (tests share one per process). */
export function wrapPglite(client: PGlite): Database {
  const load = { connections: 1, inFlight: 0 };
  return {
    db: drizzlePglite(countInFlight(client, ["query", "exec", "transaction"], load), {
      schema,
    }) as unknown as Db,
    kind: "pglite",
    load,
    close: () => client.close(),
  };
}

/** Whether the database answers a trivial query. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the database the configuration names: PostgreSQL at `DATABASE_URL`,
 * or PGlite in `DATA_DIR/pgdata`.
 */
export function openDatabase(
  config: { DATABASE_URL?: string; DATABASE_POOL_SIZE: number; DATA_DIR: string },
): Promise<Database> {
  if (config.DATABASE_URL) {
    return Promise.resolve(openPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE));
  }
  return openPglite(`${config.DATA_DIR}/pgdata`);
}
