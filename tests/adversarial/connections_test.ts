/**
 * Item 1 of issue 8: connection floods. The service as a process under a
 * low open-file limit against the slowloris attack, and the front door's
 * limits one by one in process.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../config.ts";
import {
  ConnectionGate,
  type GateConnection,
  type GateReason,
} from "../../http/connection_gate.ts";
import { connectionBudget, readOpenFileLimit } from "../../http/descriptor_budget.ts";
import { type FetchHandler, type FrontDoorOptions, openFrontDoor } from "../../http/front_door.ts";
import { setLogLevel } from "../../log.ts";
import { settlesWithin } from "../../deadline.ts";
import { attacks, slowloris, SLOWLORIS_CONNECTIONS } from "./attacks/connections.ts";
import { assertStayedHealthy, watchHealth } from "./health_watch.ts";
import { startServiceProcess } from "./service_process.ts";

const OPEN_FILE_LIMIT = 512;

setLogLevel("error");

Deno.test("slowloris: more half-sent connections than the open-file limit allows neither stop the service nor /health, and time out", async () => {
  const attack = attacks.find((a) => a.name === "slowloris")!;
  const service = await startServiceProcess({ ...attack.env, HEADER_TIMEOUT_S: "1" }, {
    openFileLimit: OPEN_FILE_LIMIT,
  });
  try {
    const watch = watchHealth(service.base);
    const result = await slowloris(service.base, {
      connections: SLOWLORIS_CONNECTIONS.small,
      waitMs: 5000,
    });
    const health = await watch.stop();
    assert.ok(service.alive(), `the service exited:\n${await service.log()}`);
    assertStayedHealthy("slowloris", health);
    assert.ok(SLOWLORIS_CONNECTIONS.small > OPEN_FILE_LIMIT);
    assert.equal(result.opened, SLOWLORIS_CONNECTIONS.small, "every connection was accepted");
    assert.equal(result.stillOpen, 0, "every half-sent connection was closed by the service");
    // 1 s header timeout, checked every 250 ms, plus scheduling noise.
    assert.ok(
      result.drainSeconds < 3,
      `the last one closed ${result.drainSeconds} s after the flood`,
    );
    const log = await service.log();
    assert.doesNotMatch(log, /Too many open files/);
    // Refusals are counted, not logged one by one.
    assert.ok(log.split("\n").length < 20, `the log has a line per connection:\n${log}`);
  } finally {
    await service.stop();
  }
});

// --- the front door in process ---

const LIMITS: FrontDoorOptions = {
  hostname: "127.0.0.1",
  port: 0,
  maxHeaderBytes: 4096,
  maxConnections: 16,
  maxPending: 16,
  maxRefusing: 4,
  maxPerAddress: 16,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  sweepIntervalMs: 50,
};

const echoAddress: FetchHandler = (_request, info) =>
  Response.json({ hostname: info.remoteAddr.hostname, port: info.remoteAddr.port });

async function withDoor(
  limits: Partial<FrontDoorOptions>,
  handler: FetchHandler,
  test: (port: number, internalPort: number) => Promise<void>,
): Promise<void> {
  const door = openFrontDoor({ ...LIMITS, ...limits }, handler);
  try {
    await test(door.addr.port, door.internalPort);
  } finally {
    await door.shutdown();
  }
}

/** Sends `head` (the request up to and including its empty line) and reads until the server closes. */
async function rawExchange(
  port: number,
  head: string,
): Promise<{ text: string; localPort: number }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    return { text: await new Response(conn.readable).text(), localPort: conn.localAddr.port };
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** Resolves with the milliseconds until the server closes `conn` (or `limitMs` with -1). */
async function closedWithin(conn: Deno.Conn, limitMs: number): Promise<number> {
  const started = performance.now();
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    while (await conn.read(new Uint8Array(1024)) !== null) { /* drain */ }
    return performance.now() - started;
  } catch {
    return -1;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

async function halfSent(port: number): Promise<Deno.Conn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n"));
  return conn;
}

Deno.test("front door: handlers see the client's real address", async () => {
  await withDoor({}, echoAddress, async (port) => {
    const { text, localPort } = await rawExchange(
      port,
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
    assert.deepEqual(body, { hostname: "127.0.0.1", port: localPort });
  });
});

Deno.test("front door: a request that never finishes cannot hold a shutdown; its signal is aborted", async () => {
  let aborted: Promise<void> | undefined;
  let started: () => void;
  const running = new Promise<void>((resolve) => started = resolve);
  const door = openFrontDoor({ ...LIMITS, shutdownGraceMs: 300 }, (request) => {
    // A handler waiting on something that never answers, as a stalled bucket would.
    aborted = new Promise((resolve) => request.signal.addEventListener("abort", () => resolve()));
    started();
    return new Promise<Response>(() => {});
  });
  const client = fetch(`http://127.0.0.1:${door.addr.port}/stuck`).catch(() => "closed");
  await running;
  const begun = performance.now();
  assert.ok(await settlesWithin(door.shutdown(), 15_000), "shutdown still waits after 15 s");
  const took = performance.now() - begun;
  assert.ok(took >= 250 && took < 6000, `shutdown took ${Math.round(took)} ms`);
  assert.equal(await client, "closed");
  const seen = await Promise.race([
    aborted!.then(() => "aborted"),
    new Promise((resolve) => setTimeout(() => resolve("not aborted"), 2000)),
  ]);
  assert.equal(seen, "aborted");
});

Deno.test("front door: the internal port refuses whoever did not come through the front door", async () => {
  let called = 0;
  await withDoor({}, () => {
    called++;
    return new Response("secret");
  }, async (_port, internalPort) => {
    const response = await fetch(`http://127.0.0.1:${internalPort}/`);
    assert.equal(response.status, 403);
    assert.match((await response.json()).detail, /only takes connections from the service/);
    assert.equal(called, 0);
  });
});

Deno.test("front door: connections that never finish their headers are closed after the header timeout", async () => {
  await withDoor({ headerTimeoutMs: 300 }, echoAddress, async (port) => {
    const conns = await Promise.all(Array.from({ length: 10 }, () => halfSent(port)));
    const times = await Promise.all(conns.map((conn) => closedWithin(conn, 3000)));
    for (const ms of times) assert.ok(ms >= 250 && ms < 1500, `closed after ${ms} ms`);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});

Deno.test("front door: a flood of half-sent connections from one address cannot keep its new requests out", async () => {
  await withDoor({ maxPending: 8, maxPerAddress: 4 }, echoAddress, async (port) => {
    const flood = await Promise.all(Array.from({ length: 50 }, () => halfSent(port)));
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    try {
      for (let i = 0; i < 5; i++) {
        flood.push(await halfSent(port));
        const response = await fetch(`http://127.0.0.1:${port}/`, { client });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      }
    } finally {
      client.close();
    }
    // Each new connection pushed out the oldest pending one: only the newest three remain.
    const times = await Promise.all(flood.map((conn) => closedWithin(conn, 300)));
    assert.deepEqual(times.map((ms) => ms >= 0), [
      ...Array(52).fill(true),
      ...Array(3).fill(false),
    ]);
  });
});

Deno.test("front door: idle connections are closed, those with a request in progress are not", async () => {
  await withDoor({ idleTimeoutMs: 300 }, async (request) => {
    if (new URL(request.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 800));
    return new Response("done");
  }, async (port) => {
    const idle = await Deno.connect({ hostname: "127.0.0.1", port });
    await idle.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const idleMs = await closedWithin(idle, 3000);
    assert.ok(idleMs >= 250 && idleMs < 1500, `idle connection closed after ${idleMs} ms`);
    const { text } = await rawExchange(
      port,
      "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(text, /^HTTP\/1\.1 200[^]*done$/);
  });
});

Deno.test("front door: past the connection limit a complete request gets 503 with Retry-After", async () => {
  await withDoor({ maxConnections: 1 }, echoAddress, async (port) => {
    const first = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await first.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      await first.read(new Uint8Array(1024));
      const { text } = await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assert.match(text, /^HTTP\/1\.1 503 /);
      assert.match(text, /\r\nRetry-After: 1\r\n/);
      assert.match(text, /\r\nConnection: close\r\n/);
      assert.match(text, /connection limit/);
    } finally {
      first.close();
    }
  });
});

Deno.test("front door: headers larger than the limit get 431", async () => {
  await withDoor({ maxHeaderBytes: 1024 }, echoAddress, async (port) => {
    const { text } = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(5000)}\r\n\r\n`,
    );
    assert.match(text, /^HTTP\/1\.1 431 /);
  });
});

// --- the gate's decisions, with a fake clock ---

class FakeConnection implements GateConnection {
  closedFor?: GateReason;
  constructor(readonly address: string) {}
  close(reason: GateReason) {
    this.closedFor = reason;
  }
}

function fakeGate(limits: Partial<FrontDoorOptions> = {}) {
  let now = 0;
  const gate = new ConnectionGate({ ...LIMITS, ...limits }, () => now);
  return { gate, advance: (ms: number) => now += ms };
}

Deno.test("gate: the oldest pending connection of an address makes room for its newest", () => {
  const { gate } = fakeGate({ maxPerAddress: 2 });
  const [a1, a2, a3] = [1, 2, 3].map(() => new FakeConnection("10.0.0.1"));
  const b1 = new FakeConnection("10.0.0.2");
  for (const conn of [a1, b1, a2, a3]) gate.admit(conn);
  assert.equal(a1.closedFor, "evicted_pending");
  assert.equal(a2.closedFor, undefined);
  assert.equal(b1.closedFor, undefined);
  assert.equal(gate.pending, 3);
});

Deno.test("gate: past the pending limit the oldest pending connection of anyone goes", () => {
  const { gate } = fakeGate({ maxPending: 2 });
  const conns = ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((a) => new FakeConnection(a));
  for (const conn of conns) gate.admit(conn);
  assert.deepEqual(conns.map((c) => c.closedFor), ["evicted_pending", undefined, undefined]);
});

Deno.test("gate: connections that sent part of their headers go before older ones not yet read", () => {
  const { gate } = fakeGate({ maxPending: 3, maxPerAddress: 3 });
  // A real client's headers may sit unread behind a burst of accepts: it is
  // the oldest, yet the stalled half-sent ones make room first.
  const unread = new FakeConnection("10.0.0.1");
  const [s1, s2] = [1, 2].map(() => new FakeConnection("10.0.0.1"));
  gate.admit(unread);
  for (const conn of [s1, s2]) {
    gate.admit(conn);
    gate.stalled(conn);
  }
  const [n1, n2] = [1, 2].map(() => new FakeConnection("10.0.0.1"));
  gate.admit(n1);
  gate.admit(n2);
  assert.deepEqual([unread, s1, s2, n1, n2].map((c) => c.closedFor), [
    undefined,
    "evicted_pending",
    "evicted_pending",
    undefined,
    undefined,
  ]);
  // With no stalled connection left, the oldest goes.
  gate.admit(new FakeConnection("10.0.0.2"));
  assert.equal(unread.closedFor, "evicted_pending");
  assert.equal(gate.pending, 3);
});

Deno.test("gate: accepting waits while the next admission would evict a connection not yet read", () => {
  const { gate } = fakeGate({ maxPending: 2 });
  const [a, b] = [1, 2].map(() => new FakeConnection("10.0.0.1"));
  gate.admit(a);
  assert.equal(gate.wouldEvictUnread(), false, "room left");
  gate.admit(b);
  assert.equal(gate.wouldEvictUnread(), true, "full of connections whose bytes are unread");
  gate.read(a);
  gate.stalled(a);
  assert.equal(gate.wouldEvictUnread(), false, "a stalled one can go instead");
  gate.promote(b);
  gate.release(a);
  assert.equal(gate.wouldEvictUnread(), false);
});

Deno.test("gate: proxied connections are limited per address and in all; refusals are limited too", () => {
  const { gate } = fakeGate({ maxConnections: 3, maxPerAddress: 2, maxRefusing: 1 });
  const verdict = (address: string) => {
    const conn = new FakeConnection(address);
    gate.admit(conn);
    return gate.promote(conn);
  };
  assert.equal(verdict("10.0.0.1"), "proxy");
  assert.equal(verdict("10.0.0.1"), "proxy");
  assert.equal(verdict("10.0.0.1"), "refuse");
  assert.equal(verdict("10.0.0.2"), "proxy");
  assert.equal(verdict("10.0.0.3"), "drop");
  assert.deepEqual(gate.takeCounts(), { per_address: 1, at_capacity: 1 });
});

Deno.test("gate: timeouts apply to pending headers and to idle connections without a request", () => {
  const { gate, advance } = fakeGate({ headerTimeoutMs: 1000, idleTimeoutMs: 5000 });
  const slow = new FakeConnection("10.0.0.1");
  const idle = new FakeConnection("10.0.0.2");
  const busy = new FakeConnection("10.0.0.3");
  for (const conn of [slow, idle, busy]) gate.admit(conn);
  gate.promote(idle);
  gate.promote(busy);
  const done = gate.beginRequest(busy);
  advance(999);
  gate.sweep();
  assert.equal(slow.closedFor, undefined);
  advance(1);
  gate.sweep();
  assert.equal(slow.closedFor, "header_timeout");
  advance(5000);
  gate.sweep();
  assert.equal(idle.closedFor, "idle_timeout");
  assert.equal(busy.closedFor, undefined);
  done();
  advance(5000);
  gate.sweep();
  assert.equal(busy.closedFor, "idle_timeout");
  assert.equal(gate.active, 0);
});

Deno.test("descriptor budget: limits fit the open-file limit, and a MAX_CONNECTIONS that does not is refused", () => {
  assert.equal(
    readOpenFileLimit("Max open files            512                4096                 files\n"),
    512,
  );
  const budget = connectionBudget(512);
  assert.ok(3 * budget.maxConnections + budget.maxPending + budget.maxRefusing <= 512 - 256);
  assert.ok(budget.maxConnections > 0 && budget.maxPending > 0 && budget.maxRefusing > 0);
  assert.throws(() => connectionBudget(512, 200), ConfigError);
  assert.throws(() => connectionBudget(100), /raise it \(ulimit -n\)/);
});
