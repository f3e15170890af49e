/**
 * Creating accounts: shared by sign-up, admins, `deno task create-user`
 * and the admin account from `ADMIN_USERNAME`/`ADMIN_PASSWORD`.
 *
 * @module
 */
import { z } from "zod";
import type { Db } from "../db/client.ts";
import type { UserType } from "../db/schema.ts";
import { findUserByUsername, insertUser, type UserRow } from "../db/users.ts";
import type { PasswordHasher, PasswordOperations } from "./passwords.ts";
import { log } from "../log.ts";

/** Non-whitespace characters a password needs at least. */
export const MIN_PASSWORD_CHARACTERS = 8;

/**
 * The password policy for new accounts: 8 to 128 characters, of which at
 * least 8 are not whitespace, so that "        " or "a       " are refused
 * while passphrases with spaces are fine.
 */
export const passwordPolicy = z.string()
  .min(MIN_PASSWORD_CHARACTERS, `must be at least ${MIN_PASSWORD_CHARACTERS} characters`)
  .max(128)
  .refine(
    (password) => password.replace(/\s/gu, "").length >= MIN_PASSWORD_CHARACTERS,
    `must contain at least ${MIN_PASSWORD_CHARACTERS} characters other than spaces`,
  );

/** The username is already in use. */
export class UsernameTakenError extends Error {
  override name = "UsernameTakenError";
  constructor(username: string) {
    super(`The username "${username}" is taken. Choose another one.`);
  }
}

/**
 * Creates an account with a freshly hashed password. `passwords` is the
 * hasher, or a place a request took in its queue before doing anything else.
 */
export async function createAccount(
  db: Db,
  passwords: PasswordOperations,
  account: { username: string; password: string; userType: UserType },
): Promise<UserRow> {
  const passwordHash = await passwords.hash(account.password);
  const user = await insertUser(db, {
    username: account.username,
    passwordHash,
    userType: account.userType,
  });
  if (!user) throw new UsernameTakenError(account.username);
  log.info("user created", { user_id: user.id, user_type: user.userType });
  return user;
}

/** Creates the configured admin unless a user of that name exists. */
export async function ensureAdmin(
  db: Db,
  passwords: PasswordHasher,
  username: string,
  password: string,
): Promise<void> {
  const existing = await findUserByUsername(db, username);
  if (existing) {
    if (existing.userType !== "admin") {
      log.warn("ADMIN_USERNAME names an existing non-admin user; left unchanged", { username });
    }
    return;
  }
  try {
    await createAccount(db, passwords, { username, password, userType: "admin" });
  } catch (error) {
    // Another instance created it between our check and insert.
    if (!(error instanceof UsernameTakenError)) throw error;
  }
}
