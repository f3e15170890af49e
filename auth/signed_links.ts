/**
 * Signed links: short-lived URLs for resources a browser loads by itself
 * (media players, downloads), so the long-lived access token never appears
 * in a URL, a server log, the browser history or a shared link. A link
 * names its user and expiry and carries an HMAC-SHA-256 over the path, the
 * user and the expiry, keyed with a key derived from the JWT secret; the
 * route still checks that this user may see the resource.
 *
 * @module
 */

/** How long a signed link works. Players that outlive it ask for a fresh one. */
export const SIGNED_LINK_TTL_SECONDS = 15 * 60;

/** When a link signed at `now` (ms) expires; whole seconds, as the link carries it. */
export function linkExpiry(now: number): Date {
  return new Date((Math.floor(now / 1000) + SIGNED_LINK_TTL_SECONDS) * 1000);
}

/** Signs and verifies links for one secret. */
export interface LinkSigner {
  /** `path` with `uid`, `expires` and `sig` query parameters, valid for {@link SIGNED_LINK_TTL_SECONDS}. */
  sign(path: string, userId: number, now?: number): Promise<{ url: string; expiresAt: Date }>;
  /**
   * The user a link was signed for, or null when `query` has no signature.
   * Throws {@link InvalidLinkError} when the signature is wrong or expired.
   */
  verify(path: string, query: URLSearchParams, now?: number): Promise<number | null>;
}

/** The link was forged, altered or has expired. */
export class InvalidLinkError extends Error {
  override name = "InvalidLinkError";
}

function message(path: string, userId: number, expires: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`signed-link\n${path}\n${userId}\n${expires}`);
}

function toBase64Url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Creates a signer for `secret` (the JWT secret). The HMAC key is derived
 * from it with a fixed label, so a link signature can never pass as a JWT
 * signature or the other way round.
 */
export function createLinkSigner(secret: Uint8Array): LinkSigner {
  const key = (async () => {
    const base = await crypto.subtle.importKey("raw", new Uint8Array(secret), "HKDF", false, [
      "deriveKey",
    ]);
    return await crypto.subtle.deriveKey(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: new Uint8Array(),
        info: new TextEncoder().encode("ai-interviewer signed links"),
      },
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign", "verify"],
    );
  })();
  return {
    async sign(path, userId, now = Date.now()) {
      const expiresAt = linkExpiry(now);
      const expires = expiresAt.getTime() / 1000;
      const signature = await crypto.subtle.sign("HMAC", await key, message(path, userId, expires));
      const query = new URLSearchParams({
        uid: String(userId),
        expires: String(expires),
        sig: toBase64Url(signature),
      });
      return { url: `${path}?${query}`, expiresAt };
    },
    async verify(path, query, now = Date.now()) {
      const sig = query.get("sig");
      if (sig === null) return null;
      const userId = Number(query.get("uid"));
      const expires = Number(query.get("expires"));
      const signature = fromBase64Url(sig);
      if (
        !signature || !Number.isSafeInteger(userId) || userId <= 0 ||
        !Number.isSafeInteger(expires) ||
        !await crypto.subtle.verify("HMAC", await key, signature, message(path, userId, expires))
      ) {
        throw new InvalidLinkError("This link is not valid. Open the page again to get a new one.");
      }
      if (expires * 1000 < now) {
        throw new InvalidLinkError("This link has expired. Open the page again to get a new one.");
      }
      return userId;
    },
  };
}
