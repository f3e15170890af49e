/**
 * Resolves `Authorization: Bearer <jwt>` to the user it was issued for.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv, Authenticator, AuthUser } from "./api.ts";
import { HttpError } from "./errors.ts";
import { InvalidTokenError, type TokenService } from "../auth/tokens.ts";
import { InvalidLinkError } from "../auth/signed_links.ts";
import type { Db } from "../db/client.ts";
import { findUserById } from "../db/users.ts";

function unauthorized(detail: string): HttpError {
  return new HttpError(401, detail, { "WWW-Authenticate": "Bearer" });
}

/**
 * Verifies `token` and loads its user; the account must still exist, so a
 * deleted user's tokens stop working at once.
 */
export async function userForToken(db: Db, tokens: TokenService, token: string): Promise<AuthUser> {
  let userId: number;
  try {
    userId = await tokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      throw unauthorized(
        `The access token is ${
          error.message === "token expired" ? "expired" : "invalid"
        }. Log in again.`,
      );
    }
    throw error;
  }
  return await loadUser(db, userId);
}

async function loadUser(db: Db, userId: number): Promise<AuthUser> {
  const user = await findUserById(db, userId);
  if (!user) throw unauthorized("The account of this token no longer exists. Log in again.");
  return { id: user.id, username: user.username, userType: user.userType };
}

/** The user of a signed link to this request's path, or null when the request carries none. */
async function userForLink(
  c: Context<AppEnv>,
  db: Db,
  tokens: TokenService,
): Promise<AuthUser | null> {
  let userId: number | null;
  try {
    userId = await tokens.links.verify(c.req.path, new URL(c.req.url).searchParams);
  } catch (error) {
    if (error instanceof InvalidLinkError) throw unauthorized(error.message);
    throw error;
  }
  return userId === null ? null : await loadUser(db, userId);
}

/** Creates the authenticator used by protected routes. */
export function createAuthenticator(db: Db, tokens: TokenService): Authenticator {
  return async (c: Context<AppEnv>, options) => {
    const linked = options.signedLink ? await userForLink(c, db, tokens) : null;
    if (linked) return linked;
    const header = c.req.header("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] ??
      (options.tokenInQuery ? c.req.query("token") : undefined);
    if (!token) {
      throw unauthorized(
        "Not authenticated: send Authorization: Bearer <access_token> from /auth/login.",
      );
    }
    return await userForToken(db, tokens, token);
  };
}
