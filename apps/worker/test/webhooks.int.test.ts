import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WEBHOOK_DELIVER_QUEUE, createId } from "@orbis/contracts";
import { createToolSecretsCipher } from "@orbis/credentials";
import { systemRepository, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase, sql } from "@orbis/db/testing";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhooksConsumer } from "../src/webhooks/index.ts";
import { startWorker } from "../src/worker.ts";

const encryptionKey = Buffer.alloc(32, 7);
const cipher = createToolSecretsCipher(encryptionKey);

let db: Database;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
let receiver: Server;
let port = 0;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
/** Requests seen per path, to script answers (`/flaky` fails its first request). */
const seen = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      const answer = (status: number, text: string) => res.writeHead(status, { "content-type": "text/plain" }).end(text);
      if (path.startsWith("/down")) answer(500, "down for maintenance");
      else if (path.startsWith("/flaky") && n === 1) answer(500, "try again");
      else if (path.startsWith("/slow")) setTimeout(() => answer(200, "slowly ok"), 300);
      else answer(200, `ok ${"x".repeat(1000)}`);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  port = (receiver.address() as AddressInfo).port;
  db = await createTestDatabase();
  queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: 0.5 });
  const consumer = webhooksConsumer({ db, queue, encryptionKey, allowPrivateNetwork: true, retryScheduleSec: [0.2, 0.2], disableAfterFailures: 2 });
  worker = await startWorker({ db, queue, consumers: [consumer], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  await db?.close();
  await new Promise((r) => receiver?.close(r));
});

async function workspace(): Promise<string> {
  const id = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id, name: "Webhooks Test", slug: id });
  return id;
}

async function endpoint(ws: string, path: string, eventTypes: string[] = []) {
  const id = createId("webhookEndpoint");
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  await tenantScope(db, ws).webhooks.insert({
    id,
    url: `http://127.0.0.1:${port}${path}`,
    eventTypes,
    secret: cipher.sealSecret({ id, workspaceId: ws }, secret),
  });
  return { id, secret, path };
}

const memberJoined = (ws: string) => tenantScope(db, ws).transaction((t) => t.events.record("member.joined", { userId: createId("user"), role: "staff" }));

const to = (path: string) => received.filter((r) => r.path === path);

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("webhook deliveries", () => {
  it("delivers an event once, signed per Standard Webhooks, and records the answer", async () => {
    const ws = await workspace();
    const ep = await endpoint(ws, `/ok-${ws}`);
    const eventId = await memberJoined(ws);
    const [request] = await until(() => (to(ep.path).length > 0 ? to(ep.path) : undefined));
    const verified = new Webhook(ep.secret).verify(request!.body, request!.headers as Record<string, string>) as Record<string, unknown>;
    expect(verified).toMatchObject({ id: eventId, type: "member.joined", version: 1, workspaceId: ws, data: { role: "staff" } });
    expect(request!.headers["webhook-id"]).toBe(eventId);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["user-agent"]).toBe("OrbisVoice-Webhooks/1");
    // Signed with another secret, the same request does not verify.
    expect(() => new Webhook(`whsec_${randomBytes(24).toString("base64")}`).verify(request!.body, request!.headers as Record<string, string>)).toThrow();

    const delivery = await until(async () => {
      const [d] = await tenantScope(db, ws).webhooks.deliveries(ep.id, { limit: 10 });
      return d?.status === "succeeded" ? d : undefined;
    });
    expect(delivery).toMatchObject({ eventId, eventType: "member.joined", attempts: 1, responseStatus: 200, error: null });
    expect(delivery.latencyMs).toBeGreaterThanOrEqual(0);
    expect(delivery.responseSnippet).toHaveLength(500);
    expect(delivery.responseSnippet!.startsWith("ok x")).toBe(true);
    await pause(800);
    expect(to(ep.path)).toHaveLength(1);
  });

  it("retries a failed attempt with the same webhook-id, and succeeds", async () => {
    const ws = await workspace();
    const ep = await endpoint(ws, `/flaky-${ws}`);
    const eventId = await memberJoined(ws);
    const delivery = await until(async () => {
      const [d] = await tenantScope(db, ws).webhooks.deliveries(ep.id, { limit: 10 });
      return d?.status === "succeeded" ? d : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 2, responseStatus: 200 });
    expect(to(ep.path).map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
    const [ok] = await tenantScope(db, ws).webhooks.list();
    expect(ok!.consecutiveFailures).toBe(0);
  });

  it("fails a delivery after its last attempt, and disables the endpoint after N failed deliveries", async () => {
    const ws = await workspace();
    const ep = await endpoint(ws, `/down-${ws}`);
    const healthy = await endpoint(ws, `/ok-other-${ws}`);
    const failedDeliveries = async (n: number) =>
      until(async () => {
        const rows = await tenantScope(db, ws).webhooks.deliveries(ep.id, { limit: 10 });
        return rows.filter((d) => d.status === "failed").length >= n ? rows : undefined;
      });

    await memberJoined(ws);
    const [first] = await failedDeliveries(1);
    // 1 attempt + 2 retries; the last answer kept.
    expect(first).toMatchObject({ status: "failed", attempts: 3, responseStatus: 500, responseSnippet: "down for maintenance", error: "HTTP 500" });
    let [row] = (await tenantScope(db, ws).webhooks.list()).filter((e) => e.id === ep.id);
    expect(row).toMatchObject({ enabled: true, consecutiveFailures: 1, disabledReason: null });

    await memberJoined(ws);
    await failedDeliveries(2);
    row = await until(async () => {
      const r = await tenantScope(db, ws).webhooks.get(ep.id);
      return r && !r.enabled ? r : undefined;
    });
    expect(row.consecutiveFailures).toBe(2);
    expect(row.disabledReason).toMatch(/2 deliveries in a row failed/);
    const disabledEvents = await tenantScope(db, ws).events.list(20, "webhook_endpoint.disabled");
    expect(disabledEvents).toHaveLength(1);
    expect(disabledEvents[0]!.payload).toMatchObject({ endpointId: ep.id, url: `http://127.0.0.1:${port}${ep.path}`, reason: row.disabledReason });
    expect(to(ep.path)).toHaveLength(6);
    // The failing endpoint held nothing up: the healthy one got both events (and the disabled notice).
    await until(() => (to(healthy.path).length >= 3 ? true : undefined));

    // A disabled endpoint gets nothing more.
    await memberJoined(ws);
    await until(() => (to(healthy.path).length >= 4 ? true : undefined));
    await pause(500);
    expect(to(ep.path)).toHaveLength(6);
  });

  it("delivers only the types an endpoint subscribed to", async () => {
    const ws = await workspace();
    const calls = await endpoint(ws, `/calls-only-${ws}`, ["call.started"]);
    const all = await endpoint(ws, `/all-${ws}`);
    await memberJoined(ws);
    const callId = createId("call");
    await tenantScope(db, ws).transaction((t) =>
      t.events.record("call.started", { callId, agentId: null, channel: "web", direction: "inbound", caller: null, startedAt: new Date().toISOString() }),
    );
    await until(() => (to(all.path).length >= 2 && to(calls.path).length >= 1 ? true : undefined));
    await pause(600);
    expect(to(calls.path).map((r) => JSON.parse(r.body).type)).toEqual(["call.started"]);
    const rows = await tenantScope(db, ws).webhooks.deliveries(calls.id, { limit: 10 });
    expect(rows.map((d) => d.eventType)).toEqual(["call.started"]);
  });

  it("sends once when a delivery's job runs twice (or more)", async () => {
    const ws = await workspace();
    const ep = await endpoint(ws, `/slow-${ws}`);
    const direct = webhooksConsumer({ db, queue, encryptionKey, allowPrivateNetwork: true, retryScheduleSec: [0.2] });
    const handler = direct.queues[0]!.handler as unknown as (job: {
      id: string;
      data: { deliveryId: string };
      retryCount: number;
      retryLimit: number;
    }) => Promise<void>;
    await memberJoined(ws);
    const delivery = await until(async () => (await tenantScope(db, ws).webhooks.deliveries(ep.id, { limit: 1 }))[0]);
    const job = { id: "manual", data: { deliveryId: delivery.id }, retryCount: 0, retryLimit: 0 };
    // Two more runs while the worker's own job runs (the receiver takes 300 ms to answer).
    await Promise.all([handler(job), handler(job)]);
    await until(async () => ((await tenantScope(db, ws).webhooks.getDelivery(ep.id, delivery.id))?.status === "succeeded" ? true : undefined));
    // And again after it succeeded, through the queue.
    await queue.send(WEBHOOK_DELIVER_QUEUE, { deliveryId: delivery.id });
    await handler(job);
    await pause(1200);
    expect(to(ep.path)).toHaveLength(1);
    expect((await tenantScope(db, ws).webhooks.getDelivery(ep.id, delivery.id))?.attempts).toBe(1);
  });

  it("re-enqueues a pending delivery whose job was lost (sweep)", async () => {
    const ws = await workspace();
    const ep = await endpoint(ws, `/ok-sweep-${ws}`);
    const consumer = webhooksConsumer({ db, queue, encryptionKey, allowPrivateNetwork: true });
    await memberJoined(ws);
    const delivery = await until(async () => {
      const [d] = await tenantScope(db, ws).webhooks.deliveries(ep.id, { limit: 1 });
      return d?.status === "succeeded" ? d : undefined;
    });
    // A succeeded delivery is never swept; a reset one, due for over a minute and unclaimed, is.
    expect((await consumer.sweep!(db)).map((j) => (j.data as { deliveryId: string }).deliveryId)).not.toContain(delivery.id);
    await tenantScope(db, ws).webhooks.resetForRedelivery(ep.id, delivery.id);
    const swept = async () => (await consumer.sweep!(db)).map((j) => (j.data as { deliveryId: string }).deliveryId);
    expect(await swept()).not.toContain(delivery.id);
    await db.system.execute(sql`update webhook_deliveries set next_attempt_at = now() - interval '2 minutes' where id = ${delivery.id}`);
    const jobs = await consumer.sweep!(db);
    const lost = jobs.find((j) => (j.data as { deliveryId: string }).deliveryId === delivery.id);
    expect(lost).toEqual({ queue: WEBHOOK_DELIVER_QUEUE, data: { deliveryId: delivery.id } });
    await queue.send(lost!.queue, lost!.data);
    await until(() => (to(ep.path).length === 2 ? true : undefined));
    await until(async () => ((await tenantScope(db, ws).webhooks.getDelivery(ep.id, delivery.id))?.status === "succeeded" ? true : undefined));
    expect(await swept()).not.toContain(delivery.id);
  });
});
