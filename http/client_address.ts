/**
 * The address a request came from, for per-address limits.
 *
 * @module
 */
import type { Context } from "hono";

/** What `Deno.serve` passes to the handler as Hono's `c.env`. */
interface ServeInfo {
  remoteAddr?: { hostname?: string };
}

/**
 * The key of an address for limits: IPv4 as is, IPv6 by its /64 prefix,
 * since one subscriber usually holds a whole /64 and could otherwise rotate
 * through its addresses.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.toLowerCase().split("%")[0].split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const groups = [
    ...left,
    ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"),
    ...right,
  ];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * The client's address key ({@link addressKey}): the peer of the socket, as `Deno.serve` reports it;
 * with `trustProxy`, the last address in `X-Forwarded-For` instead. The last
 * entry is the one our proxy appended, whereas everything before it is
 * whatever the client chose to send, so only that one cannot be forged.
 * `"unknown"` when neither exists (requests made in process).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((hop) => hop.trim())
      .filter(Boolean);
    if (forwarded && forwarded.length > 0) {
      return addressKey(forwarded[forwarded.length - 1].slice(0, 100));
    }
  }
  const hostname = (c.env as ServeInfo | undefined)?.remoteAddr?.hostname;
  return hostname ? addressKey(hostname) : "unknown";
}
