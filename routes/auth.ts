/**
 * `/auth/*`: sign-up, login, the current user, and accounts created by admins.
 *
 * @module
 */
import { z } from "zod";
import type { Api } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError } from "../http/errors.ts";
import { toUserOut, userOut } from "../http/schemas.ts";
import { findUserById, findUserByUsername, type UserRow } from "../db/users.ts";
import { createAccount, UsernameTakenError } from "../auth/accounts.ts";
import { type UserType, userTypes } from "../db/schema.ts";
import { clearFailures, lockedForSeconds, recordFailure } from "../auth/throttle.ts";
import { log } from "../log.ts";

const username = z.string().trim().min(3).max(50)
  .regex(/^[A-Za-z0-9_.@-]+$/, "may contain only letters, digits and _ . @ -");
const password = z.string().min(8, "must be at least 8 characters").max(128);

const signupBody = z.object({
  username,
  password,
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

async function createAccountOr409(
  deps: AppDeps,
  account: { username: string; password: string; userType: UserType },
): Promise<UserRow> {
  try {
    return await createAccount(deps.database.db, deps.passwords, account);
  } catch (error) {
    if (error instanceof UsernameTakenError) throw new HttpError(409, error.message);
    throw error;
  }
}

/** Registers the `/auth` routes. */
export function registerAuthRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.database;

  api.route({
    method: "post",
    path: "/auth/signup",
    tag: "auth",
    summary: "Sign up as a candidate",
    body: { schema: signupBody, types: ["json", "form"] },
    responses: {
      201: { description: "Account created; a token is included", schema: signupOut },
      403: { description: "Asked for a role other than candidate" },
      409: { description: "Username taken" },
    },
  }, async (c, { body }) => {
    if (body.user_type !== "candidate") {
      throw new HttpError(
        403,
        `Sign-up creates candidate accounts only; an admin creates ${body.user_type} accounts with POST /auth/users.`,
      );
    }
    const user = await createAccountOr409(deps, {
      username: body.username,
      password: body.password,
      userType: "candidate",
    });
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
    description: "Accepts JSON or form fields (the OpenAPI page's Authorize button sends a form).",
    body: { schema: loginBody, types: ["json", "form"] },
    responses: {
      200: { description: "Logged in", schema: tokenOut },
      401: { description: "Wrong username or password" },
      429: { description: "Too many failed attempts; see Retry-After" },
    },
  }, async (c, { body }) => {
    const policy = {
      maxFailures: deps.config.LOGIN_MAX_FAILURES,
      lockoutSeconds: deps.config.LOGIN_LOCKOUT_SECONDS,
    };
    const tooMany = (seconds: number) =>
      new HttpError(
        429,
        `Too many failed logins for this username. Try again in ${seconds} seconds.`,
        {
          "Retry-After": String(seconds),
        },
      );
    const locked = await lockedForSeconds(db, body.username);
    if (locked > 0) throw tooMany(locked);

    const user = await findUserByUsername(db, body.username);
    const valid = user
      ? await deps.passwords.verify(body.password, user.password)
      : (await deps.passwords.verifyDummy(body.password), false);
    if (!user || !valid) {
      const lockout = await recordFailure(db, body.username, policy);
      log.info("login failed", { username_known: Boolean(user), lockout_s: lockout });
      if (lockout > 0) throw tooMany(lockout);
      throw new HttpError(401, "Incorrect username or password.", { "WWW-Authenticate": "Bearer" });
    }
    await clearFailures(db, body.username);
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
    method: "post",
    path: "/auth/users",
    tag: "auth",
    summary: "Create an account with any role (admins only)",
    roles: ["admin"],
    body: { schema: signupBody.extend({ user_type: z.enum(userTypes) }), types: ["json"] },
    responses: {
      201: { description: "Account created", schema: userOut },
      409: { description: "Username taken" },
    },
  }, async (c, { body }) => {
    const user = await createAccountOr409(deps, {
      username: body.username,
      password: body.password,
      userType: body.user_type,
    });
    return c.json(toUserOut(user), 201);
  });
}
