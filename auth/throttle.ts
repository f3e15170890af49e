/**
 * Throttling of failed logins per username, stored in the database so that
 * every instance sees the same counters.
 *
 * After `maxFailures` failures within the window, each further failure locks
 * the username for `lockoutSeconds`, doubling per failure up to an hour.
 *
 * @module
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loginThrottle } from "../db/schema.ts";

/** Throttling settings. */
export interface ThrottlePolicy {
  maxFailures: number;
  lockoutSeconds: number;
}

const WINDOW_SECONDS = 15 * 60;
const MAX_LOCKOUT_SECONDS = 3600;

function throttleKey(username: string): string {
  return username.toLowerCase();
}

/** Seconds until `username` may try again, or 0 when it is not locked. */
export async function lockedForSeconds(
  db: Db,
  username: string,
  now = new Date(),
): Promise<number> {
  const [row] = await db.select({ lockedUntil: loginThrottle.lockedUntil }).from(loginThrottle)
    .where(eq(loginThrottle.username, throttleKey(username)));
  if (!row?.lockedUntil) return 0;
  const remaining = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
  return Math.max(0, remaining);
}

/** Counts a failed login; returns the lockout in seconds it causes (0 for none). */
export async function recordFailure(
  db: Db,
  username: string,
  policy: ThrottlePolicy,
  now = new Date(),
): Promise<number> {
  const windowStart = new Date(now.getTime() - WINDOW_SECONDS * 1000);
  const [row] = await db.insert(loginThrottle)
    .values({ username: throttleKey(username), failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.username,
      set: {
        failures:
          sql`case when ${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz
          then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt:
          sql`case when ${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz
          then ${now.toISOString()}::timestamptz else ${loginThrottle.windowStartedAt} end`,
      },
    })
    .returning({ failures: loginThrottle.failures });
  const excess = row.failures - policy.maxFailures;
  if (excess < 0) return 0;
  const seconds = Math.min(MAX_LOCKOUT_SECONDS, policy.lockoutSeconds * 2 ** Math.min(excess, 16));
  await db.update(loginThrottle)
    .set({ lockedUntil: new Date(now.getTime() + seconds * 1000) })
    .where(eq(loginThrottle.username, throttleKey(username)));
  return seconds;
}

/** Forgets the failures of `username` after a successful login. */
export async function clearFailures(db: Db, username: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.username, throttleKey(username)));
}
