/**
 * Bookkeeping of the front door's connections: which are still waiting for
 * their first request's headers, which are proxied, who gets refused and
 * who gets closed for taking too long. It owns no sockets; the front door
 * calls it and closes what it is told to.
 *
 * @module
 */

/** Why the gate closed or refused a connection; also the keys of its counters. */
export type GateReason =
  | "header_timeout"
  | "header_too_large"
  | "evicted_pending"
  | "idle_timeout"
  | "at_capacity"
  | "per_address"
  | "unknown_peer"
  | "accept_error";

/** The limits the gate enforces. */
export interface GateLimits {
  /** Proxied connections (with a complete first request) at once. */
  maxConnections: number;
  /** Connections still waiting for their first request's headers. */
  maxPending: number;
  /** Connections being answered 503 at once; more are closed without an answer. */
  maxRefusing: number;
  /** Pending connections, and proxied connections, per client address (each). */
  maxPerAddress: number;
  /** Milliseconds a connection may take to send its first request's headers. */
  headerTimeoutMs: number;
  /** Milliseconds without a byte either way, and no request in progress, before a close. */
  idleTimeoutMs: number;
}

/** One client connection as the gate sees it. */
export interface GateConnection {
  /** The client's address (IP without port): the key of the per-address limits. */
  readonly address: string;
  /** Closes the connection; called once by the gate when it evicts or times it out. */
  close(reason: GateReason): void;
}

type State = "pending" | "active" | "refusing";

interface Entry {
  state: State;
  /** When it was accepted (pending) or last moved bytes (active), in ms. */
  since: number;
  /** Requests of this connection being handled right now. */
  requests: number;
}

/** Decides who may come in and who must go; see the module documentation. */
export class ConnectionGate {
  readonly limits: GateLimits;
  readonly #now: () => number;
  readonly #entries = new Map<GateConnection, Entry>();
  // Both in acceptance order, so the first one is always the oldest.
  readonly #pending = new Set<GateConnection>();
  readonly #pendingByAddress = new Map<string, Set<GateConnection>>();
  // Pending connections that sent part of their headers and stopped, in the
  // order they did: evicted before those whose bytes may not have been read yet.
  readonly #stalled = new Set<GateConnection>();
  readonly #stalledByAddress = new Map<string, Set<GateConnection>>();
  // Pending connections none of whose bytes have been read yet.
  readonly #unread = new Set<GateConnection>();
  readonly #active = new Set<GateConnection>();
  readonly #activeByAddress = new Map<string, number>();
  #refusing = 0;
  readonly #counts = new Map<GateReason, number>();

  constructor(limits: GateLimits, now: () => number = () => performance.now()) {
    this.limits = limits;
    this.#now = now;
  }

  /** Connections waiting for their headers. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Proxied connections. */
  get active(): number {
    return this.#active.size;
  }

  /** Connections being refused with a 503. */
  get refusing(): number {
    return this.#refusing;
  }

  /**
   * Registers a newly accepted connection as pending. When this exceeds the
   * pending limits, a pending connection (of the same address first, then of
   * everyone) is closed: the oldest of those that sent part of their headers
   * and stopped, else the oldest. A real client sends its headers within
   * milliseconds, so a stalled or old one is the likeliest attacker, and a
   * flood can never keep a new connection from getting in. Preferring stalled
   * ones keeps a real client whose headers wait unread behind a burst of
   * accepts from being taken for the oldest.
   */
  admit(conn: GateConnection): void {
    this.#entries.set(conn, { state: "pending", since: this.#now(), requests: 0 });
    this.#pending.add(conn);
    this.#unread.add(conn);
    let ofAddress = this.#pendingByAddress.get(conn.address);
    if (!ofAddress) this.#pendingByAddress.set(conn.address, ofAddress = new Set());
    ofAddress.add(conn);
    if (ofAddress.size > this.limits.maxPerAddress) {
      this.#evict(
        firstOf(this.#stalledByAddress.get(conn.address)) ?? firstOf(ofAddress)!,
        "evicted_pending",
      );
    }
    if (this.#pending.size > this.limits.maxPending) {
      this.#evict(firstOf(this.#stalled) ?? firstOf(this.#pending)!, "evicted_pending");
    }
  }

  /**
   * True when admitting one more connection would have to evict a pending
   * connection none of whose bytes have been read yet (no stalled one to
   * evict instead).
   */
  wouldEvictUnread(): boolean {
    return this.#pending.size >= this.limits.maxPending && this.#stalled.size === 0 &&
      this.#unread.size > 0;
  }

  /** Notes that a pending connection's first bytes have been read. */
  read(conn: GateConnection): void {
    this.#unread.delete(conn);
  }

  /**
   * Notes that a pending connection sent part of its headers and the rest
   * has not arrived: it becomes the first to go when room is needed.
   */
  stalled(conn: GateConnection): void {
    if (this.#entries.get(conn)?.state !== "pending" || this.#stalled.has(conn)) return;
    this.#stalled.add(conn);
    let ofAddress = this.#stalledByAddress.get(conn.address);
    if (!ofAddress) this.#stalledByAddress.set(conn.address, ofAddress = new Set());
    ofAddress.add(conn);
  }

  /**
   * Called when a pending connection's first request headers are complete.
   * Answers `"proxy"` when it may be proxied, `"refuse"` when it should get a
   * 503 (at a limit; the reason is counted), `"drop"` when even the refusals
   * are at their limit and it should just be closed.
   */
  promote(conn: GateConnection): "proxy" | "refuse" | "drop" {
    const entry = this.#entries.get(conn);
    if (!entry || entry.state !== "pending") return "drop";
    this.#leavePending(conn);
    const ofAddress = this.#activeByAddress.get(conn.address) ?? 0;
    const full = this.#active.size >= this.limits.maxConnections
      ? "at_capacity"
      : ofAddress >= this.limits.maxPerAddress
      ? "per_address"
      : undefined;
    if (!full) {
      entry.state = "active";
      entry.since = this.#now();
      this.#active.add(conn);
      this.#activeByAddress.set(conn.address, ofAddress + 1);
      return "proxy";
    }
    this.count(full);
    if (this.#refusing >= this.limits.maxRefusing) {
      this.#entries.delete(conn);
      return "drop";
    }
    entry.state = "refusing";
    this.#refusing++;
    return "refuse";
  }

  /** Notes bytes moving on an active connection: it is not idle. */
  touch(conn: GateConnection): void {
    const entry = this.#entries.get(conn);
    if (entry) entry.since = this.#now();
  }

  /**
   * Notes a request of `conn` being handled; call the returned function when
   * its response is complete. A connection is never idle while one is.
   */
  beginRequest(conn: GateConnection): () => void {
    const entry = this.#entries.get(conn);
    if (!entry) return () => {};
    entry.requests++;
    return () => {
      entry.requests--;
      entry.since = this.#now();
    };
  }

  /** Forgets a connection that has closed, whatever closed it. */
  release(conn: GateConnection): void {
    const entry = this.#entries.get(conn);
    if (!entry) return;
    this.#entries.delete(conn);
    if (entry.state === "pending") this.#leavePending(conn);
    else if (entry.state === "refusing") this.#refusing--;
    else {
      this.#active.delete(conn);
      const left = (this.#activeByAddress.get(conn.address) ?? 1) - 1;
      if (left > 0) this.#activeByAddress.set(conn.address, left);
      else this.#activeByAddress.delete(conn.address);
    }
  }

  /**
   * Closes pending connections older than the header timeout and active ones
   * idle for longer than the idle timeout. Call it periodically.
   */
  sweep(): void {
    const now = this.#now();
    for (const conn of this.#pending) {
      // Acceptance order: once one is young enough, all later ones are too.
      if (now - this.#entries.get(conn)!.since < this.limits.headerTimeoutMs) break;
      this.#evict(conn, "header_timeout");
    }
    for (const conn of [...this.#active]) {
      const entry = this.#entries.get(conn)!;
      if (entry.requests === 0 && now - entry.since >= this.limits.idleTimeoutMs) {
        this.#evict(conn, "idle_timeout");
      }
    }
  }

  /** Closes the oldest stalled pending connection, else the oldest pending one, to free its descriptor. */
  evictOldestPending(): void {
    const victim = firstOf(this.#stalled) ?? firstOf(this.#pending);
    if (victim) this.#evict(victim, "evicted_pending");
  }

  /** Adds one to the counter of `reason`. */
  count(reason: GateReason): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
  }

  /** The counters since the last call, then resets them; empty when nothing happened. */
  takeCounts(): Partial<Record<GateReason, number>> {
    const counts = Object.fromEntries(this.#counts);
    this.#counts.clear();
    return counts;
  }

  #evict(conn: GateConnection, reason: GateReason): void {
    this.count(reason);
    this.release(conn);
    conn.close(reason);
  }

  #leavePending(conn: GateConnection): void {
    this.#pending.delete(conn);
    this.#unread.delete(conn);
    this.#stalled.delete(conn);
    for (const byAddress of [this.#pendingByAddress, this.#stalledByAddress]) {
      const ofAddress = byAddress.get(conn.address);
      ofAddress?.delete(conn);
      if (ofAddress?.size === 0) byAddress.delete(conn.address);
    }
  }
}

function firstOf<T>(set: Set<T> | undefined): T | undefined {
  return set?.values().next().value;
}
