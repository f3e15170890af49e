/**
 * How many connections the front door may hold, derived from the process's
 * open-file limit: Deno exits (or panics) when a descriptor cannot be had,
 * so the limits must keep the process well below it.
 *
 * @module
 */
import { ConfigError } from "../config.ts";

/** Used when the limit cannot be read: the usual default. */
const FALLBACK_OPEN_FILES = 1024;
/** Never fewer descriptors kept back for the database, files, workers and Deno itself. */
const MIN_RESERVE = 256;
/** A proxied connection holds the client's socket and both ends of the internal one. */
export const DESCRIPTORS_PER_CONNECTION = 3;
const MAX_REFUSING = 64;
/** Stands for "unlimited", which Linux does not allow for this limit anyway. */
const UNLIMITED = 1 << 20;

/** The connection limits that fit in the descriptor limit. */
export interface ConnectionBudget {
  /** The soft open-file limit they were derived from. */
  openFileLimit: number;
  /** Proxied connections. */
  maxConnections: number;
  /** Connections waiting for their first request's headers (one descriptor each). */
  maxPending: number;
  /** Connections being answered 503 (one descriptor each). */
  maxRefusing: number;
}

/**
 * The soft `RLIMIT_NOFILE` of this process: from `/proc/self/limits` (or
 * `limitsText`), which Deno lets only `--allow-all` read, else from libc's
 * `getrlimit` (`--allow-ffi`), else the usual default.
 */
export function readOpenFileLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = Deno.readTextFileSync("/proc/self/limits");
    } catch {
      return getrlimitOpenFiles() ?? FALLBACK_OPEN_FILES;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === undefined) return FALLBACK_OPEN_FILES;
  return soft === "unlimited" ? UNLIMITED : Number(soft);
}

function getrlimitOpenFiles(): number | undefined {
  const darwin = Deno.build.os === "darwin";
  if (!darwin && Deno.build.os !== "linux") return undefined;
  try {
    const libc = Deno.dlopen(darwin ? "libSystem.B.dylib" : "libc.so.6", {
      getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
    });
    try {
      // struct rlimit { rlim_t rlim_cur, rlim_max; } with a 64-bit rlim_t on both.
      const limits = new BigUint64Array(2);
      const RLIMIT_NOFILE = darwin ? 8 : 7;
      if (libc.symbols.getrlimit(RLIMIT_NOFILE, limits) !== 0) return undefined;
      return Number(limits[0] > BigInt(UNLIMITED) ? BigInt(UNLIMITED) : limits[0]);
    } finally {
      libc.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Splits the open-file limit: a quarter (at least 256) is kept for
 * everything but connections; of the rest, `maxConnections` (by default a
 * quarter of it) proxied connections take three descriptors each, and what
 * is left goes to pending and refused connections at one each. Throws a
 * `ConfigError` when that leaves no room.
 */
export function connectionBudget(openFileLimit: number, maxConnections?: number): ConnectionBudget {
  const reserve = Math.max(MIN_RESERVE, Math.floor(openFileLimit / 4));
  const available = openFileLimit - reserve;
  const connections = maxConnections ?? Math.floor(available / 4);
  const left = available - connections * DESCRIPTORS_PER_CONNECTION;
  // At least a few pending slots, or nobody could ever send a request.
  if (connections < 1 || left < 8) {
    const needed = reserve + Math.max(1, connections) * DESCRIPTORS_PER_CONNECTION + 8;
    throw new ConfigError(
      `${
        maxConnections === undefined ? "the service" : `MAX_CONNECTIONS=${maxConnections}`
      } needs an open-file limit of at least ${needed}, but it is ${openFileLimit}: raise it (ulimit -n)${
        maxConnections === undefined ? "" : " or lower MAX_CONNECTIONS"
      }`,
    );
  }
  const maxRefusing = Math.min(MAX_REFUSING, Math.max(1, Math.floor(left / 8)));
  return {
    openFileLimit,
    maxConnections: connections,
    maxPending: left - maxRefusing,
    maxRefusing,
  };
}
