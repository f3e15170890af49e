import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { InterviewEngine } from "../ai/engine.ts";
import type { PasswordHasher } from "../auth/passwords.ts";
import type { TokenService } from "../auth/tokens.ts";
import type { RealtimeHub } from "../realtime/hub.ts";
import type { Metrics } from "../metrics.ts";
import type { ObjectStore } from "../media/object_store.ts";

/** Everything route handlers need, passed in explicitly by `main.ts` or the tests. */
export interface AppDeps {
  config: Config;
  database: Database;
  engine: InterviewEngine;
  passwords: PasswordHasher;
  tokens: TokenService;
  /** This instance's metrics, served at `/metrics`. */
  metrics: Metrics;
  /** Where uploaded documents are kept (`STORAGE`). */
  store: ObjectStore;
  /** Live connections; without it the WebSocket endpoints are not served. */
  hub?: RealtimeHub;
}
