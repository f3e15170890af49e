/**
 * Queries on users.
 *
 * @module
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { users, type UserType } from "./schema.ts";

/** A user row. */
export type UserRow = typeof users.$inferSelect;

/**
 * Finds a user by username, ignoring case: names are unique whatever their
 * case (the `users_username_lower_key` index), so at most one matches.
 */
export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

/** Finds a user by id. */
export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** Inserts a user; returns undefined when the username is taken, in any case. */
export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; userType: UserType },
): Promise<UserRow | undefined> {
  const [row] = await db.insert(users)
    .values({ username: user.username, password: user.passwordHash, userType: user.userType })
    // No target: a clash with either unique index (exact or lower-cased name) means "taken".
    .onConflictDoNothing()
    .returning();
  return row;
}
