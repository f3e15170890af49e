/**
 * Throttling of logins and sign-ups, stored in the database so that every
 * instance sees the same counters.
 *
 * Two counters, each updated by one atomic statement *before* the password
 * is verified, so that a burst of parallel attempts is counted in full before
 * any of them is checked:
 *
 * - per lower-cased username and client address: after `maxFailures`
 *   attempts within the window that did not succeed, the pair is locked for
 *   `lockoutSeconds`, doubling per further attempt up to an hour. Keying by
 *   address means wrong passwords from one address lock out only that
 *   address, never the account's owner elsewhere.
 * - per client address, every login and sign-up attempt within a minute,
 *   so that one address can neither guess across many usernames nor fill
 *   the password-hashing queue.
 *
 * Each instance also keeps its own attempts per address in memory
 * ({@link createLocalAddressLimit}) and checks them first, so that an
 * address over its limit costs no database statement.
 *
 * @module
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { addressThrottle, loginThrottle } from "../db/schema.ts";

/** Throttling settings for one username. */
export interface ThrottlePolicy {
  maxFailures: number;
  lockoutSeconds: number;
}

/** Whether an attempt may go ahead, and if not, for how long it is refused. */
export type Reservation =
  | { allowed: true; lockoutSeconds: number }
  | { allowed: false; retryAfterSeconds: number };

const WINDOW_SECONDS = 15 * 60;
const ADDRESS_WINDOW_SECONDS = 60;
const MAX_LOCKOUT_SECONDS = 3600;

/** Usernames are unique whatever their case, so the counter is too. */
function throttleKey(username: string): string {
  return username.toLowerCase();
}

function lockoutFor(attempts: number, policy: ThrottlePolicy): number {
  const excess = attempts - policy.maxFailures;
  if (excess < 0) return 0;
  return Math.min(MAX_LOCKOUT_SECONDS, policy.lockoutSeconds * 2 ** Math.min(excess, 16));
}

/** Whole seconds from `now` until `time` (dates or milliseconds), at least 1. */
function secondsUntil(time: Date | number | null | undefined, now: Date | number): number {
  return time ? Math.max(1, Math.ceil((Number(time) - Number(now)) / 1000)) : 1;
}

/**
 * Counts a login attempt of `username` from `address` before its password
 * is checked. Refused while the pair is locked. The attempt that reaches
 * `maxFailures` locks the pair at once and is still verified; it is the
 * last one that is: `lockoutSeconds` says how long the lock lasts if it
 * fails too. {@link clearLoginAttempts} lifts it on success.
 */
export async function reserveLoginAttempt(
  db: Db,
  username: string,
  address: string,
  policy: ThrottlePolicy,
  now = new Date(),
): Promise<Reservation> {
  const windowStart = new Date(now.getTime() - WINDOW_SECONDS * 1000).toISOString();
  const expired = sql`${loginThrottle.windowStartedAt} < ${windowStart}::timestamptz`;
  const attempts = sql`(case when ${expired} then 1 else ${loginThrottle.failures} + 1 end)`;
  const lockSeconds = sql`least(${MAX_LOCKOUT_SECONDS}, ${policy.lockoutSeconds} *
    power(2, least(${attempts} - ${policy.maxFailures}, 16)))`;
  const firstLock = lockoutFor(1, policy);
  const [row] = await db.insert(loginThrottle)
    .values({
      username: throttleKey(username),
      address,
      failures: 1,
      windowStartedAt: now,
      lockedUntil: firstLock > 0 ? new Date(now.getTime() + firstLock * 1000) : null,
    })
    .onConflictDoUpdate({
      target: [loginThrottle.username, loginThrottle.address],
      set: {
        failures: attempts,
        windowStartedAt: sql`case when ${expired} then ${now.toISOString()}::timestamptz
          else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${attempts} >= ${policy.maxFailures}
          then ${now.toISOString()}::timestamptz + ${lockSeconds} * interval '1 second' end`,
      },
      // A locked pair is left as it is, and the statement returns no row.
      setWhere: sql`${loginThrottle.lockedUntil} is null or
        ${loginThrottle.lockedUntil} <= ${now.toISOString()}::timestamptz`,
    })
    .returning({ failures: loginThrottle.failures });
  if (row) return { allowed: true, lockoutSeconds: lockoutFor(row.failures, policy) };
  const [locked] = await db.select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(and(
      eq(loginThrottle.username, throttleKey(username)),
      eq(loginThrottle.address, address),
    ));
  return { allowed: false, retryAfterSeconds: secondsUntil(locked?.lockedUntil, now) };
}

/** Forgets the attempts of `username` from `address` after a successful login. */
export async function clearLoginAttempts(db: Db, username: string, address: string): Promise<void> {
  await db.delete(loginThrottle).where(and(
    eq(loginThrottle.username, throttleKey(username)),
    eq(loginThrottle.address, address),
  ));
}

/** Forgets every address's failed logins of `username`, when its account is deleted. */
export async function forgetLoginAttempts(db: Pick<Db, "delete">, username: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.username, throttleKey(username)));
}

/**
 * Counts a login or sign-up attempt from `address`; refused once `limit`
 * attempts were made within the current minute.
 */
export async function reserveAddressAttempt(
  db: Db,
  address: string,
  limit: number,
  now = new Date(),
): Promise<Reservation> {
  const windowStart = new Date(now.getTime() - ADDRESS_WINDOW_SECONDS * 1000).toISOString();
  const expired = sql`${addressThrottle.windowStartedAt} <= ${windowStart}::timestamptz`;
  const [row] = await db.insert(addressThrottle)
    .values({ address, attempts: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: addressThrottle.address,
      set: {
        attempts: sql`case when ${expired} then 1 else ${addressThrottle.attempts} + 1 end`,
        windowStartedAt: sql`case when ${expired} then ${now.toISOString()}::timestamptz
          else ${addressThrottle.windowStartedAt} end`,
      },
      setWhere: sql`${expired} or ${addressThrottle.attempts} < ${limit}`,
    })
    .returning({ attempts: addressThrottle.attempts });
  if (row) return { allowed: true, lockoutSeconds: 0 };
  const [current] = await db.select({ windowStartedAt: addressThrottle.windowStartedAt })
    .from(addressThrottle).where(eq(addressThrottle.address, address));
  const windowEnd = current &&
    new Date(current.windowStartedAt.getTime() + ADDRESS_WINDOW_SECONDS * 1000);
  return { allowed: false, retryAfterSeconds: secondsUntil(windowEnd, now) };
}

/**
 * Gives an attempt back to `address` after a successful login, so that many
 * people behind one address can all log in.
 */
export async function releaseAddressAttempt(db: Db, address: string): Promise<void> {
  await db.update(addressThrottle)
    .set({ attempts: sql`greatest(${addressThrottle.attempts} - 1, 0)` })
    .where(eq(addressThrottle.address, address));
}

/** This instance's attempts per address, kept in memory. */
export interface LocalAddressLimit {
  /** Counts an attempt from `address`, or refuses it when the address has used up its limit. */
  take(address: string): Reservation;
  /** Gives an attempt back, as {@link releaseAddressAttempt} does in the database. */
  give(address: string): void;
}

/**
 * The rule of {@link reserveAddressAttempt}, `limit` attempts a minute, over
 * the attempts this instance let through only. Those are part of what the
 * database counts, so an address this refuses is over its limit there too
 * (or was within the last minute), and is refused without a database
 * statement: a flood from one address costs no database work once it has
 * used up its share. The database's counter remains the limit across
 * instances. Memory is one small entry per address seen within a minute.
 */
export function createLocalAddressLimit(limit: number): LocalAddressLimit {
  const windowMs = ADDRESS_WINDOW_SECONDS * 1000;
  // In the order their windows started (an expired one is deleted, not reset),
  // so that the expired ones are always at the front.
  const windows = new Map<string, { startedAt: number; attempts: number }>();
  return {
    take(address) {
      const now = performance.now();
      for (const [key, window] of windows) {
        if (window.startedAt > now - windowMs) break;
        windows.delete(key);
      }
      const window = windows.get(address);
      if (!window) {
        windows.set(address, { startedAt: now, attempts: 1 });
      } else if (window.attempts >= limit) {
        return {
          allowed: false,
          retryAfterSeconds: secondsUntil(window.startedAt + windowMs, now),
        };
      } else {
        window.attempts++;
      }
      return { allowed: true, lockoutSeconds: 0 };
    },
    give(address) {
      const window = windows.get(address);
      if (window && window.attempts > 0) window.attempts--;
    },
  };
}
