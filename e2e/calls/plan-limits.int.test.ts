import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createBilling } from "@orbis/billing";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { schema, tenantScope } from "@orbis/db";
import { count, eq } from "@orbis/db/testing";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

// BILLING=stripe with the built-in catalogue: a workspace without a subscription is on Free (25 calls, 1 at a time).
let h: GatewayHarness;
let spent: Tenant;
let fresh: Tenant;
beforeAll(async () => {
  h = await startGateway({ billing: createBilling({ ...testConfig().billing, mode: "stripe" }) });
  spent = await createTenant(h);
  fresh = await createTenant(h);
  const t = tenantScope(h.db, spent.workspaceId);
  for (let i = 0; i < 25; i++)
    await t.calls.insert({ id: createId("call"), agentId: spent.agentId, channel: "web", status: "completed", startedAt: new Date() });
});
afterAll(() => h.close());

interface Outcome {
  code: number;
  reason: string;
  messages: { type: string; [k: string]: unknown }[];
}

/** Opens a stream, sends `start`, and resolves with the close; `onReady` runs when the call is up. */
function call(url: string, onReady: (ws: WebSocket) => void = (ws) => ws.send(JSON.stringify({ type: "end" }))): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin: WIDGET_ORIGIN });
    const messages: Outcome["messages"] = [];
    ws.on("message", (d, bin) => {
      if (bin) return;
      const m = JSON.parse(d.toString()) as Outcome["messages"][number];
      messages.push(m);
      if (m.type === "ready") onReady(ws);
    });
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString(), messages }));
  });
}
const widget = (t: Tenant) => `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`;
const callsOf = async (t: Tenant) => (await h.db.system.select({ n: count() }).from(schema.calls).where(eq(schema.calls.workspaceId, t.workspaceId)))[0]!.n;

/** "1 January": the first day of next month (UTC), when a Free workspace's allowance renews. */
function renewal(now = new Date()): string {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return `1 ${new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" }).format(next)}`;
}

describe("plan limits on /v1/stream", () => {
  it("a Free workspace whose 25 calls are used is refused at start with 4003 and the reason; no call is created", async () => {
    const message = `This workspace has used the 25 calls its Free plan includes this month; calls resume on ${renewal()} or after an upgrade.`;
    const out = await call(widget(spent));
    expect(out.code).toBe(4003);
    expect(out.messages).toEqual([{ type: "error", code: "4003", message }]);
    // The close reason is the same message (a WebSocket close reason is capped, so at most its first 120 characters).
    expect(out.reason).toBe(message.slice(0, 120));
    expect(await callsOf(spent)).toBe(25);
    const metrics = (await h.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^orbis_billing_calls_refused_total\{channel="web"\} 1$/m);
  });

  it("a dashboard test call of the same workspace still connects", async () => {
    const session = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${spent.token}` },
      payload: { agentId: spent.agentId, mode: "draft" },
    });
    expect(session.statusCode, session.body).toBe(201);
    const out = await call(`${h.wsUrl}?token=${encodeURIComponent(session.json().token)}`);
    expect(out.messages[0]).toMatchObject({ type: "ready" });
    expect(out.code).toBe(1000);
    expect(await callsOf(spent)).toBe(26);
  });

  it("the Free plan's one concurrent call: a second simultaneous call is refused (4001) while the first runs", async () => {
    let first!: WebSocket;
    const up = new Promise<void>((resolve) => {
      void call(widget(fresh), (ws) => {
        first = ws;
        resolve();
      });
    });
    await up;
    const second = await call(widget(fresh));
    expect(second.code).toBe(4001);
    expect(second.messages[0]).toMatchObject({ type: "error", code: "4001", message: "too many concurrent calls for this workspace" });
    expect(first.readyState).toBe(WebSocket.OPEN);
    const ended = new Promise<number>((resolve) => first.on("close", (code) => resolve(code)));
    first.send(JSON.stringify({ type: "end" }));
    expect(await ended).toBe(1000);
    // The slot is free again once the first call has ended.
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(widget(fresh))).code).toBe(1000);
    expect(await callsOf(fresh)).toBe(2);
  });
});
