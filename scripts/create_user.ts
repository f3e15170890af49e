/**
 * `deno task create-user <username> <candidate|interviewer|admin>`: creates an
 * account from the shell. The password is read from the `NEW_USER_PASSWORD`
 * environment variable or asked for, so it never appears in shell history.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError, loadConfig } from "../config.ts";
import { DatabaseLockedError, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { createPasswordHasher } from "../auth/passwords.ts";
import { createAccount, passwordPolicy, UsernameTakenError } from "../auth/accounts.ts";
import { userTypes } from "../db/schema.ts";
import { setLogLevel } from "../log.ts";
import { prepareDataDir } from "../media/storage.ts";

const args = z.tuple([
  z.string().regex(/^[A-Za-z0-9_.@-]{3,50}$/, "username: 3-50 letters, digits or _ . @ -"),
  z.enum(userTypes),
]);

const usage = "usage: deno task create-user <username> <candidate|interviewer|admin>";
const parsed = args.safeParse(Deno.args);
if (!parsed.success) {
  console.error(`${parsed.error.issues[0].message}\n${usage}`);
  Deno.exit(2);
}
const [username, userType] = parsed.data;
const password = Deno.env.get("NEW_USER_PASSWORD") ?? prompt(`Password for ${username}:`) ?? "";
const policy = passwordPolicy.safeParse(password);
if (!policy.success) {
  console.error(`The password ${policy.error.issues[0].message}.`);
  Deno.exit(2);
}

try {
  const config = await loadConfig();
  setLogLevel("warn");
  await prepareDataDir(config.DATA_DIR);
  const database = await openDatabase(config);
  const passwords = createPasswordHasher({ workers: 1 });
  try {
    await migrate(database.db);
    const user = await createAccount(database.db, passwords, { username, password, userType });
    console.log(`created ${user.userType} "${user.username}" with id ${user.id}`);
  } finally {
    passwords.close();
    await database.close();
  }
} catch (error) {
  if (
    error instanceof ConfigError || error instanceof DatabaseLockedError ||
    error instanceof UsernameTakenError
  ) {
    console.error(error.message);
    Deno.exit(1);
  }
  throw error;
}
