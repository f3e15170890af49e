/**
 * Builds the application in process for tests, on the shared test database,
 * and small helpers to call it.
 *
 * @module
 */
import type { Hono } from "hono";
import { parseConfig } from "../../config.ts";
import { createApp } from "../../app.ts";
import type { AppEnv } from "../../http/api.ts";
import type { AppDeps } from "../../http/deps.ts";
import { createPasswordHasher, type PasswordHasher } from "../../auth/passwords.ts";
import { createTokenService } from "../../auth/tokens.ts";
import { createAccount } from "../../auth/accounts.ts";
import { createEngine } from "../../ai/index.ts";
import type { InterviewEngine } from "../../ai/engine.ts";
import type { UserType } from "../../db/schema.ts";
import { setLogLevel } from "../../log.ts";
import { createMetrics } from "../../metrics.ts";
import { createObjectStore } from "../../media/object_store.ts";
import { resetDatabase, testDatabase } from "./database.ts";
import { testStorageEnv } from "./storage.ts";

setLogLevel("error");

/** The secret tests sign with; exported so tests can forge tokens with other claims. */
export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

let hasher: PasswordHasher | undefined;

const dataDirs: string[] = [];
// Recordings and uploads of every test go away with the test process.
globalThis.addEventListener("unload", () => {
  for (const dir of dataDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** A test application and its dependencies. */
export interface TestApp {
  app: Hono<AppEnv>;
  deps: AppDeps;
  /** Sends a request to the app; `body` objects are sent as JSON. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Creates a user of any role directly and returns a token for it. */
  user(
    username: string,
    userType?: UserType,
    password?: string,
  ): Promise<{ id: number; token: string }>;
}

/** A fresh temporary folder, removed when the test process ends. */
export async function testDataDir(prefix = "interviewer-test-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  dataDirs.push(dir);
  return dir;
}

/**
 * Resets the shared database and builds a fresh app. `env` overrides
 * configuration values (as environment strings).
 */
export async function setupApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await testDatabase();
  await resetDatabase(database);
  const dataDir = await testDataDir();
  const config = parseConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "error",
    ...env,
  });
  hasher ??= createPasswordHasher();
  const metrics = createMetrics(database);
  const deps: AppDeps = {
    config,
    database,
    metrics,
    store: await createObjectStore(config),
    engine: createEngine(config, metrics.aiCalls),
    passwords: hasher,
    tokens: createTokenService(
      new TextEncoder().encode(TEST_JWT_SECRET),
      config.JWT_TTL_MINUTES * 60,
    ),
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: BodyInit | undefined;
      if (
        options.body instanceof FormData || typeof options.body === "string" ||
        options.body instanceof Uint8Array
      ) {
        body = options.body as BodyInit;
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    async user(username, userType = "candidate", password = "correct horse battery") {
      const user = await createAccount(database.db, deps.passwords, {
        username,
        password,
        userType,
      });
      const { token } = await deps.tokens.issue(user.id);
      return { id: user.id, token };
    },
  };
}

/**
 * {@linkcode setupApp} on the test S3 server when `TEST_S3_ENDPOINT` is set
 * (a fresh bucket), else on `STORAGE=fs`.
 */
export async function setupStorageApp(env: Record<string, string> = {}): Promise<TestApp> {
  return await setupApp({ ...await testStorageEnv(), ...env });
}

/** `Deno.test` for tests that use the shared database and password workers, which outlive one test. */
export function dbTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

/**
 * Records the `owner` of every answer the engine evaluates from now on (the
 * engine still evaluates them), in order.
 */
export function recordEvaluationOwners(engine: InterviewEngine): (string | undefined)[] {
  const owners: (string | undefined)[] = [];
  const evaluate = engine.evaluateAnswer.bind(engine);
  engine.evaluateAnswer = (question, text, owner) => {
    owners.push(owner);
    return evaluate(question, text, owner);
  };
  return owners;
}
