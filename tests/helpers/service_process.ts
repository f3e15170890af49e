/**
 * Runs the service as a separate process, as `deno task start` does, for
 * tests that restart, kill or multiply it.
 *
 * @module
 */

/** The service entry point. */
export const mainModule = new URL("../../main.ts", import.meta.url).pathname;

/** A service process and where it listens. */
export interface ServiceProcess {
  child: Deno.ChildProcess;
  base: string;
  /** Everything printed so far on stdout. */
  output: () => string;
}

/** Starts `main.ts` with `env` and waits until it listens. */
export async function startProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      "--allow-ffi",
      mainModule,
    ],
    env: { PORT: "0", HOST: "127.0.0.1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(text);
    if (match) {
      // Keep draining stdout so the child never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* discard */ }
      })().catch(() => {});
      child.stderr.pipeTo(new WritableStream()).catch(() => {});
      return { child, base: match[1], output: () => text };
    }
  }
  child.kill("SIGKILL");
  const stderr = await new Response(child.stderr).text();
  throw new Error(`service did not start:\n${text}\n${stderr}`);
}
