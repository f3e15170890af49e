/**
 * A bare WebSocket peer for protocol tests: sends exactly what a test says
 * (including garbage) and waits for messages that match.
 *
 * @module
 */

/** A JSON message received from the server. */
export type Received = Record<string, unknown> & { type: string };

/** A raw connection to a realtime endpoint. */
export class RawPeer {
  readonly messages: Received[] = [];
  closeCode: number | null = null;
  private waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      const message = JSON.parse(event.data) as Received;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    };
    socket.onclose = (event) => {
      this.closeCode = event.code;
      for (const resolve of this.closeWaiters) resolve(event.code);
    };
  }

  /** Opens a connection; rejects if the handshake is refused. */
  static open(url: string, protocols?: string[]): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols);
      const peer = new RawPeer(socket);
      socket.onopen = () => resolve(peer);
      socket.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    });
  }

  /** Sends a JSON message (or any string). */
  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Sends binary data. */
  sendBinary(bytes: Uint8Array): void {
    this.socket.send(bytes.slice().buffer);
  }

  /**
   * The first message (already received or still to come) of `type` that
   * matches `fields`, skipping the first `skip` matches.
   */
  next(
    type: string,
    fields: Record<string, unknown> = {},
    timeoutMs = 30_000,
    skip = 0,
  ): Promise<Received> {
    const match = (m: Received) =>
      m.type === type && Object.entries(fields).every(([k, v]) => m[k] === v);
    const seen = this.messages.filter(match);
    if (seen.length > skip) return Promise.resolve(seen[skip]);
    let remaining = skip - seen.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${type} ${JSON.stringify(fields)} within ${timeoutMs} ms; got ${
                JSON.stringify(this.messages.slice(-5))
              }`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match: (m) => match(m) && remaining-- === 0,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Resolves with the close code once the server closed the connection. */
  closed(timeoutMs = 10_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the connection was not closed")), timeoutMs);
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Closes from this side and waits until closed. */
  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    this.socket.close();
    await this.closed().catch(() => {});
  }
}

/** A WebSocket upgrade request for `target` with a fresh key and `headers`. */
function upgradeRequest(target: URL, headers: Record<string, string> = {}): Uint8Array {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const lines = [
    `GET ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${key}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
}

/**
 * The HTTP status with which a WebSocket handshake to `url` is answered
 * (101 when it upgrades), sent over a raw TCP connection so any header can be set.
 */
export async function handshakeStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const target = new URL(url);
  const connection = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
  try {
    await connection.write(upgradeRequest(target, headers));
    const buffer = new Uint8Array(1024);
    const read = await connection.read(buffer);
    const statusLine = new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n")[0];
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  } finally {
    connection.close();
  }
}

/**
 * A WebSocket client over raw TCP that writes messages and never reads what
 * the server sends after the handshake, like a hostile or stuck client.
 * Writes start failing once the server closes the connection.
 */
export class DeafPeer {
  private constructor(private readonly connection: Deno.Conn) {}

  /** Opens `url` (`ws://`), reads the handshake's answer and nothing after it. */
  static async open(url: string): Promise<DeafPeer> {
    const target = new URL(url);
    const connection = await Deno.connect({
      hostname: target.hostname,
      port: Number(target.port),
    });
    await connection.write(upgradeRequest(target));
    // The server says nothing before the handshake's end, so byte by byte reads no further.
    let head = "";
    const byte = new Uint8Array(1);
    while (!head.endsWith("\r\n\r\n")) {
      if (await connection.read(byte) === null) break;
      head += String.fromCharCode(byte[0]);
    }
    if (!head.startsWith("HTTP/1.1 101")) {
      connection.close();
      throw new Error(`the handshake to ${url} was answered ${head.split("\r\n")[0]}`);
    }
    return new DeafPeer(connection);
  }

  /** Encodes one client message (masked with a zero key, which leaves the bytes as they are). */
  static encode(payload: Uint8Array | string): Uint8Array<ArrayBuffer> {
    const text = typeof payload === "string";
    const body = text ? new TextEncoder().encode(payload) : payload;
    const length = body.byteLength;
    const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
    const frame = new Uint8Array(2 + lengthBytes + 4 + length);
    const view = new DataView(frame.buffer);
    frame[0] = 0x80 | (text ? 0x1 : 0x2);
    if (lengthBytes === 0) frame[1] = 0x80 | length;
    else if (lengthBytes === 2) {
      frame[1] = 0x80 | 126;
      view.setUint16(2, length);
    } else {
      frame[1] = 0x80 | 127;
      view.setBigUint64(2, BigInt(length));
    }
    frame.set(body, 2 + lengthBytes + 4);
    return frame;
  }

  /** Writes already encoded messages; rejects once the server has closed the connection. */
  async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.byteLength) {
      written += await this.connection.write(bytes.subarray(written));
    }
  }

  /** Drops the connection. */
  close(): void {
    try {
      this.connection.close();
    } catch { /* already closed */ }
  }
}
