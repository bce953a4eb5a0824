import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { insertWebhookDeliveries, markWebhookFailed, tenantScope, type DomainEventRow, type Tx } from "@orbis/db";
import { createWebhooksService } from "../src/modules/webhooks/webhooks.service.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let strict: TestApp;
let open: TestApp;
let owner: Account;
let admin: Account;
let staff: Account;
let viewer: Account;
let other: Account;
let receiver: Server;
let receiverUrl = "";
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(202, { "content-type": "text/plain" }).end("accepted");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  strict = await buildTestApp({ allowPrivateNetworkTools: false });
  // The same database behind an api whose operator allows private networks (ALLOW_PRIVATE_NETWORK_TOOLS=true).
  open = await buildTestApp({ allowPrivateNetworkTools: true }, { db: strict.db, cache: strict.cache });
  owner = await signup(strict.app, "webhooks");
  admin = await addMember(strict.app, owner, "admin");
  staff = await addMember(strict.app, owner, "staff");
  viewer = await addMember(strict.app, owner, "viewer");
  other = await signup(strict.app, "webhooks-other");
});
afterAll(async () => {
  await open.close();
  await strict.close();
  await new Promise((r) => receiver.close(r));
});

type Method = "GET" | "POST" | "PATCH" | "DELETE";
const call = (who: Account, method: Method, url: string, payload?: object, app = strict.app) =>
  app.inject({ method, url, headers: bearer(who.token), ...(payload ? { payload } : {}) });
const create = (who: Account, payload: object, app = strict.app) => call(who, "POST", "/v1/webhook-endpoints", payload, app);
const validEndpoint = { url: "https://hooks.example.com/orbis", description: "CRM sync", eventTypes: ["call.ended", "appointment.booked"] };

/** Pending deliveries of an event to the workspace's subscribed endpoints, as the worker's relay writes them. */
async function deliveriesFor(workspaceId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const eventId = await tenantScope(strict.db, workspaceId).transaction((t) =>
      t.events.record("call.ended", {
        callId: createId("call"),
        agentId: null,
        channel: "web",
        status: "completed",
        durationSec: 30,
        endReason: null,
        outcome: null,
        summary: null,
        endedAt: new Date().toISOString(),
      }),
    );
    const event = (await tenantScope(strict.db, workspaceId).events.get(eventId)) as DomainEventRow;
    ids.push(...(await strict.db.system.transaction((tx) => insertWebhookDeliveries(tx as unknown as Tx, event))));
  }
  return ids;
}

describe("/v1/webhook-endpoints", () => {
  it("admin creates (secret shown once, sealed at rest), lists, gets, updates, rotates and deletes", async () => {
    const created = await create(admin, { ...validEndpoint, eventTypes: ["call.ended", "call.ended", "appointment.booked"] });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ url: validEndpoint.url, description: "CRM sync", eventTypes: ["call.ended", "appointment.booked"], enabled: true });
    expect(body.id).toMatch(/^whe_/);
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(body.secret.slice(6), "base64")).toHaveLength(24);
    expect(body.secretHint).toBe(`whsec_…${body.secret.slice(-4)}`);
    const id: string = body.id;

    const stored = await tenantScope(strict.db, owner.workspaceId).webhooks.get(id);
    expect(stored!.secret.startsWith("enc:v1:")).toBe(true);
    expect(stored!.secret).not.toContain(body.secret.slice(6));

    const list = await call(viewer, "GET", "/v1/webhook-endpoints");
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(id);
    expect(list.body).not.toContain(body.secret);
    const one = await call(viewer, "GET", `/v1/webhook-endpoints/${id}`);
    expect(one.json()).toMatchObject({ id, secretHint: body.secretHint });
    expect(one.json().secret).toBeUndefined();

    const patched = await call(owner, "PATCH", `/v1/webhook-endpoints/${id}`, { description: "CRM", eventTypes: [], enabled: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ description: "CRM", eventTypes: [], enabled: false, url: validEndpoint.url });

    const rotated = await call(admin, "POST", `/v1/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(body.secret);
    expect(rotated.json().secretHint).toBe(`whsec_…${rotated.json().secret.slice(-4)}`);

    expect((await call(admin, "DELETE", `/v1/webhook-endpoints/${id}`)).statusCode).toBe(204);
    expect((await call(owner, "GET", `/v1/webhook-endpoints/${id}`)).statusCode).toBe(404);
    expect((await call(admin, "DELETE", `/v1/webhook-endpoints/${id}`)).statusCode).toBe(404);

    // Every change left its audit row, none of them holding the secret.
    const audit = await tenantScope(strict.db, owner.workspaceId).audit.list(200);
    const mine = audit.filter((a) => a.targetId === id);
    expect(mine.map((a) => a.action).sort()).toEqual(
      ["webhook_endpoint.created", "webhook_endpoint.deleted", "webhook_endpoint.secret_rotated", "webhook_endpoint.updated"].sort(),
    );
    expect(JSON.stringify(mine)).not.toContain(body.secret.slice(6));
    expect(JSON.stringify(mine)).not.toContain(rotated.json().secret.slice(6));
    expect(mine.find((a) => a.action === "webhook_endpoint.created")!.actorUserId).toBe(admin.userId);
  });

  it("refuses invalid bodies with 422 naming the field", async () => {
    const cases: [object, string][] = [
      [{ url: "ftp://hooks.example.com/x" }, "body.url"],
      [{ url: "not a url" }, "body.url"],
      [{ url: "https://user:pass@hooks.example.com/x" }, "body.url"],
      [{ url: validEndpoint.url, eventTypes: ["call.exploded"] }, "body.eventTypes.0"],
      [{ url: validEndpoint.url, description: "x".repeat(501) }, "body.description"],
      [{ url: validEndpoint.url, enabled: "yes" }, "body.enabled"],
      [{ description: "no url" }, "body.url"],
    ];
    for (const [payload, path] of cases) {
      const res = await create(owner, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(res.json().error.code).toBe("validation_failed");
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const id = (await create(owner, validEndpoint)).json().id;
    // A patch changes only what it names (no defaults filled in).
    const described = await call(owner, "PATCH", `/v1/webhook-endpoints/${id}`, { description: "only this" });
    expect(described.json()).toMatchObject({ description: "only this", eventTypes: validEndpoint.eventTypes, enabled: true });
    const empty = await call(owner, "PATCH", `/v1/webhook-endpoints/${id}`, {});
    expect(empty.statusCode).toBe(422);
    const badPatch = await call(owner, "PATCH", `/v1/webhook-endpoints/${id}`, { eventTypes: ["nope"] });
    expect(badPatch.statusCode).toBe(422);
    expect((await call(owner, "GET", `/v1/webhook-endpoints/${id}/deliveries?cursor=zzz`)).statusCode).toBe(422);
  });

  it("refuses private addresses unless the platform allows private networks", async () => {
    for (const url of ["http://127.0.0.1:8080/hooks", "http://[::1]/hooks", "http://169.254.169.254/latest", "http://10.0.0.5/hooks", "http://192.168.1.1/"]) {
      const res = await create(owner, { url });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.message).toMatch(/^body\.url: points to a private address .*ALLOW_PRIVATE_NETWORK_TOOLS=true/);
      expect(res.json().error.details[0].path).toBe("body.url");
    }
    const id = (await create(owner, validEndpoint)).json().id;
    const patched = await call(owner, "PATCH", `/v1/webhook-endpoints/${id}`, { url: "http://10.1.2.3/hooks" });
    expect(patched.statusCode).toBe(422);
    expect((await call(owner, "GET", `/v1/webhook-endpoints/${id}`)).json().url).toBe(validEndpoint.url);

    const allowed = await create(owner, { url: receiverUrl }, open.app);
    expect(allowed.statusCode, allowed.body).toBe(201);
  });

  it("lets viewers read and only admins and owners write", async () => {
    const id = (await create(owner, validEndpoint)).json().id;
    expect((await call(viewer, "GET", "/v1/webhook-endpoints")).statusCode).toBe(200);
    expect((await call(staff, "GET", `/v1/webhook-endpoints/${id}/deliveries`)).statusCode).toBe(200);
    const writes: [Account, Method, string, object?][] = [
      [viewer, "POST", "/v1/webhook-endpoints", validEndpoint],
      [staff, "POST", "/v1/webhook-endpoints", validEndpoint],
      [viewer, "PATCH", `/v1/webhook-endpoints/${id}`, { enabled: false }],
      [staff, "DELETE", `/v1/webhook-endpoints/${id}`],
      [viewer, "POST", `/v1/webhook-endpoints/${id}/rotate-secret`],
      [staff, "POST", `/v1/webhook-endpoints/${id}/test`],
    ];
    for (const [who, method, url, payload] of writes) {
      const res = await call(who, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await call(owner, "GET", `/v1/webhook-endpoints/${id}`)).json().enabled).toBe(true);
  });

  it("lists deliveries newest first with a cursor, and redelivers", async () => {
    const ws = owner.workspaceId;
    const id = (await create(owner, { url: "https://crm.example.com/in", eventTypes: ["call.ended"] })).json().id;
    // Another endpoint not subscribed to call.ended gets no delivery.
    const unsubscribed = (await create(owner, { url: "https://crm.example.com/other", eventTypes: ["message.taken"] })).json().id;
    const made = await deliveriesFor(ws, 3);
    const mineOnly = (await tenantScope(strict.db, ws).webhooks.deliveries(id, { limit: 10 })).map((d) => d.id);
    expect(mineOnly).toHaveLength(3);

    const first = await call(viewer, "GET", `/v1/webhook-endpoints/${id}/deliveries?limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1.data).toHaveLength(2);
    expect(page1.data[0]).toMatchObject({ endpointId: id, eventType: "call.ended", status: "pending", attempts: 0 });
    const second = (await call(viewer, "GET", `/v1/webhook-endpoints/${id}/deliveries?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(second.nextCursor).toBeNull();
    const all = [...page1.data, ...second.data].map((d: { id: string }) => d.id);
    expect(all).toEqual([...mineOnly]);
    expect(new Set(all)).toEqual(new Set(made.filter((d) => mineOnly.includes(d))));
    expect((await call(viewer, "GET", `/v1/webhook-endpoints/${unsubscribed}/deliveries`)).json().data).toEqual([]);

    // A failed delivery is made pending again, due now, with a fresh schedule.
    const deliveryId = all[0]!;
    await markWebhookFailed(strict.db.system, deliveryId, { responseStatus: 500, latencyMs: 12, responseSnippet: "boom", error: "HTTP 500" });
    const failed = (await call(viewer, "GET", `/v1/webhook-endpoints/${id}/deliveries?limit=1`)).json().data[0];
    expect(failed).toMatchObject({ id: deliveryId, status: "failed", responseStatus: 500, latencyMs: 12, responseSnippet: "boom", error: "HTTP 500" });
    expect((await call(viewer, "POST", `/v1/webhook-endpoints/${id}/deliveries/${deliveryId}/redeliver`)).statusCode).toBe(403);
    const redelivered = await call(admin, "POST", `/v1/webhook-endpoints/${id}/deliveries/${deliveryId}/redeliver`);
    expect(redelivered.statusCode, redelivered.body).toBe(200);
    expect(redelivered.json()).toMatchObject({ id: deliveryId, status: "pending", attempts: 0, error: null });
    expect(redelivered.json().nextAttemptAt).not.toBeNull();
    // The delivery belongs to another endpoint: 404.
    expect((await call(admin, "POST", `/v1/webhook-endpoints/${unsubscribed}/deliveries/${deliveryId}/redeliver`)).statusCode).toBe(404);
    const audit = await tenantScope(strict.db, ws).audit.list(200);
    expect(audit.find((a) => a.action === "webhook_delivery.redelivered" && a.targetId === deliveryId)).toMatchObject({ actorUserId: admin.userId });
  });

  it("enqueues the redelivery's job when the service has a queue", async () => {
    const sent: { queue: string; data: { deliveryId: string } }[] = [];
    const service = createWebhooksService({
      encryptionKey: Buffer.alloc(32, 7),
      allowPrivateNetwork: false,
      send: async (queue, data) => void sent.push({ queue, data }),
    });
    const ws = owner.workspaceId;
    const id = (await create(owner, { url: "https://queue.example.com/in", eventTypes: ["call.ended"] })).json().id;
    await deliveriesFor(ws, 1);
    const [delivery] = await tenantScope(strict.db, ws).webhooks.deliveries(id, { limit: 1 });
    const actor = { actorUserId: owner.userId, actorKeyId: null, ip: "127.0.0.1", role: "owner" as const };
    await service.redeliver(tenantScope(strict.db, ws), actor, id, delivery!.id);
    expect(sent).toEqual([{ queue: "webhooks.deliver", data: { deliveryId: delivery!.id } }]);
  });

  it("answers 404 to another workspace for every endpoint and delivery route", async () => {
    const id = (await create(owner, { url: "https://a.example.com/in", eventTypes: ["call.ended"] })).json().id;
    await deliveriesFor(owner.workspaceId, 1);
    const [delivery] = await tenantScope(strict.db, owner.workspaceId).webhooks.deliveries(id, { limit: 1 });
    const routes: [Method, string, object?][] = [
      ["GET", `/v1/webhook-endpoints/${id}`],
      ["PATCH", `/v1/webhook-endpoints/${id}`, { enabled: false }],
      ["DELETE", `/v1/webhook-endpoints/${id}`],
      ["POST", `/v1/webhook-endpoints/${id}/rotate-secret`],
      ["GET", `/v1/webhook-endpoints/${id}/deliveries`],
      ["POST", `/v1/webhook-endpoints/${id}/deliveries/${delivery!.id}/redeliver`],
      ["POST", `/v1/webhook-endpoints/${id}/test`],
    ];
    for (const [method, url, payload] of routes) {
      const res = await call(other, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    // B's own endpoint cannot reach A's delivery either.
    const mine = (await create(other, { url: "https://b.example.com/in" })).json().id;
    expect((await call(other, "POST", `/v1/webhook-endpoints/${mine}/deliveries/${delivery!.id}/redeliver`)).statusCode).toBe(404);
    expect((await call(other, "GET", "/v1/webhook-endpoints")).json().data.map((e: { id: string }) => e.id)).toEqual([mine]);
    // Nothing changed in A.
    expect((await call(owner, "GET", `/v1/webhook-endpoints/${id}`)).json()).toMatchObject({ enabled: true });
    expect((await tenantScope(strict.db, owner.workspaceId).webhooks.getDelivery(id, delivery!.id))!.status).toBe("pending");
  });

  it("sends a signed test ping and reports the answer, recording no event", async () => {
    const createdRes = await create(owner, { url: receiverUrl }, open.app);
    const { id, secret } = createdRes.json();
    const before = received.length;
    const res = await call(owner, "POST", `/v1/webhook-endpoints/${id}/test`, undefined, open.app);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, responseStatus: 202, responseSnippet: "accepted", error: null });
    expect(res.json().latencyMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(before + 1);
    const ping = received.at(-1)!;
    expect(JSON.parse(ping.body)).toMatchObject({ type: "webhook.test", workspaceId: owner.workspaceId, data: { endpointId: id } });
    expect(ping.headers["user-agent"]).toBe("OrbisVoice-Webhooks/1");
    const signed = `${ping.headers["webhook-id"]}.${ping.headers["webhook-timestamp"]}.${ping.body}`;
    const expected = createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
      .update(signed)
      .digest("base64");
    expect(ping.headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(await tenantScope(strict.db, owner.workspaceId).events.list(100, "webhook.test")).toHaveLength(0);

    // Behind the strict guard, the same endpoint (saved while private networks were allowed) is refused at send time.
    const refused = await call(owner, "POST", `/v1/webhook-endpoints/${id}/test`);
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ ok: false, responseStatus: null });
    expect(refused.json().error).toMatch(/^refused: /);
    expect(received).toHaveLength(before + 1);
  });
});
