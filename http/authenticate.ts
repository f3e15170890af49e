/**
 * Resolves `Authorization: Bearer <jwt>` to the user it was issued for.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv, Authenticator, AuthUser } from "./api.ts";
import { HttpError } from "./errors.ts";
import { InvalidTokenError, type TokenService } from "../auth/tokens.ts";
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
  const user = await findUserById(db, userId);
  if (!user) throw unauthorized("The account of this token no longer exists. Log in again.");
  return { id: user.id, username: user.username, userType: user.userType };
}

/** Creates the authenticator used by protected routes. */
export function createAuthenticator(db: Db, tokens: TokenService): Authenticator {
  return (c: Context<AppEnv>, options) => {
    const header = c.req.header("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] ??
      (options.tokenInQuery ? c.req.query("token") : undefined);
    if (!token) {
      return Promise.reject(
        unauthorized(
          "Not authenticated: send Authorization: Bearer <access_token> from /auth/login.",
        ),
      );
    }
    return userForToken(db, tokens, token);
  };
}
