/**
 * The service's public socket. `Deno.serve` has no header or idle timeout
 * and exits the process when it cannot accept for lack of descriptors, so it
 * listens on an internal loopback port instead, and this module owns the
 * public one: it accepts without ever dying, holds each connection until
 * its first request's headers are complete (within a time and size limit),
 * then proxies it byte for byte to the internal server, within connection
 * limits derived from the open-file limit. Handlers still see the client's
 * real address as `info.remoteAddr`.
 *
 * @module
 */
import { ConnectionGate, type GateConnection, type GateLimits } from "./connection_gate.ts";
import { addressKey } from "./client_address.ts";
import { connectionBudget, readOpenFileLimit } from "./descriptor_budget.ts";
import type { Config } from "../config.ts";
import { log } from "../log.ts";
import { settlesWithin } from "../deadline.ts";

/** A request handler as `Deno.serve` takes it. */
export type FetchHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

/** Where to listen and what to enforce. */
export interface FrontDoorOptions extends GateLimits {
  hostname: string;
  port: number;
  /** Largest header block of a connection's first request, in bytes (larger: 431). */
  maxHeaderBytes: number;
  /** How often timeouts are checked, in ms; by default a quarter of the header timeout, at most 1 s. */
  sweepIntervalMs?: number;
  /**
   * How long shutdown lets requests in flight finish before it closes their
   * connections, in ms ({@link SHUTDOWN_GRACE_MS} by default).
   */
  shutdownGraceMs?: number;
}

/**
 * Requests in flight get this long to finish on shutdown: a stop (a deploy,
 * SIGTERM) must not wait for ever on a request that waits on something else.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

/** After closing their connections, how long the internal server gets to see them end. */
const CLOSED_GRACE_MS = 5_000;

/** A listening front door. */
export interface FrontDoor {
  /** The public address (its port is the real one when asked for port 0). */
  addr: Deno.NetAddr;
  /** The loopback port of the internal server, which only the front door may use. */
  internalPort: number;
  /** Its bookkeeping, for inspection. */
  gate: ConnectionGate;
  /**
   * Stops accepting, lets requests in flight finish (for at most the grace
   * period, then their connections are closed, which aborts their
   * `request.signal`), then closes every connection.
   */
  shutdown(): Promise<void>;
}

/**
 * The front door's options from the configuration, with the connection
 * limits fitted to this process's open-file limit (a `ConfigError` when
 * `MAX_CONNECTIONS` does not fit).
 */
export function frontDoorOptions(
  config: Config,
  openFileLimit: number = readOpenFileLimit(),
): FrontDoorOptions {
  const budget = connectionBudget(openFileLimit, config.MAX_CONNECTIONS);
  return {
    hostname: config.HOST,
    port: config.PORT,
    maxHeaderBytes: config.MAX_HEADER_KB * 1024,
    maxConnections: budget.maxConnections,
    maxPending: budget.maxPending,
    maxRefusing: budget.maxRefusing,
    maxPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
    headerTimeoutMs: config.HEADER_TIMEOUT_S * 1000,
    idleTimeoutMs: config.IDLE_TIMEOUT_S * 1000,
  };
}

const HEAD_READ_BYTES = 4096;
// Buffers start small because idle connections keep a read pending on
// them; they grow only on connections that fill them.
const PUMP_START_BYTES = 4096;
const PUMP_MAX_BYTES = 64 * 1024;
/** How long a refused connection's remaining input is read before closing, so it gets the answer. */
const LINGER_MS = 1000;
const ACCEPT_BACKOFF_MS = 50;
/** How long accepting may wait for the reads of just-accepted connections (see the accept loop). */
const READ_GRACE_MS = 20;
const LOG_INTERVAL_MS = 10_000;
const CR = 13;
const LF = 10;

const encoder = new TextEncoder();

function errorResponse(status: string, detail: string, headers = ""): Uint8Array {
  const body = JSON.stringify({ detail });
  return encoder.encode(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `Connection: close\r\n${headers}\r\n${body}`,
  );
}

const BUSY = errorResponse(
  "503 Service Unavailable",
  "The service is at its connection limit; retry in a moment.",
  "Retry-After: 1\r\n",
);

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** Copies `from` into `to` until `from` ends, calling `onBytes` for each chunk. */
async function pump(from: Deno.Conn, to: Deno.Conn, onBytes: () => void): Promise<void> {
  let buffer = new Uint8Array(PUMP_START_BYTES);
  while (true) {
    const n = await from.read(buffer);
    if (n === null) return;
    onBytes();
    await writeAll(to, buffer.subarray(0, n));
    if (n === buffer.length && buffer.length < PUMP_MAX_BYTES) {
      buffer = new Uint8Array(buffer.length * 4);
    }
  }
}

/**
 * Tells where an HTTP/1 header block ends: at an empty line, whether lines
 * end in CRLF or a bare LF (both of which the internal server accepts).
 */
class HeadScanner {
  // 0: inside a line; 1: just after LF; 2: after LF then CR.
  #state = 0;

  /** True once the bytes seen so far include the end of the header block. */
  feed(bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === LF) {
        if (this.#state !== 0) return true;
        this.#state = 1;
      } else this.#state = byte === CR && this.#state === 1 ? 2 : 0;
    }
    return false;
  }
}

/** One client connection and, once proxied, its internal counterpart. */
class ClientConnection implements GateConnection {
  readonly address: string;
  readonly remote: Deno.NetAddr;
  readonly conn: Deno.TcpConn;
  upstream?: Deno.TcpConn;
  closed = false;

  constructor(conn: Deno.TcpConn) {
    this.conn = conn;
    this.remote = conn.remoteAddr;
    this.address = addressKey(conn.remoteAddr.hostname);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [this.conn, this.upstream]) {
      try {
        conn?.close();
      } catch {
        // Already closed by the other side.
      }
    }
  }
}

/**
 * Listens on `options.hostname:options.port` and serves `handler` behind
 * the connection limits; see the module documentation.
 */
export function openFrontDoor(options: FrontDoorOptions, handler: FetchHandler): FrontDoor {
  const gate = new ConnectionGate(options);
  const open = new Set<ClientConnection>();
  // Internal connections by their local port: how a request finds its client.
  const byPort = new Map<number, ClientConnection>();
  let closing = false;

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req, info) => {
    const client = byPort.get(info.remoteAddr.port);
    if (!client || client.upstream?.localAddr.hostname !== info.remoteAddr.hostname) {
      gate.count("unknown_peer");
      return new Response(
        JSON.stringify({ detail: "This port only takes connections from the service itself." }),
        { status: 403, headers: { "content-type": "application/json", connection: "close" } },
      );
    }
    const done = gate.beginRequest(client);
    info.completed.then(done, done);
    return handler(req, { remoteAddr: client.remote, completed: info.completed });
  });
  const internalPort = server.addr.port;
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  log.info("connection limits", {
    max_connections: options.maxConnections,
    max_pending: options.maxPending,
    max_per_address: options.maxPerAddress,
    header_timeout_s: options.headerTimeoutMs / 1000,
    idle_timeout_s: options.idleTimeoutMs / 1000,
  });

  /** Reads the first request's header block; undefined when the connection ended or was refused. */
  async function readHead(client: ClientConnection): Promise<Uint8Array[] | undefined> {
    const scanner = new HeadScanner();
    const buffer = new Uint8Array(HEAD_READ_BYTES);
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (true) {
      const n = await client.conn.read(buffer);
      if (n === null) return undefined;
      gate.read(client);
      const chunk = buffer.slice(0, n);
      chunks.push(chunk);
      size += n;
      if (scanner.feed(chunk)) return chunks;
      gate.stalled(client);
      if (size > options.maxHeaderBytes) {
        gate.count("header_too_large");
        await answerAndClose(
          client,
          errorResponse(
            "431 Request Header Fields Too Large",
            `The request headers exceed ${options.maxHeaderBytes} bytes; send smaller ones.`,
          ),
        );
        return undefined;
      }
    }
  }

  /** Sends `response`, then reads and drops what the client still sends for a moment before closing. */
  async function answerAndClose(client: ClientConnection, response: Uint8Array): Promise<void> {
    const timer = setTimeout(() => client.close(), LINGER_MS);
    try {
      await writeAll(client.conn, response);
      await client.conn.closeWrite();
      const sink = new Uint8Array(HEAD_READ_BYTES);
      while (await client.conn.read(sink) !== null) { /* discard */ }
    } finally {
      clearTimeout(timer);
    }
  }

  async function proxy(client: ClientConnection, head: Uint8Array[]): Promise<void> {
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: internalPort });
    } catch {
      // Out of descriptors after all: refuse as at a limit rather than vanish.
      gate.count("at_capacity");
      return answerAndClose(client, BUSY);
    }
    client.upstream = upstream;
    if (client.closed) return upstream.close();
    upstream.setNoDelay(true);
    const port = upstream.localAddr.port;
    byPort.set(port, client);
    try {
      for (const chunk of head) await writeAll(upstream, chunk);
      const touch = () => gate.touch(client);
      await Promise.all([
        pump(client.conn, upstream, touch).then(() => upstream.closeWrite()),
        pump(upstream, client.conn, touch).then(() => client.close()),
      ]);
    } finally {
      byPort.delete(port);
    }
  }

  async function serveConnection(conn: Deno.TcpConn): Promise<void> {
    const client = new ClientConnection(conn);
    open.add(client);
    gate.admit(client);
    try {
      conn.setNoDelay(true);
      const head = await readHead(client);
      if (!head || client.closed) return;
      const verdict = gate.promote(client);
      if (verdict === "proxy") await proxy(client, head);
      else if (verdict === "refuse") await answerAndClose(client, BUSY);
    } catch {
      // The client went away, or the gate closed it: nothing to tell anyone.
    } finally {
      gate.release(client);
      client.close();
      open.delete(client);
    }
  }

  const accepting = (async () => {
    while (!closing) {
      // A burst of accepts can outrun the reads of the connections just
      // accepted. When the next accept would have to evict one of those
      // unread ones (a real client's headers may be among them), let their
      // reads run first, so that the eviction finds a stalled half-sent one.
      for (let waited = 0; waited < READ_GRACE_MS && gate.wouldEvictUnread(); waited++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        // Out of descriptors, or a connection reset before it was accepted:
        // either passes. Giving up the oldest waiting connection frees one.
        gate.count("accept_error");
        gate.evictOldestPending();
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_BACKOFF_MS));
        continue;
      }
      serveConnection(conn);
    }
  })();

  let lastLog = performance.now();
  const sweeper = setInterval(
    () => {
      gate.sweep();
      if (performance.now() - lastLog < LOG_INTERVAL_MS) return;
      lastLog = performance.now();
      flushCounts();
    },
    options.sweepIntervalMs ?? Math.min(1000, options.headerTimeoutMs / 4),
  );
  Deno.unrefTimer(sweeper);

  // One line per interval however many connections were refused, so an
  // attacker cannot flood the logs.
  function flushCounts(): void {
    const counts = gate.takeCounts();
    if (Object.keys(counts).length === 0) return;
    log.warn("connections closed or refused", {
      ...counts,
      pending: gate.pending,
      active: gate.active,
    });
  }

  return {
    addr: listener.addr as Deno.NetAddr,
    internalPort,
    gate,
    async shutdown() {
      closing = true;
      listener.close();
      await accepting;
      clearInterval(sweeper);
      for (const client of open) if (!client.upstream) client.close();
      const finished = server.shutdown();
      if (!(await settlesWithin(finished, options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS))) {
        log.warn("requests still running at the end of the shutdown grace period; closing them", {
          connections: open.size,
        });
        for (const client of open) client.close();
        if (!(await settlesWithin(finished, CLOSED_GRACE_MS))) {
          log.error("the internal server did not finish after its connections were closed");
        }
      }
      for (const client of open) client.close();
      flushCounts();
    },
  };
}
