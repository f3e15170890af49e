/**
 * `deno task bench`: HTTP API latency on a real PostgreSQL holding 10,000
 * interviews and 100,000 answers. Uses `BENCH_DATABASE_URL` when set (the
 * database is emptied), otherwise starts a throw-away PostgreSQL 15 with
 * `scripts/temp_postgres.sh`. Prints a Markdown table for docs/benchmarks.md.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import { parseConfig } from "../config.ts";
import { openPostgres } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { createApp } from "../app.ts";
import { createPasswordHasher } from "../auth/passwords.ts";
import { createTokenService } from "../auth/tokens.ts";
import { OfflineEngine } from "../ai/offline_engine.ts";
import { setLogLevel } from "../log.ts";
import { createMetrics } from "../metrics.ts";
import { createFsObjectStore } from "../media/object_store.ts";

const CANDIDATES = 1_000;
const INTERVIEWS_PER_CANDIDATE = 10;
const ANSWERS_PER_INTERVIEW = 10;

setLogLevel("error");

function progress(message: string): void {
  console.error(`[bench] ${message}`);
}

async function startTemporaryPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const script = new URL("../scripts/temp_postgres.sh", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "bench-postgres-" });
  const port = String(56000 + Math.floor(Math.random() * 1000));
  const started = await new Deno.Command("bash", {
    args: [script, "start", dir, port],
    stderr: "inherit",
  }).output();
  if (!started.success) {
    throw new Error("could not start a temporary PostgreSQL; set BENCH_DATABASE_URL instead");
  }
  return {
    url: new TextDecoder().decode(started.stdout).trim(),
    stop: async () => {
      await new Deno.Command("bash", { args: [script, "stop", dir] }).output();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(
  name: string,
  runs: number,
  operation: (i: number) => Promise<Response>,
): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await operation(i);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`${name} answered ${response.status}`);
  }
  times.sort((a, b) => a - b);
  const row = `| ${name} | ${runs} | ${percentile(times, 50).toFixed(2)} | ${
    percentile(times, 99).toFixed(2)
  } |`;
  progress(row);
  return row;
}

const external = Deno.env.get("BENCH_DATABASE_URL");
const temporary = external ? undefined : await startTemporaryPostgres();
const database = openPostgres(external ?? temporary!.url, 10);
const passwords = createPasswordHasher();
try {
  await migrate(database.db);
  const { db } = database;
  await db.execute(
    sql`truncate users, documents, interviews, question_answers, login_throttle, jobs restart identity cascade`,
  );

  progress(
    `seeding ${CANDIDATES * INTERVIEWS_PER_CANDIDATE} interviews and ${
      CANDIDATES * INTERVIEWS_PER_CANDIDATE * ANSWERS_PER_INTERVIEW
    } answers`,
  );
  const seedStarted = performance.now();
  const hash = await passwords.hash("bench-password-1");
  await db.execute(sql`insert into users (username, password, user_type)
    select 'candidate' || g, ${hash}, 'candidate' from generate_series(1, ${CANDIDATES}) g`);
  await db.execute(
    sql`insert into users (username, password, user_type) values ('bench-admin', ${hash}, 'admin')`,
  );
  await db.execute(sql`insert into interviews (user_id, interview_name, status, engine, created_at)
    select u.id, 'Interview ' || g, 'completed', 'offline', now() - ((u.id * ${INTERVIEWS_PER_CANDIDATE} + g) || ' minutes')::interval
    from users u cross join generate_series(1, ${INTERVIEWS_PER_CANDIDATE}) g where u.user_type = 'candidate'`);
  await db.execute(
    sql`insert into question_answers (user_id, interview_id, question_id, question_text, status,
      answer_text, ai_answer, ai_remark, candidate_score, candidate_grade, topic, question_kind, topic_source, key_points, answered_at,
      position)
    select i.user_id, i.id, g, 'Question ' || g || ' about PostgreSQL indexing?', 'ANSWERED',
      'An answer of moderate length about indexes, query plans and trade-offs.', 'Reference answer.', 'Covered: indexes.',
      (i.id * 7 + g * 3) % 11, 'C', 'PostgreSQL', 'technical', 'both', '[]'::jsonb, now(), g * 1000
    from interviews i cross join generate_series(1, ${ANSWERS_PER_INTERVIEW}) g`,
  );
  await db.execute(sql`analyze`);
  progress(`seeded in ${Math.round(performance.now() - seedStarted)} ms`);

  const config = parseConfig({
    DATA_DIR: await Deno.makeTempDir(),
    JWT_SECRET: "bench-secret-".padEnd(40, "x"),
    LOGIN_MAX_FAILURES: "1000",
    // Every login comes from this one address.
    AUTH_ATTEMPTS_PER_ADDRESS: "100000",
  });
  const tokens = createTokenService(new TextEncoder().encode(config.JWT_SECRET!), 3600);
  const app = createApp({
    config,
    database,
    engine: new OfflineEngine(),
    passwords,
    tokens,
    metrics: createMetrics(database),
    store: createFsObjectStore(config.DATA_DIR),
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(base + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const get = (path: string, token: string) =>
    fetch(base + path, { headers: { authorization: `Bearer ${token}` } });

  const candidateToken = (await tokens.issue(1)).token;
  const adminToken = (await tokens.issue(CANDIDATES + 1)).token;
  await post("/jd_resume/upload_jd", {
    text:
      "Backend engineer: TypeScript, PostgreSQL, Kubernetes, Redis, AWS, Docker, REST APIs, system design.",
  }, candidateToken);

  const rows: string[] = [];
  rows.push(
    await measure("POST /auth/login", 100, () =>
      post("/auth/login", {
        username: `candidate${1 + Math.floor(Math.random() * CANDIDATES)}`,
        password: "bench-password-1",
      })),
  );
  const startedIds: number[] = [];
  rows.push(
    await measure("POST /interview/start_interview (5 questions)", 200, async () => {
      const response = await post("/interview/start_interview", {
        interview_name: "Bench",
        question_count: 5,
      }, candidateToken);
      const clone = response.clone();
      startedIds.push((await clone.json()).interview_id);
      return response;
    }),
  );
  rows.push(
    await measure(
      "POST /interview/answer_question",
      500,
      (i) =>
        post("/interview/answer_question", {
          interview_id: startedIds[Math.floor(i / 5) % startedIds.length],
          question_id: (i % 5) + 1,
          answer_text:
            "In my last project I used PostgreSQL with partial indexes; p99 went from 80 ms to 12 ms after I rewrote two queries.",
        }, candidateToken),
    ),
  );
  rows.push(
    await measure(
      "GET /api/performance/summary (candidate)",
      1000,
      () => get("/api/performance/summary", candidateToken),
    ),
  );
  rows.push(
    await measure(
      "GET /api/performance/summary (admin, all, page 1)",
      1000,
      () => get("/api/performance/summary?limit=20", adminToken),
    ),
  );
  rows.push(
    await measure(
      "GET /api/performance/summary (admin, offset 9000)",
      1000,
      () => get("/api/performance/summary?limit=20&offset=9000", adminToken),
    ),
  );
  rows.push(
    await measure(
      "GET /api/performance/summary (admin, by username)",
      1000,
      (i) => get(`/api/performance/summary?username=candidate${(i % CANDIDATES) + 1}`, adminToken),
    ),
  );
  rows.push(
    await measure("GET /api/performance/details/{id}", 1000, (i) =>
      get(
        `/api/performance/details/${(i * 37) % (CANDIDATES * INTERVIEWS_PER_CANDIDATE) + 1}`,
        adminToken,
      )),
  );
  await server.shutdown();

  console.log(
    `\nPostgreSQL with ${CANDIDATES * INTERVIEWS_PER_CANDIDATE} interviews and ${
      CANDIDATES * INTERVIEWS_PER_CANDIDATE * ANSWERS_PER_INTERVIEW
    } answers; sequential requests over loopback HTTP.\n`,
  );
  console.log("| operation | requests | p50 ms | p99 ms |");
  console.log("|---|---|---|---|");
  for (const row of rows) console.log(row);
} finally {
  passwords.close();
  await database.close();
  await temporary?.stop();
}
