/**
 * The shape every attack of the adversarial suite shares. Each file in this
 * folder exports `attacks: Attack[]`; the tests in `tests/adversarial/` run
 * them at `small` size against an in-process server with small limits, and
 * `deno task bench:abuse` runs them at `full` size against `main.ts`.
 *
 * @module
 */

/** Where an attack is aimed. */
export interface AttackTarget {
  /** `http://127.0.0.1:<port>` of the service. */
  base: string;
  /** Process id of the service when it runs as its own process (benchmark only). */
  pid?: number;
}

/** How large to make an attack: scaled down for tests, as reported for the benchmark. */
export type AttackSize = "small" | "full";

/** One attack from issue 8's list. */
export interface Attack {
  /** Short name used in reports, e.g. `slowloris`. */
  name: string;
  /** The numbered item of issue 8 it reproduces. */
  item: number;
  /** Settings the service under attack is started with (on top of the defaults). */
  env?: Record<string, string>;
  /**
   * Runs the attack to its end and returns a one-line description of what
   * happened (what the attacker was answered), for the benchmark table.
   */
  run(target: AttackTarget, size: AttackSize): Promise<string>;
}
