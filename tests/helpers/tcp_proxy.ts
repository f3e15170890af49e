/**
 * A TCP proxy on loopback whose connections a test can cut at once, to
 * play a network that drops in the middle of an answer.
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /** Closes every open connection; new ones are still accepted. */
  cut(): void;
  close(): void;
}

/** Forwards 127.0.0.1:<port> to 127.0.0.1:`targetPort`. */
export function startTcpProxy(targetPort: number): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const forget = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort }).catch(() =>
        null
      );
      if (!server) {
        client.close();
        continue;
      }
      open.add(client);
      open.add(server);
      const end = () => {
        forget(client);
        forget(server);
      };
      client.readable.pipeTo(server.writable).catch(() => {}).finally(end);
      server.readable.pipeTo(client.writable).catch(() => {}).finally(end);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    cut() {
      for (const conn of [...open]) forget(conn);
    },
    close() {
      this.cut();
      listener.close();
    },
  };
}
