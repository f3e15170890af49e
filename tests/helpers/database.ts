/**
 * One database per test process: PGlite in memory by default (restored from
 * a cached snapshot, since a fresh PGlite takes 10+ s to initialise), or the
 * PostgreSQL at `TEST_DATABASE_URL`. Tests reset it with {@link resetDatabase}.
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { type Database, openPostgres, wrapPglite } from "../../db/client.ts";
import { migrate, readMigrations } from "../../db/migrate.ts";
import { sha256Hex } from "../../media/storage.ts";

const cacheDir = new URL("../../.test-cache/", import.meta.url);

async function snapshotName(): Promise<string> {
  const migrations = await readMigrations();
  const text = JSON.stringify(migrations);
  return `pglite-${(await sha256Hex(new TextEncoder().encode(text))).slice(0, 16)}.tar.gz`;
}

async function openTestPglite(): Promise<Database> {
  const snapshot = new URL(await snapshotName(), cacheDir);
  try {
    const bytes = await Deno.readFile(snapshot);
    return wrapPglite(await PGlite.create({ loadDataDir: new Blob([bytes]) }));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const client = await PGlite.create();
  const database = wrapPglite(client);
  await migrate(database.db);
  const dump = await client.dumpDataDir("gzip");
  await Deno.mkdir(cacheDir, { recursive: true });
  const temporary = new URL(`${crypto.randomUUID()}.tmp`, cacheDir);
  await Deno.writeFile(temporary, new Uint8Array(await dump.arrayBuffer()));
  await Deno.rename(temporary, snapshot);
  return database;
}

let shared: Promise<Database> | undefined;

/** The test process's database, migrated. */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const url = Deno.env.get("TEST_DATABASE_URL");
    if (!url) return await openTestPglite();
    const database = openPostgres(url, 4);
    await migrate(database.db);
    return database;
  })();
  return shared;
}

/** Empties every table and restarts ids. */
export async function resetDatabase(database: Database): Promise<void> {
  await database.db.execute(
    sql`truncate users, documents, interviews, question_answers, login_throttle, address_throttle,
      transcript_segments, proctoring_events, jobs, event_payloads, audit_log restart identity cascade`,
  );
}
