import assert from "node:assert/strict";
import { ConfigError, parseConfig, parseDotEnv } from "../config.ts";

Deno.test("defaults apply when nothing is set", () => {
  const config = parseConfig({});
  assert.equal(config.PORT, 8000);
  assert.equal(config.DATA_DIR, "./data");
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.MAX_UPLOAD_MB, 10);
  assert.deepEqual(config.CORS_ORIGINS, ["*"]);
});

Deno.test("bad values fail with one line naming the variable and what is allowed", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "eighty" }, /^Invalid PORT \(got "eighty"\): .*number/],
    [{ PORT: "70000" }, /^Invalid PORT .*65535/],
    [{ DATABASE_URL: "mysql://x" }, /^Invalid DATABASE_URL .*postgres:\/\//],
    [{ JWT_SECRET: "short" }, /^Invalid JWT_SECRET: must be at least 32 characters$/],
    [
      { CORS_ORIGINS: "https://ok.example, not an origin" },
      /^Invalid CORS_ORIGINS .*not an origin/,
    ],
    [{ MAX_UPLOAD_MB: "-1" }, /^Invalid MAX_UPLOAD_MB/],
    [
      { ADMIN_USERNAME: "admin" },
      /^Invalid ADMIN_PASSWORD: set both ADMIN_USERNAME and ADMIN_PASSWORD/,
    ],
    [{ LOG_LEVEL: "loud" }, /^Invalid LOG_LEVEL .*"debug"/],
  ];
  for (const [env, pattern] of cases) {
    assert.throws(() => parseConfig(env), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("secrets are never echoed in configuration errors", () => {
  assert.throws(
    () => parseConfig({ JWT_SECRET: "tiny-secret" }),
    (error: Error) => !error.message.includes("tiny-secret"),
  );
  assert.throws(
    () => parseConfig({ ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "pw-short" }),
    (error: Error) => !error.message.includes("pw-short"),
  );
});

Deno.test("empty values count as unset and origins are split", () => {
  const config = parseConfig({
    PORT: "",
    CORS_ORIGINS: "https://a.example, http://localhost:5173",
  });
  assert.equal(config.PORT, 8000);
  assert.deepEqual(config.CORS_ORIGINS, ["https://a.example", "http://localhost:5173"]);
});

Deno.test(".env files: comments, export, quotes", () => {
  const values = parseDotEnv([
    "# comment",
    "PORT=9000",
    "export HOST=127.0.0.1",
    'JWT_SECRET="with spaces # not a comment"',
    "DATA_DIR=/srv/data # trailing comment",
    "not a line",
  ].join("\n"));
  assert.deepEqual(values, {
    PORT: "9000",
    HOST: "127.0.0.1",
    JWT_SECRET: "with spaces # not a comment",
    DATA_DIR: "/srv/data",
  });
});
