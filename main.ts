/**
 * Entry point: reads the configuration and runs the service until SIGINT or SIGTERM.
 *
 * @module
 */
import { ConfigError, loadConfig } from "./config.ts";
import { DatabaseLockedError } from "./db/client.ts";
import { setLogLevel } from "./log.ts";
import { startService } from "./service.ts";

try {
  const config = await loadConfig();
  setLogLevel(config.LOG_LEVEL);
  const service = await startService(config);
  const stop = async () => {
    await service.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) {
    console.error(error.message);
    Deno.exit(2);
  }
  throw error;
}
