import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyToolSignature } from "@orbis/brain";
import { createAgentWithBusiness, localInstant } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let viewer: Account;
let other: Account;
let agentId: string;
let otherAgentId: string;
let server: Server;
let url: string;
const received: { headers: IncomingHttpHeaders; body: string; method: string; url: string }[] = [];
let secret = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body, method: req.method ?? "", url: req.url ?? "" });
      const ok = verifyToolSignature({ secret, header: req.headers["x-orbis-signature"] as string | undefined, body });
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(ok ? { status: "shipped", echo: body ? JSON.parse(body).args : null } : { error: "bad signature" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  // The receiver listens on loopback: the self-hosters' opt-in (ssrf.int.test.ts covers the guard).
  t = await buildTestApp({ allowPrivateNetworkTools: true });
  owner = await signup(t.app, "tools");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "tools-other");
  agentId = await createAgentWithBusiness(t.app, owner);
  otherAgentId = await createAgentWithBusiness(t.app, other);
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => server.close(r));
});

const tool = () => ({
  name: "order_status",
  description: "Look up an order",
  args: { type: "object", properties: { orderId: { type: "string", minLength: 3 }, rush: { type: "boolean" } }, required: ["orderId"] },
  url,
  headers: { "X-Api-Key": "tenant-key" },
  timeoutMs: 2000,
  maxRetries: 0,
});

describe("/v1/agents/:id/tools", () => {
  let toolId = "";

  it("admin creates (secret shown once), lists, gets, updates and deletes", async () => {
    const created = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools`, headers: bearer(owner.token), payload: tool() });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: "order_status", method: "POST", agentId, enabled: true });
    expect(body.id).toMatch(/^tool_/);
    expect(body.secret).toMatch(/^tsec_/);
    expect(body.secretHint).toBe(`${body.secret.slice(0, 9)}…${body.secret.slice(-4)}`);
    secret = body.secret;
    toolId = body.id;

    const list = await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools`, headers: bearer(viewer.token) });
    expect(list.json().data.map((x: { id: string }) => x.id)).toEqual([toolId]);
    expect(list.body).not.toContain(secret);
    const one = await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(viewer.token) });
    expect(one.json().secret).toBeUndefined();

    const patched = await t.app.inject({
      method: "PATCH",
      url: `/v1/agents/${agentId}/tools/${toolId}`,
      headers: bearer(owner.token),
      payload: { description: "Order lookup" },
    });
    expect(patched.json()).toMatchObject({ description: "Order lookup", timeoutMs: 2000, maxRetries: 0, headerHints: { "X-Api-Key": "…ey" } });
    expect(patched.body).not.toContain("tenant-key");

    const dup = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools`, headers: bearer(owner.token), payload: tool() });
    expect(dup.statusCode).toBe(409);
  });

  it("invoke signs the request; the receiver verifies it with the secret", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/${toolId}/invoke`,
      headers: bearer(staff.token),
      payload: { args: { orderId: "A-100", rush: true } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: "order_status", ok: true, result: { status: "shipped", echo: { orderId: "A-100", rush: true } } });
    const last = received.at(-1)!;
    expect(last.headers["x-api-key"]).toBe("tenant-key");
    expect(last.headers["x-orbis-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(last.body)).toMatchObject({ tool: "order_status", args: { orderId: "A-100", rush: true }, call: { id: null, agentId } });
    expect(verifyToolSignature({ secret: "tsec_wrong", header: last.headers["x-orbis-signature"] as string, body: last.body })).toBe(false);
  });

  it("invalid args are 422 with the path, and nothing is sent", async () => {
    const before = received.length;
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/${toolId}/invoke`,
      headers: bearer(staff.token),
      payload: { args: { orderId: "A", rush: "yes" } },
    });
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["body.args.orderId", "body.args.rush"]));
    expect(received.length).toBe(before);
    const bad = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools`,
      headers: bearer(owner.token),
      payload: { ...tool(), name: "x_tool", args: { type: "object", properties: { a: { type: "string", pattern: ".*" } } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toMatch(/^body\.args/);
    const reserved = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools`,
      headers: bearer(owner.token),
      payload: { ...tool(), name: "end_call" },
    });
    expect(reserved.json().error.details[0].path).toBe("body.name");
  });

  it("built-in tools run by name against the database calendar", async () => {
    const start = localInstant(4, "10:00");
    const booked = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/book_appointment/invoke`,
      headers: bearer(staff.token),
      payload: { args: { serviceId: "hour", start, customerName: "Lee", customerPhone: "+12125550111" } },
    });
    expect(booked.statusCode, booked.body).toBe(200);
    expect(booked.json()).toMatchObject({ ok: true, result: { appointment: { start, customerName: "Lee" } } });
    const list = (await t.app.inject({ method: "GET", url: `/v1/appointments?day=${start.slice(0, 10)}`, headers: bearer(viewer.token) })).json();
    expect(list.data.map((a: { customerName: string }) => a.customerName)).toContain("Lee");
    const again = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/book_appointment/invoke`,
      headers: bearer(staff.token),
      payload: { args: { serviceId: "hour", start, customerName: "Kim", customerPhone: "+12125550112" } },
    });
    expect(again.json()).toMatchObject({ ok: false });
    expect(again.json().error).toMatch(/^conflict/);
    const message = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/take_message/invoke`,
      headers: bearer(staff.token),
      payload: { args: { callerName: "Robin", callbackNumber: "+12125550113", text: "Call me about my bill", urgency: "high" } },
    });
    expect(message.json(), message.body).toMatchObject({ ok: true });
    const inbox = (await t.app.inject({ method: "GET", url: "/v1/messages", headers: bearer(viewer.token) })).json();
    expect(inbox.data[0]).toMatchObject({ callerName: "Robin", urgency: "high", status: "new", agentId });
  });

  it("disabled tools are refused; roles: viewer cannot invoke, staff cannot configure; 401 without credentials", async () => {
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: `/v1/agents/${agentId}/tools/${toolId}/invoke`,
          headers: bearer(viewer.token),
          payload: { args: { orderId: "A-100" } },
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/tools`, headers: bearer(staff.token), payload: tool() })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: "PATCH", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(staff.token), payload: { enabled: false } }))
        .statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools` })).statusCode).toBe(401);
    await t.app.inject({ method: "PATCH", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token), payload: { enabled: false } });
    const off = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/tools/${toolId}/invoke`,
      headers: bearer(staff.token),
      payload: { args: { orderId: "A-100" } },
    });
    expect(off.statusCode).toBe(409);
    await t.app.inject({ method: "PATCH", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token), payload: { enabled: true } });
  });

  it("a tool of workspace A is never found, listed or run for workspace B", async () => {
    const before = received.length;
    for (const [method, path, payload] of [
      ["GET", `/v1/agents/${agentId}/tools/${toolId}`],
      ["GET", `/v1/agents/${agentId}/tools`],
      ["PATCH", `/v1/agents/${agentId}/tools/${toolId}`, { description: "B was here" }],
      ["DELETE", `/v1/agents/${agentId}/tools/${toolId}`],
      ["POST", `/v1/agents/${agentId}/tools/${toolId}/invoke`, { args: { orderId: "A-100" } }],
      // B's own agent with A's tool id: still not found.
      ["POST", `/v1/agents/${otherAgentId}/tools/${toolId}/invoke`, { args: { orderId: "A-100" } }],
      ["POST", `/v1/agents/${agentId}/tools/check_availability/invoke`, { args: { serviceId: "hour" } }],
    ] as const) {
      const res = await t.app.inject({ method, url: path, headers: bearer(other.token), ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
    expect(received.length).toBe(before);
    const still = await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token) });
    expect(still.json().description).toBe("Order lookup");
  });

  it("delete", async () => {
    expect((await t.app.inject({ method: "DELETE", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "DELETE", url: `/v1/agents/${agentId}/tools/${toolId}`, headers: bearer(owner.token) })).statusCode).toBe(404);
  });

  it("creating, changing and deleting a tool is audited, with neither its headers nor its secret", async () => {
    const res = await t.app.inject({ url: `/v1/audit-logs?targetType=tool&limit=50`, headers: bearer(owner.token) });
    const rows = (res.json() as { data: { action: string; targetId: string; actorUserId: string; metadata: Record<string, unknown> }[] }).data.filter(
      (r) => r.targetId === toolId,
    );
    // Newest first: deleted, the updates made along the way, created.
    expect(rows.at(0)!.action).toBe("tool.deleted");
    expect(rows.at(-1)!.action).toBe("tool.created");
    expect(new Set(rows.slice(1, -1).map((r) => r.action))).toEqual(new Set(["tool.updated"]));
    expect(rows.every((r) => r.actorUserId === owner.userId)).toBe(true);
    expect(rows.some((r) => r.action === "tool.updated" && JSON.stringify(r.metadata.changed) === '["description"]')).toBe(true);
    expect(res.body).not.toContain("tenant-key");
    expect(res.body).not.toContain(secret);
    // Workspace B sees none of them.
    expect((await t.app.inject({ url: `/v1/audit-logs?targetType=tool`, headers: bearer(other.token) })).body).not.toContain(toolId);
  });
});
