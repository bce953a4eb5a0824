import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventConsumer } from "../src/consumer.ts";
import { startWorker } from "../src/worker.ts";

let db: Database;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
const handled: { eventId: string; type: string }[] = [];

const recorder: EventConsumer = {
  name: "recorder",
  queues: [
    {
      definition: { name: "test.record", retryLimit: 0 },
      handler: (async (job: { data: { eventId: string; type: string } }) => {
        handled.push(job.data);
      }) as never,
    },
  ],
  async fanOut(event) {
    return [{ queue: "test.record", data: { eventId: event.id, type: event.type } }];
  },
};

async function workspace(): Promise<string> {
  const id = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id, name: "Relay Test", slug: id });
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: 0.5 });
  worker = await startWorker({ db, queue, consumers: [recorder], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  await db?.close();
});

async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("event relay", () => {
  it("relays a committed event to a job exactly once", async () => {
    const ws = await workspace();
    const userId = createId("user");
    const eventId = await tenantScope(db, ws).transaction((t) => t.events.record("member.joined", { userId, role: "staff" }));
    const job = await until(() => handled.find((h) => h.eventId === eventId));
    expect(job.type).toBe("member.joined");
    await new Promise((r) => setTimeout(r, 600));
    expect(handled.filter((h) => h.eventId === eventId)).toHaveLength(1);
    const [row] = await tenantScope(db, ws).events.list(10);
    expect(row?.relayedAt).toBeInstanceOf(Date);
  });

  it("relays nothing of a rolled-back transaction", async () => {
    const ws = await workspace();
    let eventId = "";
    await expect(
      tenantScope(db, ws).transaction(async (t) => {
        eventId = await t.events.record("member.joined", { userId: createId("user"), role: "viewer" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await worker.relay.poke();
    await new Promise((r) => setTimeout(r, 600));
    expect(handled.find((h) => h.eventId === eventId)).toBeUndefined();
    expect(await tenantScope(db, ws).events.list(10)).toHaveLength(0);
  });

  it("refuses a payload that does not match its schema, failing the producer's transaction", async () => {
    const ws = await workspace();
    await expect(tenantScope(db, ws).transaction((t) => t.events.record("member.joined", { userId: "nope", role: "staff" }))).rejects.toThrow();
  });

  it("keeps the order of events written in one transaction (each has the moment it was written)", async () => {
    const ws = await workspace();
    const [first, second] = await tenantScope(db, ws).transaction(async (t) => [
      await t.events.record("member.joined", { userId: createId("user"), role: "staff" }),
      await t.events.record("member.joined", { userId: createId("user"), role: "admin" }),
    ]);
    // Newest first, ordered by the database's microsecond timestamps (a random id would decide a tie).
    const rows = await tenantScope(db, ws).events.list(10);
    expect(rows.map((r) => r.id)).toEqual([second, first]);
  });
});
