import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenService } from "@orbis/auth";
import { callSlotKeys } from "@orbis/cache";
import { testConfig } from "@orbis/config";
import { tenantScope } from "@orbis/db";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

/**
 * What a socket may hold: nothing before its `start` (no call slot, no token), and only for the start
 * timeout; one call per voice token; carrier media sockets alike. (docs/protocols.md, "Browser stream".)
 */
const START_TIMEOUT_MS = 1500;

let h: GatewayHarness;
let a: Tenant;
beforeAll(async () => {
  h = await startGateway({ config: { maxCallsPerWorkspace: 2 }, gateway: { startTimeoutMs: START_TIMEOUT_MS }, telephony: true });
  a = await createTenant(h);
});
afterAll(() => h.close());

interface Outcome {
  code: number;
  reason: string;
  messages: { type: string; [k: string]: unknown }[];
  openMs: number;
}

/** Opens a socket and resolves with how it closed. `act` runs once it is open. */
function connect(url: string, act: (ws: WebSocket) => void = () => {}, origin = WIDGET_ORIGIN): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    const messages: Outcome["messages"] = [];
    let opened = 0;
    ws.on("message", (d, bin) => {
      if (!bin) messages.push(JSON.parse(d.toString()));
    });
    ws.on("open", () => {
      opened = Date.now();
      act(ws);
    });
    ws.on("error", () => {});
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString(), messages, openMs: opened ? Date.now() - opened : 0 }));
  });
}

/** Starts a call and hangs up as soon as it is ready. */
const startAndHangUp = (ws: WebSocket) => {
  ws.send(JSON.stringify({ type: "start" }));
  ws.on("message", (d, bin) => {
    if (!bin && JSON.parse(d.toString()).type === "ready") ws.send(JSON.stringify({ type: "end" }));
  });
};
/** Starts a call and resolves once it is ready, leaving it up. */
function liveCall(url: string): Promise<{ ws: WebSocket; callId: string; closed: Promise<Outcome> }> {
  return new Promise((resolve, reject) => {
    let ws!: WebSocket;
    const closed = connect(url, (socket) => {
      ws = socket;
      socket.send(JSON.stringify({ type: "start" }));
      socket.on("message", (d, bin) => {
        const m = bin ? undefined : JSON.parse(d.toString());
        if (m?.type === "ready") resolve({ ws, callId: m.callId, closed });
      });
    });
    void closed.then((out) => reject(new Error(`closed ${out.code} before ready: ${JSON.stringify(out.messages)}`)));
  });
}
const pk = (t: Tenant) => `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`;

describe("sockets that never start", () => {
  it("hold no call slot, and are closed with 4000 after the start timeout", async () => {
    // More silent sockets than the workspace has slots; each authenticates (a valid public key).
    const silent = Array.from({ length: 3 }, () => connect(pk(a)));
    await new Promise((r) => setTimeout(r, 400));
    // A real caller still gets through while they are open.
    const caller = await connect(pk(a), startAndHangUp);
    expect(caller.code).toBe(1000);
    expect(caller.messages.map((m) => m.type)).toContain("ready");
    for (const out of await Promise.all(silent)) {
      expect(out.code).toBe(4000);
      expect(out.messages).toContainEqual(expect.objectContaining({ type: "error", code: "4000", message: expect.stringMatching(/no start within/) }));
      expect(out.openMs).toBeGreaterThanOrEqual(START_TIMEOUT_MS - 50);
      expect(out.openMs).toBeLessThan(START_TIMEOUT_MS + 2000);
    }
  });

  it("a socket that sends start in time is not cut by the start timeout", async () => {
    const call = await liveCall(pk(a));
    await new Promise((r) => setTimeout(r, START_TIMEOUT_MS + 300));
    expect(call.ws.readyState).toBe(WebSocket.OPEN);
    call.ws.send(JSON.stringify({ type: "end" }));
    expect((await call.closed).code).toBe(1000);
  });
});

describe("voice tokens", () => {
  const tokens = createTokenService(testConfig().jwtSecret!);
  const issue = async () => (await tokens.issueVoiceToken({ workspaceId: a.workspaceId, agentId: a.agentId })).token;

  it("a token admits one call: another socket with it is refused with 4000, during the call and after", async () => {
    const token = await issue();
    const url = `${h.wsUrl}?token=${encodeURIComponent(token)}`;
    const first = await liveCall(url);
    const during = await connect(url, (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(during.code).toBe(4000);
    expect(during.messages[0]).toMatchObject({ type: "error", code: "4000", message: expect.stringMatching(/already used/) });
    first.ws.send(JSON.stringify({ type: "end" }));
    expect((await first.closed).code).toBe(1000);
    const after = await connect(url, (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(after.code).toBe(4000);
  });

  it("sockets racing with one token: exactly one call starts", async () => {
    const url = `${h.wsUrl}?token=${encodeURIComponent(await issue())}`;
    const outs = await Promise.all(Array.from({ length: 4 }, () => connect(url, startAndHangUp)));
    expect(outs.filter((o) => o.messages.some((m) => m.type === "ready"))).toHaveLength(1);
    expect(outs.map((o) => o.code).sort()).toEqual([1000, 4000, 4000, 4000]);
  });

  it("two tokens issued in the same second for the same agent are two tokens", async () => {
    const [one, two] = await Promise.all([issue(), issue()]);
    expect(one).not.toBe(two);
    for (const token of [one, two]) {
      const out = await connect(`${h.wsUrl}?token=${encodeURIComponent(token)}`, startAndHangUp);
      expect(out.code).toBe(1000);
    }
  });
});

describe("carrier media sockets", () => {
  const media = (carrier: string, query = "") => `${h.wsUrl.replace("/v1/stream", `/v1/telephony/${carrier}/media`)}${query}`;

  it("a Telnyx media socket with no token is refused at once", async () => {
    const out = await connect(media("telnyx"));
    expect(out.code).toBe(1011);
    expect(out.openMs).toBeLessThan(START_TIMEOUT_MS);
  });

  it("a carrier media socket that sends no start is closed after the start timeout", async () => {
    const outs = await Promise.all([
      connect(media("twilio"), (ws) => ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }))),
      connect(media("telnyx", "?token=not-a-token"), (ws) => ws.send(JSON.stringify({ event: "connected", version: "1.0.0" }))),
    ]);
    for (const out of outs) {
      expect(out.code).toBe(4000);
      expect(out.openMs).toBeGreaterThanOrEqual(START_TIMEOUT_MS - 50);
      expect(out.openMs).toBeLessThan(START_TIMEOUT_MS + 2000);
    }
  });
});

describe("shutdown", () => {
  it("app.close() ends a live call with end {reason: server_shutdown} and close 1012, stored as server_shutdown", async () => {
    const own = await startGateway({ gateway: { shutdownDrainMs: 2000 } });
    const t = await createTenant(own);
    const call = await liveCall(`${own.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`);
    await own.app.close();
    const out = await call.closed;
    expect(out.messages.at(-1)).toEqual({ type: "end", reason: "server_shutdown" });
    expect(out.code).toBe(1012);
    expect(await tenantScope(own.db, t.workspaceId).calls.get(call.callId)).toMatchObject({ status: "completed", endReason: "server_shutdown" });
    expect(await own.cache.countLeases(callSlotKeys.workspace(t.workspaceId))).toBe(0);
    await own.cache.close();
    await own.db.close();
  });
});
