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
   * pending limits, the oldest pending connection (of the same address first,
   * then of everyone) is closed: a real client sends its headers within
   * milliseconds, so the oldest one waiting is the likeliest attacker, and a
   * flood can never keep a new connection from getting in.
   */
  admit(conn: GateConnection): void {
    this.#entries.set(conn, { state: "pending", since: this.#now(), requests: 0 });
    this.#pending.add(conn);
    let ofAddress = this.#pendingByAddress.get(conn.address);
    if (!ofAddress) this.#pendingByAddress.set(conn.address, ofAddress = new Set());
    ofAddress.add(conn);
    if (ofAddress.size > this.limits.maxPerAddress) {
      this.#evict(ofAddress.values().next().value!, "evicted_pending");
    }
    if (this.#pending.size > this.limits.maxPending) {
      this.#evict(this.#pending.values().next().value!, "evicted_pending");
    }
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

  /** Closes the oldest pending connection, if any, to free its descriptor. */
  evictOldestPending(): void {
    const oldest = this.#pending.values().next().value;
    if (oldest) this.#evict(oldest, "evicted_pending");
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
    const ofAddress = this.#pendingByAddress.get(conn.address);
    ofAddress?.delete(conn);
    if (ofAddress?.size === 0) this.#pendingByAddress.delete(conn.address);
  }
}
