/**
 * `/auth/*`: sign-up, login, the current user, and accounts created by admins.
 *
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import type { Api, AppEnv } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { toUserOut, userOut } from "../http/schemas.ts";
import { findUserById, findUserByUsername, type UserRow } from "../db/users.ts";
import { createAccount, passwordPolicy, UsernameTakenError } from "../auth/accounts.ts";
import {
  type PasswordOperations,
  type PasswordPlace,
  PasswordQueueFullError,
} from "../auth/passwords.ts";
import { type UserType, userTypes } from "../db/schema.ts";
import {
  clearLoginAttempts,
  createLocalAddressLimit,
  releaseAddressAttempt,
  reserveAddressAttempt,
  reserveLoginAttempt,
} from "../auth/throttle.ts";
import { clientAddress } from "../http/client_address.ts";
import { log } from "../log.ts";
import { createAccessAudit } from "../http/audit.ts";
import { deleteUserAndData, deletionOut } from "../http/deletion.ts";

const username = z.string().trim().min(3).max(50)
  .regex(/^[A-Za-z0-9_.@-]+$/, "may contain only letters, digits and _ . @ -");
const signupBody = z.object({
  username,
  password: passwordPolicy,
  user_type: z.enum(userTypes).default("candidate")
    .describe("Public sign-up creates candidates; other roles are created by an admin"),
});

const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

const tokenOut = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
  user: userOut,
});

const signupOut = userOut.extend({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
});

function tooManyAttempts(seconds: number, what: string): HttpError {
  return new HttpError(429, `Too many ${what}. Try again in ${seconds} seconds.`, {
    "Retry-After": String(seconds),
  });
}

function hasherBusy(error: PasswordQueueFullError): HttpError {
  return new HttpError(error.ownerLimit ? 429 : 503, error.message, {
    "Retry-After": String(error.retryAfterSeconds),
  });
}

async function createAccountOr409(
  deps: AppDeps,
  passwords: PasswordOperations,
  account: { username: string; password: string; userType: UserType },
): Promise<UserRow> {
  try {
    return await createAccount(deps.database.db, passwords, account);
  } catch (error) {
    if (error instanceof UsernameTakenError) throw new HttpError(409, error.message);
    if (error instanceof PasswordQueueFullError) throw hasherBusy(error);
    throw error;
  }
}

/** Registers the `/auth` routes. */
export function registerAuthRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;
  const fromAddress = "login and sign-up attempts from your address";
  const localLimit = createLocalAddressLimit(deps.config.AUTH_ATTEMPTS_PER_ADDRESS);
  const audit = createAccessAudit(db, deps.config.TRUST_PROXY);

  /**
   * Admits a login or sign-up attempt from `address`, or throws 429 or 503.
   * The checks go cheapest first, so that a flood is refused before it costs
   * a database statement: this instance's count of the address's attempts,
   * then a place in the password-hashing queue (both in memory), and only
   * then the database's count across instances. The caller releases the
   * place if it does not use it.
   */
  async function admitAttempt(address: string): Promise<PasswordPlace> {
    const local = localLimit.take(address);
    if (!local.allowed) throw tooManyAttempts(local.retryAfterSeconds, fromAddress);
    let place: PasswordPlace;
    try {
      place = deps.passwords.admit(address);
    } catch (error) {
      // Never served, so not counted, as the database's count never saw it.
      localLimit.give(address);
      throw error instanceof PasswordQueueFullError ? hasherBusy(error) : error;
    }
    try {
      const reservation = await reserveAddressAttempt(
        db,
        address,
        deps.config.AUTH_ATTEMPTS_PER_ADDRESS,
      );
      if (!reservation.allowed) throw tooManyAttempts(reservation.retryAfterSeconds, fromAddress);
    } catch (error) {
      place.release();
      throw error;
    }
    return place;
  }

  /**
   * Checks `password` for `name` under the login rules: the attempt is
   * admitted by {@link admitAttempt} and counted against the (username,
   * address) lockout before the hash is compared, so that no route that
   * asks for a password can be used to guess it faster than logging in.
   * Answers the user, or throws 401, 429 or 503.
   */
  async function checkPassword(
    c: Context<AppEnv>,
    name: string,
    password: string,
  ): Promise<UserRow> {
    const policy = {
      maxFailures: deps.config.LOGIN_MAX_FAILURES,
      lockoutSeconds: deps.config.LOGIN_LOCKOUT_SECONDS,
    };
    const failedLogins = "failed logins for this username from your address";
    const address = clientAddress(c, deps.config.TRUST_PROXY);
    const place = await admitAttempt(address);
    let user: UserRow;
    try {
      // Counted before the password is checked, so parallel guesses cannot all slip in.
      const reservation = await reserveLoginAttempt(db, name, address, policy);
      if (!reservation.allowed) throw tooManyAttempts(reservation.retryAfterSeconds, failedLogins);
      const found = await findUserByUsername(db, name);
      const valid = found
        ? await place.verify(password, found.password)
        : (await place.verifyDummy(password), false);
      if (!found || !valid) {
        log.info("login failed", {
          username_known: Boolean(found),
          lockout_s: reservation.lockoutSeconds,
        });
        if (reservation.lockoutSeconds > 0) {
          throw tooManyAttempts(reservation.lockoutSeconds, failedLogins);
        }
        throw new HttpError(401, "Incorrect username or password.", {
          "WWW-Authenticate": "Bearer",
        });
      }
      user = found;
    } finally {
      place.release();
    }
    await clearLoginAttempts(db, name, address);
    // Given back so that many people behind one address can all log in.
    await releaseAddressAttempt(db, address);
    localLimit.give(address);
    return user;
  }

  api.route({
    method: "post",
    path: "/auth/signup",
    tag: "auth",
    summary: "Sign up as a candidate",
    body: { schema: signupBody, types: ["json", "form"] },
    responses: {
      201: { description: "Account created; a token is included", schema: signupOut },
      403: { description: "Asked for a role other than candidate" },
      409: { description: "Username taken, in any case" },
      429: { description: "Too many attempts from this address; see Retry-After" },
      503: { description: "Too busy hashing passwords; see Retry-After" },
    },
  }, async (c, { body }) => {
    if (body.user_type !== "candidate") {
      throw new HttpError(
        403,
        `Sign-up creates candidate accounts only; an admin creates ${body.user_type} accounts with POST /auth/users.`,
      );
    }
    const place = await admitAttempt(clientAddress(c, deps.config.TRUST_PROXY));
    let user: UserRow;
    try {
      user = await createAccountOr409(deps, place, {
        username: body.username,
        password: body.password,
        userType: "candidate",
      });
    } finally {
      place.release();
    }
    const { token, expiresIn } = await deps.tokens.issue(user.id);
    return c.json({
      ...toUserOut(user),
      access_token: token,
      token_type: "bearer",
      expires_in: expiresIn,
    }, 201);
  });

  api.route({
    method: "post",
    path: "/auth/login",
    tag: "auth",
    summary: "Log in and receive a bearer token",
    description:
      "Accepts JSON or form fields (the OpenAPI page's Authorize button sends a form). " +
      "Usernames match whatever their case. Failed attempts lock the username for the address " +
      "they came from only.",
    body: { schema: loginBody, types: ["json", "form"] },
    responses: {
      200: { description: "Logged in", schema: tokenOut },
      401: { description: "Wrong username or password" },
      429: { description: "Too many failed attempts; see Retry-After" },
      503: { description: "Too busy hashing passwords; see Retry-After" },
    },
  }, async (c, { body }) => {
    const user = await checkPassword(c, body.username, body.password);
    const { token, expiresIn } = await deps.tokens.issue(user.id);
    return c.json({
      access_token: token,
      token_type: "bearer",
      expires_in: expiresIn,
      user: toUserOut(user),
    });
  });

  api.route({
    method: "get",
    path: "/auth/me",
    tag: "auth",
    summary: "The signed-in user",
    roles: userTypes,
    responses: { 200: { description: "The user", schema: userOut } },
  }, async (c, { user }) => {
    const row = await findUserById(db, user.id);
    if (!row) throw new HttpError(401, "The account no longer exists.");
    return c.json(toUserOut(row));
  });

  api.route({
    method: "delete",
    path: "/auth/me",
    tag: "auth",
    summary: "Delete your account and all your data",
    description: "Needs your password. Removes the account, documents, interviews, answers, " +
      "transcripts, proctoring events and every stored file. Wrong passwords count towards the " +
      "same lockout as failed logins. Refused (409) while one of your interviews is live, and " +
      "for the last admin.",
    roles: userTypes,
    body: { schema: z.object({ password: loginBody.shape.password }), types: ["json", "form"] },
    responses: {
      200: { description: "Deleted", schema: deletionOut },
      403: { description: "Wrong password" },
      409: { description: "The last admin, or one of your interviews is live" },
      429: { description: "Too many wrong passwords or attempts; see Retry-After" },
      503: { description: "Too busy hashing passwords; see Retry-After" },
    },
  }, async (c, { body, user }) => {
    try {
      await checkPassword(c, user.username, body.password);
    } catch (error) {
      // 401 would tell clients that the token is bad and make them log out.
      if (error instanceof HttpError && error.status === 401) {
        throw new HttpError(
          403,
          "Incorrect password. Enter your current password to delete your account.",
        );
      }
      throw error;
    }
    return c.json(await deleteUserAndData(c, deps, audit, user, user.id, "delete_account"));
  });

  api.route({
    method: "post",
    path: "/auth/users",
    tag: "auth",
    summary: "Create an account with any role (admins only)",
    roles: ["admin"],
    body: { schema: signupBody.extend({ user_type: z.enum(userTypes) }), types: ["json"] },
    responses: {
      201: { description: "Account created", schema: userOut },
      409: { description: "Username taken, in any case" },
      503: { description: "Too busy hashing passwords; see Retry-After" },
    },
  }, async (c, { body }) => {
    const user = await createAccountOr409(deps, deps.passwords, {
      username: body.username,
      password: body.password,
      userType: body.user_type,
    });
    return c.json(toUserOut(user), 201);
  });
}
