/**
 * Attacks on sign-up and login (issue 8, items 4, 5 and 8): huge bodies
 * before login, floods of logins that each cost a password hash, and tricks
 * that slipped past the login throttle.
 *
 * @module
 */
import type { Attack, AttackSize, AttackTarget } from "./attack.ts";

const MB = 1024 * 1024;

/** What one oversized upload saw. */
export interface HugeBodyResult {
  /** The response's status, or 0 when the connection ended without one. */
  status: number;
  /** Body bytes written before the answer came (or the connection ended). */
  bytesSent: number;
  /** Body bytes the attacker meant to send. */
  bytesPlanned: number;
}

/**
 * Sends a `bytes`-long body to `path` over a raw connection, declared by
 * `Content-Length` or sent chunked, and stops writing as soon as the server
 * answers. The attacker repeats one 64 KiB chunk, so it needs no memory.
 */
export async function sendHugeBody(
  base: string,
  path: string,
  options: { bytes: number; contentType: string; chunked: boolean },
): Promise<HugeBodyResult> {
  const url = new URL(base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const encoder = new TextEncoder();
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Type: ${options.contentType}`,
    options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.bytes}`,
    "",
    "",
  ].join("\r\n");
  const filler = options.contentType.includes("json")
    ? `{"username": "${"a".repeat(64 * 1024 - 20)}`
    : `username=${"a".repeat(64 * 1024 - 9)}`;
  const chunk = encoder.encode(filler);
  const framed = options.chunked
    ? encoder.encode(`${chunk.length.toString(16)}\r\n${filler}\r\n`)
    : chunk;
  let status = 0;
  let answered = false;
  const reading = (async () => {
    const buffer = new Uint8Array(4096);
    let text = "";
    try {
      while (!answered) {
        const n = await conn.read(buffer);
        if (n === null) break;
        text += new TextDecoder().decode(buffer.subarray(0, n));
        const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (match) {
          status = Number(match[1]);
          answered = true;
        }
      }
    } catch {
      // Reset by the server: the status, if any, was read already.
    }
    answered = true;
  })();
  let bytesSent = 0;
  try {
    await conn.write(encoder.encode(head));
    while (!answered && bytesSent < options.bytes) {
      await conn.write(framed);
      bytesSent += chunk.length;
    }
    if (!answered && options.chunked) await conn.write(encoder.encode("0\r\n\r\n"));
  } catch {
    // The server closed the connection while we were still sending: refused.
  }
  await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  answered = true;
  try {
    conn.close();
  } catch { /* already closed */ }
  await reading;
  return { status, bytesSent, bytesPlanned: options.bytes };
}

/** The three bodies of `huge-login-body`: JSON declared, form chunked, JSON chunked. */
export function hugeBodyRequests(size: AttackSize) {
  const bytes = size === "full" ? 400 * MB : 32 * MB;
  return [
    { path: "/auth/login", bytes, contentType: "application/json", chunked: false },
    {
      path: "/auth/signup",
      bytes,
      contentType: "application/x-www-form-urlencoded",
      chunked: true,
    },
    { path: "/auth/login", bytes, contentType: "application/json", chunked: true },
  ];
}

/** Item 4: three huge bodies at once to the public auth routes. */
export async function hugeLoginBody(
  target: AttackTarget,
  size: AttackSize,
): Promise<HugeBodyResult[]> {
  return await Promise.all(
    hugeBodyRequests(size).map((request) => sendHugeBody(target.base, request.path, request)),
  );
}

/**
 * Posts JSON as coming from `address` (the service under attack trusts
 * X-Forwarded-For). Status 0: the connection was closed without an answer.
 */
export async function postAs(
  base: string,
  path: string,
  address: string,
  body: Record<string, unknown>,
): Promise<{ status: number; ms: number; retryAfter: string | null }> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address },
      body: JSON.stringify(body),
    });
    await response.body?.cancel();
    return {
      status: response.status,
      ms: performance.now() - started,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch {
    return { status: 0, ms: performance.now() - started, retryAfter: null };
  }
}

/** Counts of each status in `statuses`, e.g. `401×5 429×395`. */
export function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
}

/** What `login-flood` saw. */
export interface LoginFloodResult {
  flood: { status: number; ms: number; retryAfter: string | null }[];
  realUser: { status: number; ms: number };
}

const REAL_USER = { username: "real_user", password: "the real user's password" };

/**
 * Item 5: `count` concurrent logins for unknown names, from `addresses`
 * attacker addresses in turn, while a real user logs in from elsewhere.
 */
export async function loginFlood(
  target: AttackTarget,
  { count, addresses }: { count: number; addresses: number },
): Promise<LoginFloodResult> {
  const signup = await postAs(target.base, "/auth/signup", "198.51.100.1", REAL_USER);
  if (signup.status !== 201) throw new Error(`the real user's sign-up answered ${signup.status}`);
  const flood = Array.from(
    { length: count },
    (_, i) =>
      postAs(target.base, "/auth/login", `203.0.113.${1 + i % addresses}`, {
        username: `nobody_${i}`,
        password: `guess number ${i}`,
      }),
  );
  // Let the flood arrive first, as a real user would find it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const realUser = await postAs(target.base, "/auth/login", "198.51.100.1", REAL_USER);
  return { flood: await Promise.all(flood), realUser };
}

/** What `throttle-bypass` saw. */
export interface ThrottleBypassResult {
  /** Sign-up of the victim's name in upper case. */
  caseTwinSignup: number;
  /** The attacker's sequential guesses on the victim's name. */
  guesses: number[];
  /** The victim logging in with the right password from their own address. */
  victimLogin: number;
  /** A parallel burst of wrong guesses with the right password last. */
  burst: number[];
}

/**
 * Item 8: registers `VICTIM` next to `victim`, guesses `victim`'s password
 * sequentially and then in a parallel burst that ends with the right one.
 */
export async function throttleBypass(
  target: AttackTarget,
  { guesses, burst }: { guesses: number; burst: number },
): Promise<ThrottleBypassResult> {
  const attacker = "203.0.113.66";
  const victim = { username: "victim", password: "victim's long password" };
  const created = await postAs(target.base, "/auth/signup", "198.51.100.2", victim);
  if (created.status !== 201) throw new Error(`the victim's sign-up answered ${created.status}`);
  const twin = await postAs(target.base, "/auth/signup", attacker, {
    username: "VICTIM",
    password: "attacker's own password",
  });
  const sequential: number[] = [];
  for (let i = 0; i < guesses; i++) {
    sequential.push(
      (await postAs(target.base, "/auth/login", attacker, {
        username: i % 2 ? "victim" : "Victim",
        password: `wrong ${i}`,
      })).status,
    );
    if (twin.status === 201) {
      // The old trick: logging in as the twin cleared the shared counter.
      await postAs(target.base, "/auth/login", attacker, {
        username: "VICTIM",
        password: "attacker's own password",
      });
    }
  }
  const victimLogin = await postAs(target.base, "/auth/login", "198.51.100.2", victim);
  const parallel = await Promise.all(
    Array.from({ length: burst }, (_, i) =>
      postAs(target.base, "/auth/login", "203.0.113.67", {
        username: "victim",
        password: i === burst - 1 ? victim.password : `burst ${i}`,
      })),
  );
  return {
    caseTwinSignup: twin.status,
    guesses: sequential,
    victimLogin: victimLogin.status,
    burst: parallel.map((r) => r.status),
  };
}

/**
 * Settings the auth attacks run with: they stand for traffic arriving through
 * a reverse proxy, so addresses come from X-Forwarded-For and, as the README
 * says for that setup, the front door's per-address connection cap (which
 * sees only the proxy) is raised; the default limit per client address holds.
 */
export const AUTH_ATTACK_ENV = {
  TRUST_PROXY: "true",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
  LOGIN_MAX_FAILURES: "5",
  AUTH_ATTEMPTS_PER_ADDRESS: "30",
};

/** Issue 8's attacks on sign-up and login. */
export const attacks: Attack[] = [
  {
    name: "huge-login-body",
    item: 4,
    async run(target, size) {
      const results = await hugeLoginBody(target, size);
      return results.map((r) =>
        `${r.status || "closed"} after ${Math.round(r.bytesSent / MB)} of ${
          Math.round(r.bytesPlanned / MB)
        } MB`
      ).join("; ");
    },
  },
  {
    name: "login-flood",
    item: 5,
    env: AUTH_ATTACK_ENV,
    async run(target, size) {
      const { flood, realUser } = await loginFlood(target, {
        count: size === "full" ? 400 : 60,
        addresses: 1,
      });
      return `flood: ${tally(flood.map((r) => r.status))}; real user: ${realUser.status} in ${
        Math.round(realUser.ms)
      } ms`;
    },
  },
  {
    name: "login-flood-spread",
    item: 5,
    env: { ...AUTH_ATTACK_ENV, PASSWORD_QUEUE_MAX: "8" },
    async run(target, size) {
      const { flood, realUser } = await loginFlood(target, {
        count: size === "full" ? 400 : 60,
        addresses: size === "full" ? 200 : 60,
      });
      const slowest = Math.max(...flood.map((r) => r.ms));
      return `flood: ${tally(flood.map((r) => r.status))}, slowest ${
        Math.round(slowest)
      } ms; real user: ${realUser.status} in ${Math.round(realUser.ms)} ms`;
    },
  },
  {
    name: "throttle-bypass",
    item: 8,
    env: { ...AUTH_ATTACK_ENV, AUTH_ATTEMPTS_PER_ADDRESS: "1000" },
    async run(target) {
      const result = await throttleBypass(target, { guesses: 8, burst: 40 });
      return `VICTIM sign-up ${result.caseTwinSignup}; guesses ${
        tally(result.guesses)
      }; victim ${result.victimLogin}; burst ${tally(result.burst)}, last ${result.burst.at(-1)}`;
    },
  },
];
