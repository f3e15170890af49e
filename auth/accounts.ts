/**
 * Creating accounts: shared by sign-up, admins, `deno task create-user`
 * and the admin account from `ADMIN_USERNAME`/`ADMIN_PASSWORD`.
 *
 * @module
 */
import type { Db } from "../db/client.ts";
import type { UserType } from "../db/schema.ts";
import { findUserByUsername, insertUser, type UserRow } from "../db/users.ts";
import type { PasswordHasher } from "./passwords.ts";
import { log } from "../log.ts";

/** The username is already in use. */
export class UsernameTakenError extends Error {
  override name = "UsernameTakenError";
  constructor(username: string) {
    super(`The username "${username}" is taken. Choose another one.`);
  }
}

/** Creates an account with a freshly hashed password. */
export async function createAccount(
  db: Db,
  passwords: PasswordHasher,
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
