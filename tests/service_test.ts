// The service as `deno task start` runs it: a real process on the embedded
// database, an admin from the environment, a JWT secret that survives
// restarts, and a second process on the same folder refused.
import assert from "node:assert/strict";
import { mainModule, startProcess } from "./helpers/service_process.ts";
import { testDataDir } from "./helpers/app.ts";

Deno.test({
  name:
    "the service starts on the embedded database, keeps its JWT secret, and owns its data folder",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dataDir = await testDataDir("interviewer-service-");
    const env = {
      DATA_DIR: dataDir,
      ADMIN_USERNAME: "boss",
      ADMIN_PASSWORD: "boss-password-123",
      DATABASE_URL: "",
    };
    const first = await startProcess(env);
    let token: string;
    try {
      assert.match(first.output(), /embedded database/);
      const health = await (await fetch(`${first.base}/health`)).json();
      assert.deepEqual([health.status, health.database_kind], ["ok", "pglite"]);
      const login = await fetch(`${first.base}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "boss", password: "boss-password-123" }),
      });
      assert.equal(login.status, 200);
      const body = await login.json();
      assert.equal(body.user.user_type, "admin");
      token = body.access_token;

      const second = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", mainModule],
        env: { ...env, PORT: "0" },
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(second.code, 2);
      assert.match(new TextDecoder().decode(second.stderr), /in use by another process/);
    } finally {
      first.child.kill("SIGTERM");
      assert.equal((await first.child.status).code, 0);
    }

    const createUser = new URL("../scripts/create_user.ts", import.meta.url).pathname;
    const created = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", createUser, "rita", "interviewer"],
      env: { ...env, NEW_USER_PASSWORD: "rita-password-1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(created.code, 0, new TextDecoder().decode(created.stderr));
    assert.match(new TextDecoder().decode(created.stdout), /created interviewer "rita"/);
    const badRole = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", createUser, "rita2", "wizard"],
      env: { ...env, NEW_USER_PASSWORD: "rita-password-1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(badRole.code, 2);
    assert.match(new TextDecoder().decode(badRole.stderr), /usage: deno task create-user/);

    const restarted = await startProcess(env);
    try {
      const me = await fetch(`${restarted.base}/auth/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.status, 200, "a token from before the restart still works");
      assert.equal((await me.json()).username, "boss");
      const rita = await fetch(`${restarted.base}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "rita", password: "rita-password-1" }),
      });
      assert.equal((await rita.json()).user?.user_type, "interviewer", "created from the shell");
    } finally {
      restarted.child.kill("SIGTERM");
      await restarted.child.status;
    }
    const secretInfo = await Deno.stat(`${dataDir}/jwt_secret`);
    assert.equal(secretInfo.mode! & 0o077, 0, "the generated secret is readable by its owner only");
  },
});
