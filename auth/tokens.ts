/**
 * Access tokens: HS256 JWTs signed and verified with jose. The algorithm,
 * issuer and audience are pinned, and `exp`, `iat` and `sub` are required.
 *
 * @module
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { log } from "../log.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../media/storage.ts";
import { createLinkSigner, type LinkSigner } from "./signed_links.ts";

const ALGORITHM = "HS256";
const ISSUER = "ai-interviewer";
const AUDIENCE = "ai-interviewer-api";

/** Issues and verifies access tokens, and the signed links derived from the same secret. */
export interface TokenService {
  /** Short-lived links for media players and downloads, which cannot send the token. */
  links: LinkSigner;
  /** Signs a token for user `userId`; `expiresIn` is in seconds. */
  issue(userId: number): Promise<{ token: string; expiresIn: number }>;
  /** Returns the user id the token was issued for, or throws {@link InvalidTokenError}. */
  verify(token: string): Promise<number>;
}

/** The token is missing a claim, expired, forged or malformed. */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/** Creates a token service for `secret`, issuing tokens valid for `ttlSeconds`. */
export function createTokenService(secret: Uint8Array, ttlSeconds: number): TokenService {
  return {
    links: createLinkSigner(secret),
    async issue(userId) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(secret);
      return { token, expiresIn: ttlSeconds };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ["exp", "iat", "sub"],
        });
        const userId = Number(payload.sub);
        if (!Number.isSafeInteger(userId) || userId <= 0) {
          throw new InvalidTokenError("bad subject");
        }
        return userId;
      } catch (error) {
        if (error instanceof InvalidTokenError) throw error;
        if (error instanceof errors.JWTExpired) throw new InvalidTokenError("token expired");
        throw new InvalidTokenError("token invalid");
      }
    },
  };
}

/**
 * Returns the JWT secret: `configured` when set, otherwise one generated on
 * first start and kept in `<dataDir>/jwt_secret` so tokens survive restarts.
 */
export async function loadJwtSecret(
  configured: string | undefined,
  dataDir: string,
): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  const path = `${dataDir}/jwt_secret`;
  try {
    const stored = (await Deno.readTextFile(path)).trim();
    if (stored.length >= 32) return new TextEncoder().encode(stored);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  const secret = btoa(String.fromCharCode(...bytes)).replace(
    /[+/=]/g,
    (c) => c === "+" ? "-" : c === "/" ? "_" : "",
  );
  await Deno.mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await Deno.writeTextFile(path, secret + "\n", { mode: PRIVATE_FILE_MODE });
  log.warn(
    "JWT_SECRET is not set: generated one and stored it in DATA_DIR; set JWT_SECRET when running several instances",
    {
      path,
    },
  );
  return new TextEncoder().encode(secret);
}
