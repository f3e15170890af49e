/**
 * Applies the SQL files in `migrations/` in name order, each once, inside a
 * transaction holding an advisory lock so that instances starting together
 * on one PostgreSQL apply them exactly once.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { log } from "../log.ts";

/** Arbitrary constant identifying this service's migration lock. */
const MIGRATION_LOCK_KEY = 727_001;

const migrationsDir = new URL("../migrations/", import.meta.url);

/** A migration file: its name (the version) and its statements. */
export interface Migration {
  name: string;
  statements: string[];
}

/** Reads the migration files; statements are separated by `--> statement-breakpoint`. */
export async function readMigrations(dir: URL = migrationsDir): Promise<Migration[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".sql")) names.push(entry.name);
  }
  names.sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const text = await Deno.readTextFile(new URL(name, dir));
    const statements = text.split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
    migrations.push({ name, statements });
  }
  return migrations;
}

/** Applies pending migrations and returns the names of those applied now. */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? await readMigrations();
  return await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.execute<{ name: string }>(sql`select name from schema_migrations`);
    const applied = new Set(rowsOf<{ name: string }>(rows).map((r) => r.name));
    const appliedNow: string[] = [];
    for (const migration of all) {
      if (applied.has(migration.name)) continue;
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into schema_migrations (name) values (${migration.name})`);
      appliedNow.push(migration.name);
      log.info("applied migration", { name: migration.name });
    }
    return appliedNow;
  });
}

/** postgres.js returns rows as an array, PGlite as `{ rows }`; this reads either. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}
