/**
 * Keeps `docs/protocol.md` in step with the code: every error code,
 * proctoring kind, message type, published live event, frame header field,
 * close code and limit the code defines must be documented.
 */
import assert from "node:assert/strict";
import {
  clientMessage,
  errorCodes,
  FRAME_HEADER_BYTES,
  proctoringKinds,
} from "../realtime/protocol.ts";
import { parseConfig } from "../config.ts";

const root = new URL("../", import.meta.url);
const doc = await Deno.readTextFile(new URL("docs/protocol.md", root));
const source = (path: string) => Deno.readTextFile(new URL(path, root));

/**
 * Every `type` of the `ServerMessage` union in realtime/protocol.ts (its
 * members and the `SessionMessage` and `QuestionMessage` interfaces).
 * Checked against the source below, so a new member fails this test until
 * it is added here and documented.
 */
const SERVER_MESSAGE_TYPES = [
  "session",
  "question",
  "ack",
  "answer.started",
  "stream.ended",
  "answer.accepted",
  "finalized",
  "interview.completed",
  "error",
  "pong",
];

/** Live events the observers receive (published on the event bus). */
const LIVE_EVENT_TYPES = [
  "candidate.connected",
  "candidate.disconnected",
  "question.asked",
  "answer.started",
  "stream.stats",
  "transcript",
  "proctoring",
  "answer.processing",
  "finalized",
  "interview.completed",
];

/** The `## ` section of the document whose heading contains `title`. */
function section(title: string): string {
  const lines = doc.split("\n");
  const start = lines.findIndex((line) => line.startsWith("## ") && line.includes(title));
  assert.notEqual(start, -1, `docs/protocol.md has no "## ... ${title}" section`);
  const next = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  return lines.slice(start, next === -1 ? lines.length : next).join("\n");
}

/** The `` ### `name` `` headings of a section. */
function messageHeadings(text: string): string[] {
  return [...text.matchAll(/^### `([^`]+)`\s*$/gm)].map((match) => match[1]);
}

/** Table rows of `text` whose first cell is `` `name` ``. */
function hasRow(text: string, name: string): boolean {
  return new RegExp(`^\\|\\s*\`${name.replaceAll(".", "\\.")}\`\\s*\\|`, "m").test(text);
}

/** All matches of the first capture group of `pattern` in `text`. */
function literals(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

const TYPE_LITERAL = /\btype: "([a-z][a-z_.]*)"/g;
const PUBLISH_LITERAL = /\bpublish\("([a-z][a-z_.]*)"/g;

Deno.test("the doc has a row for every error code, with what to do", () => {
  const errors = section("Error codes");
  for (const code of errorCodes) {
    assert.ok(hasRow(errors, code), `error code "${code}" has no row in "Error codes"`);
  }
  const documented = literals(errors, /^\|\s*`([a-z_]+)`\s*\|/gm);
  assert.deepEqual(
    documented.toSorted(),
    [...errorCodes].toSorted(),
    "the error table lists exactly the codes of errorCodes",
  );
});

Deno.test("the doc lists every proctoring kind", () => {
  const messages = section("Candidate → server");
  for (const kind of proctoringKinds) {
    assert.ok(hasRow(messages, kind), `proctoring kind "${kind}" has no row`);
  }
});

Deno.test("the doc has a section for exactly the client message types", () => {
  const types = clientMessage.options.map((option) => option.shape.type.value);
  assert.ok(types.length >= 6, `expected the six client messages, got ${types.join(", ")}`);
  assert.deepEqual(
    messageHeadings(section("Candidate → server")).toSorted(),
    types.toSorted(),
    "one ### `type` heading per clientMessage member, and no other",
  );
});

Deno.test("the server message list of this test matches the ServerMessage union", async () => {
  const protocol = await source("realtime/protocol.ts");
  const serverPart = protocol.slice(protocol.indexOf("// ---- JSON messages, server to"));
  assert.ok(serverPart.length < protocol.length, "the server-message part of protocol.ts moved");
  assert.deepEqual(
    [...new Set(literals(serverPart, TYPE_LITERAL))].toSorted(),
    SERVER_MESSAGE_TYPES.toSorted(),
  );
});

Deno.test("the doc has a section for exactly the server message types", () => {
  assert.deepEqual(
    messageHeadings(section("Server → candidate")).toSorted(),
    SERVER_MESSAGE_TYPES.toSorted(),
    "one ### `type` heading per ServerMessage member, and no other",
  );
});

Deno.test("every message the candidate session sends is a documented message", async () => {
  const sent = literals(await source("realtime/candidate_session.ts"), TYPE_LITERAL);
  const clientTypes: string[] = clientMessage.options.map((option) => option.shape.type.value);
  assert.ok(sent.includes("ack") && sent.includes("session"), "no sends found: did the file move?");
  const server = messageHeadings(section("Server → candidate"));
  const client = messageHeadings(section("Candidate → server"));
  for (const type of sent) {
    // The session also names client messages in `Extract<ClientMessage, { type: "..." }>`.
    assert.ok(
      server.includes(type) || (clientTypes.includes(type) && client.includes(type)),
      `realtime/candidate_session.ts uses message type "${type}", which the doc does not describe`,
    );
  }
});

Deno.test("every live event the server publishes is documented for observers", async () => {
  const published = [
    ...literals(await source("realtime/candidate_session.ts"), PUBLISH_LITERAL),
    ...literals(await source("realtime/sweeper.ts"), TYPE_LITERAL),
    ...literals(await source("media/finalize.ts"), TYPE_LITERAL),
  ];
  assert.ok(published.length >= 10, `found only ${published.join(", ")}: did the files move?`);
  for (const type of published) {
    assert.ok(
      LIVE_EVENT_TYPES.includes(type),
      `"${type}" is published; add it to LIVE_EVENT_TYPES`,
    );
  }
  const observers = section("Observer channels");
  for (const type of LIVE_EVENT_TYPES) {
    assert.ok(hasRow(observers, type), `live event "${type}" has no row in "Observer channels"`);
    assert.ok(
      observers.includes(`"type": "${type}"`),
      `live event "${type}" has no JSON example in "Observer channels"`,
    );
  }
});

Deno.test("every observer message is documented", async () => {
  const sent = literals(await source("realtime/observer_session.ts"), TYPE_LITERAL);
  assert.ok(sent.includes("observe.state") && sent.includes("live.state"), `found ${sent}`);
  const observers = section("Observer channels");
  for (const type of sent) {
    assert.ok(observers.includes(`"type":"${type}"`) || observers.includes(`"type": "${type}"`));
  }
  for (const type of ["observe.state", "live.state"]) {
    assert.ok(messageHeadings(observers).includes(type), `no ### \`${type}\` heading`);
  }
});

Deno.test("the header table has a row for every frame header field at its offset", async () => {
  // realtime/frame.ts documents the layout as `u8 version | u8 stream | ... | payload`.
  const layout = /`(u8 version \|[^`]+)`/.exec(await source("realtime/frame.ts"))?.[1];
  assert.ok(layout, "the layout comment of realtime/frame.ts was not found");
  const sizes: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };
  const frames = section("Binary media frames");
  let offset = 0;
  for (const field of layout.split("|").map((part) => part.trim())) {
    const [kind, name] = field.split(/\s+/);
    if (kind === "payload") break;
    const size = sizes[kind] ?? Number(kind);
    assert.ok(size > 0, `unknown field size in "${field}"`);
    const row = new RegExp(`^\\|\\s*${offset}\\s*\\|\\s*${size}\\s*\\|\\s*\`${name}\`\\s*\\|`, "m");
    assert.match(frames, row, `no header table row "| ${offset} | ${size} | \`${name}\` |"`);
    offset += size;
  }
  assert.equal(offset, FRAME_HEADER_BYTES);
  assert.match(frames, new RegExp(`^\\|\\s*${FRAME_HEADER_BYTES}\\s*\\|.*payload`, "m"));
  assert.match(frames, /big-endian/);
});

Deno.test("the doc names every close code the server defines", async () => {
  const session = await source("realtime/candidate_session.ts");
  const block = /export const CloseCode = \{([^}]*)\}/.exec(session)?.[1];
  assert.ok(block, "CloseCode was not found in realtime/candidate_session.ts");
  const codes = literals(block, /:\s*(\d{4})/g);
  assert.ok(codes.length >= 4, `found only ${codes}`);
  const closes = section("Close codes");
  for (const code of codes) assert.ok(hasRow(closes, code), `close code ${code} has no row`);
});

Deno.test("the limits table names every variable with its default", () => {
  const defaults = parseConfig({});
  const limits = section("Limits");
  for (
    const name of [
      "ANSWER_TIME_LIMIT_S",
      "RECONNECT_GRACE_S",
      "ABANDON_AFTER_S",
      "MAX_FRAME_KB",
      "MAX_QUEUED_KB",
      "MAX_ANSWER_MB",
      "MAX_CONNECTIONS_PER_USER",
      "MAX_QUEUED_MESSAGES",
      "MAX_OUTBOUND_KB",
      "MAX_ERROR_REPLIES",
    ] as const
  ) {
    const row = new RegExp(`^\\|\\s*\`${name}\`\\s*\\|\\s*${defaults[name]}\\s*\\|`, "m");
    assert.match(limits, row, `no limits row "| \`${name}\` | ${defaults[name]} |"`);
  }
});

Deno.test("the doc explains every field of session.limits", async () => {
  const protocol = await source("realtime/protocol.ts");
  const block = /\blimits: \{([^}]*)\}/.exec(protocol)?.[1];
  assert.ok(block, "SessionMessage.limits was not found in realtime/protocol.ts");
  const fields = literals(block, /^\s*([a-z_]+):/gm);
  assert.ok(fields.includes("max_frame_bytes"), `found ${fields}`);
  const session = section("Server → candidate");
  for (const field of fields) {
    assert.ok(
      hasRow(session, `limits.${field}`),
      `limits.${field} has no row in the session table`,
    );
    assert.ok(
      session.includes(`"${field}":`),
      `limits.${field} is missing from the session example`,
    );
  }
});

Deno.test("the doc names every endpoint, question status and recording kind", async () => {
  const realtime = await source("routes/realtime.ts");
  const paths = literals(realtime, /app\.get\("([^"]+)"/g);
  assert.ok(paths.length >= 3, `found only ${paths}`);
  for (const path of paths) {
    const documented = path.replace(/:([a-z_]+)/g, "{$1}");
    assert.ok(doc.includes(`\`${documented}\``), `endpoint ${documented} is not documented`);
  }
  const recordings = await source("routes/recordings.ts");
  const route = /path: "(\/interview\/[^"]+)"/.exec(recordings)?.[1];
  assert.ok(route && doc.includes(route), `recordings route ${route} is not documented`);
  const kinds = /const kinds = \[([^\]]+)\]/.exec(recordings)?.[1];
  assert.ok(kinds);
  const recordingSection = section("Recordings over HTTP");
  for (const kind of literals(kinds, /"([a-z]+)"/g)) {
    assert.ok(hasRow(recordingSection, kind), `recording kind "${kind}" has no row`);
  }
  const schema = await source("db/schema.ts");
  const statuses = /questionStatuses = \[([^\]]+)\]/.exec(schema)?.[1];
  assert.ok(statuses);
  const lifecycle = section("Answer lifecycle");
  for (const status of literals(statuses, /"([A-Z]+)"/g)) {
    assert.ok(hasRow(lifecycle, status), `question status ${status} has no row`);
  }
});
