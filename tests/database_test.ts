import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { DatabaseLockedError, openPglite, openPostgres } from "../db/client.ts";
import { migrate, readMigrations, rowsOf } from "../db/migrate.ts";
import { testDatabase } from "./helpers/database.ts";
import { dbTest, testDataDir } from "./helpers/app.ts";

const denoArgs = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-sys",
  "--allow-ffi",
];

dbTest("migrations are recorded and applying them again does nothing", async () => {
  const database = await testDatabase();
  assert.deepEqual(await migrate(database.db), []);
  const rows = rowsOf<{ name: string }>(
    await database.db.execute(sql`select name from schema_migrations order by name`),
  );
  assert.deepEqual(rows.map((r) => r.name), (await readMigrations()).map((m) => m.name));
});

dbTest("every query the service runs has an index to use", async () => {
  const database = await testDatabase();
  const rows = rowsOf<{ indexname: string }>(
    await database.db.execute(
      sql`select indexname from pg_indexes where schemaname = current_schema()`,
    ),
  );
  const names = new Set(rows.map((r) => r.indexname));
  for (
    const index of [
      "users_username_key",
      "interviews_user_created_idx",
      "interviews_created_idx",
      "question_answers_interview_question_key",
      "documents_user_purpose_idx",
      "login_throttle_pkey",
    ]
  ) assert.ok(names.has(index), index);
});

Deno.test({
  name: "a second process on the same embedded database folder is refused with a clear message",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = `${await testDataDir()}/pgdata`;
    const holder = new Deno.Command(Deno.execPath(), {
      args: [...denoArgs, new URL("./fixtures/hold_lock.ts", import.meta.url).pathname, dir],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = holder.stdout.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /locked/);
    try {
      await assert.rejects(openPglite(dir), (error: Error) => {
        assert.ok(error instanceof DatabaseLockedError);
        assert.match(error.message, /in use by another process/);
        assert.match(error.message, /DATA_DIR|DATABASE_URL/);
        return true;
      });
    } finally {
      await holder.stdin.close();
      reader.releaseLock();
      await holder.stdout.cancel();
      await holder.status;
    }
  },
});

Deno.test("the server stops with one line when a setting is invalid", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...denoArgs, new URL("../main.ts", import.meta.url).pathname],
    env: { PORT: "not-a-port", DATA_DIR: await testDataDir() },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 2);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.match(stderr, /^Invalid PORT \(got "not-a-port"\): .+$/);
  assert.equal(stderr.split("\n").length, 1);
});

const postgresUrl = Deno.env.get("TEST_DATABASE_URL");

Deno.test({
  name: "instances migrating one PostgreSQL at once apply each migration exactly once",
  ignore: !postgresUrl,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const admin = openPostgres(postgresUrl!, 1);
    const name = `migrate_race_${crypto.randomUUID().replaceAll("-", "")}`;
    await admin.db.execute(sql.raw(`create database ${name}`));
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    const instances = Array.from({ length: 4 }, () => openPostgres(url.href, 2));
    try {
      const results = await Promise.all(instances.map((i) => migrate(i.db)));
      const applied = results.flat();
      assert.deepEqual(applied.sort(), (await readMigrations()).map((m) => m.name).sort());
      const rows = rowsOf<{ n: number | string }>(
        await instances[0].db.execute(sql`select count(*) as n from schema_migrations`),
      );
      assert.equal(Number(rows[0].n), applied.length);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      await admin.db.execute(sql.raw(`drop database ${name}`));
      await admin.close();
    }
  },
});
