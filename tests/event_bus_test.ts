// Live events reach every subscriber in order: in process, and across
// connections through PostgreSQL LISTEN/NOTIFY, large ones included.
import assert from "node:assert/strict";
import { count } from "drizzle-orm";
import {
  createLocalBus,
  createPostgresBus,
  type EventBus,
  type LiveEvent,
} from "../realtime/event_bus.ts";
import { eventPayloads } from "../db/schema.ts";
import { resetDatabase, testDatabase } from "./helpers/database.ts";

function collect(bus: EventBus, expected: number): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`got ${events.length} of ${expected} events`)),
      10_000,
    );
    bus.subscribe((event) => {
      events.push(event);
      if (events.length === expected) {
        clearTimeout(timer);
        resolve(events);
      }
    });
  });
}

Deno.test(
  "the in-process bus delivers every event in order, after the publisher returns",
  async () => {
    const bus = createLocalBus();
    const received = collect(bus, 3);
    let returned = false;
    for (const n of [1, 2, 3]) bus.publish({ interview_id: 7, type: "tick", n });
    returned = true;
    const events = await received;
    assert.ok(returned);
    assert.deepEqual(events.map((e) => e.n), [1, 2, 3]);
  },
);

const url = Deno.env.get("TEST_DATABASE_URL");

Deno.test({
  name:
    "PostgreSQL bus: events from one instance reach another in order; large ones go through the table",
  ignore: !url,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const database = await testDatabase();
    await resetDatabase(database);
    const sender = await createPostgresBus(url!, database.db);
    const receiver = await createPostgresBus(url!, database.db);
    try {
      const big = "x".repeat(20_000);
      const received = collect(receiver, 202);
      for (let n = 0; n < 100; n++) sender.publish({ interview_id: 1, type: "small", n });
      sender.publish({ interview_id: 1, type: "big", text: big });
      for (let n = 100; n < 201; n++) sender.publish({ interview_id: 1, type: "small", n });
      const events = await received;
      assert.deepEqual(
        events.filter((e) => e.type === "small").map((e) => e.n),
        Array.from({ length: 201 }, (_, n) => n),
      );
      const bigIndex = events.findIndex((e) => e.type === "big");
      assert.equal(events[bigIndex].text, big);
      assert.equal(bigIndex, 100, "the large event keeps its place");
      const [{ stored }] = await database.db.select({ stored: count() }).from(eventPayloads);
      assert.equal(stored, 1, "only the large event was stored");
    } finally {
      await sender.close();
      await receiver.close();
    }
  },
});
