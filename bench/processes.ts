/**
 * Child processes of the realtime benchmark (a throw-away PostgreSQL 15, the
 * real service, the bare WebSocket server) and what Linux reports about
 * them: resident memory and CPU time from `/proc`.
 *
 * @module
 */
const ROOT = new URL("../", import.meta.url).pathname;
const CLOCK_TICKS_PER_SECOND = 100;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** A server under test. */
export interface ServerProcess {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Whether it has exited. */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL if it has not exited after a while. */
  stop(): Promise<void>;
}

/** What to start: the service (`main.ts`) or `bench/bare_ws_server.ts`. */
export interface ServerOptions {
  kind: "real" | "bare";
  dataDir: string;
  /** Where stdout and stderr go. */
  logFile: string;
  /** Real server only; PGlite in `dataDir` when unset. */
  databaseUrl?: string;
  /** Real server only: more settings, overriding the benchmark's. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile into this folder when the process exits. */
  cpuProfileDir?: string;
  /** Real server only: start it under this open-file limit (`ulimit -n`). */
  openFileLimit?: number;
}

// The secret the real server signs tokens with; fixed so tokens outlive restarts.
const JWT_SECRET = "realtime-load-bench-secret-".padEnd(48, "x");

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Starts a throw-away PostgreSQL 15 with `scripts/temp_postgres.sh`, as `bench/run.ts` does. */
export async function startTemporaryPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const script = `${ROOT}scripts/temp_postgres.sh`;
  const dir = await Deno.makeTempDir({ prefix: "bench-postgres-" });
  const started = await new Deno.Command("bash", {
    args: [script, "start", dir, String(freePort())],
    stderr: "inherit",
  }).output();
  if (!started.success) throw new Error("could not start a temporary PostgreSQL 15");
  return {
    url: new TextDecoder().decode(started.stdout).trim(),
    stop: async () => {
      await new Deno.Command("bash", { args: [script, "stop", dir] }).output();
    },
  };
}

/** Starts a server and waits until it answers HTTP. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = freePort();
  const profile = options.cpuProfileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const command = options.kind === "real"
    ? new Deno.Command(options.openFileLimit ? "bash" : Deno.execPath(), {
      args: [
        ...(options.openFileLimit
          ? ["-c", `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, Deno.execPath()]
          : []),
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        "--allow-sys",
        "--allow-ffi",
        "--allow-run",
        ...profile,
        `${ROOT}main.ts`,
      ],
      cwd: ROOT,
      env: {
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        DATA_DIR: options.dataDir,
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "warn",
        JWT_SECRET,
        MAX_CONNECTIONS_PER_USER: "100",
        // Every simulated candidate connects from 127.0.0.1.
        MAX_CONNECTIONS_PER_ADDRESS: "100000",
        // And signs up and logs in from there.
        AUTH_ATTEMPTS_PER_ADDRESS: "100000",
        // Nothing may expire during a run: no deadline, no abandoned candidates.
        ANSWER_TIME_LIMIT_S: "10800",
        RECONNECT_GRACE_S: "3600",
        ABANDON_AFTER_S: "604800",
        ...options.env,
      },
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        ...profile,
        `${ROOT}bench/bare_ws_server.ts`,
        String(port),
        options.dataDir,
      ],
      stdout: "piped",
      stderr: "piped",
    });
  const child = command.spawn();
  for (const stream of [child.stdout, child.stderr]) {
    const file = await Deno.open(options.logFile, { append: true, create: true });
    stream.pipeTo(file.writable).catch(() => {});
  }
  let exited = false;
  child.status.then(() => exited = true);
  const base = `http://127.0.0.1:${port}`;
  const readyPath = options.kind === "real" ? "/health" : "/rss";
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (true) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      throw new Error(`the ${options.kind} server did not start; see ${options.logFile}`);
    }
    try {
      const response = await fetch(base + readyPath);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid,
    base,
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        child.status.then(() => false),
        new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill("SIGKILL");
        await child.status;
      }
    },
  };
}

/** Resident set size of process `pid`, in bytes. */
export function readRss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** Resident set size of process `pid` and all its descendants, in bytes. */
export function readTreeRss(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry.name)]);
    } catch {
      // The process exited meanwhile.
    }
  }
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    try {
      total += readRss(next);
    } catch {
      continue;
    }
    pending.push(...(children.get(next) ?? []));
  }
  return total;
}

/** CPU time (user plus system, all threads) of every process, in seconds, by pid. */
export function readProcessCpu(): Map<number, { name: string; seconds: number }> {
  const processes = new Map<number, { name: string; seconds: number }>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // The process exited meanwhile.
    }
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    // Fields 14 (utime) and 15 (stime) of proc(5), counted from after the command name.
    processes.set(Number(entry.name), {
      name: stat.slice(stat.indexOf("(") + 1, close),
      seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
    });
  }
  return processes;
}

/** CPU time the whole machine spent busy (not idle, not waiting for I/O), in seconds. */
export function readMachineBusySeconds(): number {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

/** Milliseconds the busiest block device has spent doing I/O since boot. */
export function readDiskBusyMs(): number {
  let busiest = 0;
  for (const line of Deno.readTextFileSync("/proc/diskstats").trim().split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (/^(loop|ram|zram)/.test(fields[2])) continue;
    busiest = Math.max(busiest, Number(fields[12]));
  }
  return busiest;
}

/** Bytes free on the file system holding `path`. */
export async function freeBytes(path: string): Promise<number> {
  const { stdout } = await new Deno.Command("df", { args: ["-Pk", path] }).output();
  const line = new TextDecoder().decode(stdout).trim().split("\n")[1];
  return Number(line.split(/\s+/)[3]) * 1024;
}
