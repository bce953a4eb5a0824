import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { count, eq } from "@orbis/db/testing";
import { schema, tenantScope } from "@orbis/db";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

let h: GatewayHarness;
let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  h = await startGateway({ config: { maxCallsPerWorkspace: 2 } });
  a = await createTenant(h);
  b = await createTenant(h);
});
afterAll(() => h.close());

interface Outcome {
  code: number;
  messages: { type: string; [k: string]: unknown }[];
}

/** Opens a stream, runs `act` once open, and resolves with the close code and the JSON messages. */
function session(query: string, act: (ws: WebSocket) => void = () => {}, origin = WIDGET_ORIGIN): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${h.wsUrl}?${query}`, { origin });
    const messages: Outcome["messages"] = [];
    ws.on("message", (d, bin) => {
      if (!bin) messages.push(JSON.parse(d.toString()));
    });
    ws.on("open", () => act(ws));
    ws.on("close", (code) => resolve({ code, messages }));
  });
}
const pk = (t: Tenant, agentId = t.agentId) => `agentId=${agentId}&apiKey=${t.publishableKey}`;
const callsOf = async (t: Tenant) => (await h.db.system.select({ n: count() }).from(schema.calls).where(eq(schema.calls.workspaceId, t.workspaceId)))[0]!.n;

describe("/v1/stream authentication", () => {
  it("refuses a bad token with 4000 and stores nothing", async () => {
    const out = await session("token=not-a-token", (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(out.code).toBe(4000);
    expect(out.messages[0]).toMatchObject({ type: "error", code: "4000" });
    expect(await callsOf(a)).toBe(0);
  });

  it("refuses an agent of another workspace (4000) and stores nothing in either", async () => {
    const out = await session(pk(b, a.agentId), (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(out.code).toBe(4000);
    expect(out.messages[0]?.message).toMatch(/agent not found/);
    expect(await callsOf(a)).toBe(0);
    expect(await callsOf(b)).toBe(0);
  });

  it("refuses an Origin the key does not allow (4000)", async () => {
    const out = await session(pk(a), (ws) => ws.send(JSON.stringify({ type: "start" })), "https://evil.example");
    expect(out.code).toBe(4000);
    expect(out.messages[0]?.message).toMatch(/origin https:\/\/evil.example is not allowed/);
  });

  it("accepts a session token from POST /v1/voice/sessions (publishable key + Origin)", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${a.publishableKey}`, origin: WIDGET_ORIGIN },
      payload: { agentId: a.agentId },
    });
    expect(res.statusCode).toBe(201);
    const { url } = res.json();
    expect(url).toMatch(/^ws:\/\/.*\/v1\/stream\?token=/);
    const denied = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${a.publishableKey}`, origin: "https://evil.example" },
      payload: { agentId: a.agentId },
    });
    expect(denied.statusCode).toBe(403);
    const foreign = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${b.publishableKey}`, origin: WIDGET_ORIGIN },
      payload: { agentId: a.agentId },
    });
    expect(foreign.statusCode).toBe(404);
    const out = await session(`token=${encodeURIComponent(new URL(url).searchParams.get("token")!)}`, (ws) => {
      ws.send(JSON.stringify({ type: "start" }));
      ws.on("message", (d, bin) => {
        if (!bin && JSON.parse(d.toString()).type === "ready") ws.send(JSON.stringify({ type: "end" }));
      });
    });
    expect(out.code).toBe(1000);
    expect(out.messages.map((m) => m.type)).toEqual(expect.arrayContaining(["ready", "end"]));
  });
});

describe("/v1/stream protocol errors → 4004", () => {
  const cases: [string, (ws: WebSocket) => void][] = [
    ["binary before start", (ws) => ws.send(Buffer.alloc(640))],
    ["malformed JSON", (ws) => ws.send("{nope")],
    ["unknown message type", (ws) => ws.send(JSON.stringify({ type: "launch" }))],
    ["text before start", (ws) => ws.send(JSON.stringify({ type: "text", text: "hi" }))],
    [
      "oversized audio frame",
      (ws) => {
        ws.send(JSON.stringify({ type: "start" }));
        ws.send(Buffer.alloc(64_000));
      },
    ],
    [
      "odd-length audio frame",
      (ws) => {
        ws.send(JSON.stringify({ type: "start" }));
        ws.send(Buffer.alloc(641));
      },
    ],
  ];
  for (const [name, act] of cases) {
    it(name, async () => {
      const out = await session(pk(a), act);
      expect(out.code).toBe(4004);
    });
  }

  it("a call cut by a protocol error is closed in the database with its reason", async () => {
    const calls = await tenantScope(h.db, a.workspaceId).calls.list(50);
    const cut = calls.filter((c) => c.endReason === "protocol_error");
    expect(cut.length).toBe(2);
    expect(cut.every((c) => c.status === "completed" && c.endedAt !== null)).toBe(true);
  });
});

describe("/v1/stream typed conversation and limits", () => {
  it("records both sides to a WAV when the agent records calls, served at /v1/calls/:id/recording", async () => {
    const rec = await createTenant(h, { recordCalls: true });
    let callId = "";
    await session(`agentId=${rec.agentId}&apiKey=${rec.publishableKey}`, (ws) => {
      ws.send(JSON.stringify({ type: "start" }));
      let frames = 0;
      ws.on("message", (d, bin) => {
        if (bin) return;
        const m = JSON.parse(d.toString());
        if (m.type !== "ready") return;
        callId = m.callId;
        // One second of caller audio: a 440 Hz tone, so the left channel is not silence.
        const timer = setInterval(() => {
          const pcm = new Int16Array(320).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (frames * 320 + i)) / 16000)));
          ws.send(Buffer.from(pcm.buffer));
          if (++frames === 50) {
            clearInterval(timer);
            ws.send(JSON.stringify({ type: "end" }));
          }
        }, 5);
      });
    });
    const detail = await h.app.inject({ url: `/v1/calls/${callId}`, headers: { authorization: `Bearer ${rec.token}` } });
    expect(detail.json().recordingUrl).toBe(`/v1/calls/${callId}/recording`);
    // The route answers a redirect to a short-lived signed link, which needs no credentials.
    const redirect = await h.app.inject({ url: detail.json().recordingUrl, headers: { authorization: `Bearer ${rec.token}` } });
    expect(redirect.statusCode).toBe(302);
    const signed = new URL(String(redirect.headers.location));
    const res = await h.app.inject({ url: signed.pathname + signed.search });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("audio/wav");
    const wav = res.rawPayload;
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(40)).toBe(50 * 320 * 4);
    let callerEnergy = 0;
    for (let i = 44; i < wav.length; i += 4) callerEnergy += Math.abs(wav.readInt16LE(i));
    expect(callerEnergy / (50 * 320)).toBeGreaterThan(1000);
    const other = await h.app.inject({ url: `/v1/calls/${callId}/recording`, headers: { authorization: `Bearer ${a.token}` } });
    expect(other.statusCode).toBe(404);
  });

  it("closes an idle call with 4002 after the agent's idle timeout", { timeout: 20_000 }, async () => {
    const idle = await createTenant(h, { idleTimeoutSec: 10 });
    const started = Date.now();
    const out = await session(`agentId=${idle.agentId}&apiKey=${idle.publishableKey}`, (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(out.code).toBe(4002);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    expect(out.messages.find((m) => m.type === "end")?.reason).toBe("idle_timeout");
  });

  it("answers typed input, persists each turn and closes the call row", async () => {
    let callId = "";
    const out = await session(pk(a), (ws) => {
      ws.send(JSON.stringify({ type: "start" }));
      let asked = false;
      ws.on("message", (d, bin) => {
        if (bin) return;
        const m = JSON.parse(d.toString());
        if (m.type === "ready") callId = m.callId;
        if (m.type === "transcript" && m.role === "agent" && !asked) {
          asked = true;
          ws.send(JSON.stringify({ type: "text", text: "What are your opening hours?" }));
        } else if (m.type === "transcript" && m.role === "agent" && asked && /monday|open/i.test(m.text)) {
          ws.send(JSON.stringify({ type: "end" }));
        }
      });
    });
    expect(out.code).toBe(1000);
    const tenant = tenantScope(h.db, a.workspaceId);
    const call = await tenant.calls.get(callId);
    expect(call).toMatchObject({ status: "completed", endReason: "caller_hangup", channel: "web" });
    expect(call!.durationSec).toBeGreaterThanOrEqual(0);
    const turns = await tenant.calls.turns(callId);
    expect(turns[0]).toMatchObject({ seq: 0, userText: null });
    expect(turns[0]!.agentText).toBeTruthy();
    expect(turns[1]).toMatchObject({ seq: 1, userText: "What are your opening hours?" });
    expect(turns[1]!.agentText).toMatch(/monday|open/i);
    expect(await tenantScope(h.db, b.workspaceId).calls.get(callId)).toBeUndefined();
  });

  it("refuses a call over the workspace's concurrent-call limit with 4001", async () => {
    const hold: WebSocket[] = [];
    const open = () =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`${h.wsUrl}?${pk(b)}`, { origin: WIDGET_ORIGIN });
        ws.on("message", (d, bin) => {
          if (!bin && JSON.parse(d.toString()).type === "ready") resolve(ws);
        });
        ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
      });
    hold.push(await open(), await open());
    const third = await session(pk(b), (ws) => ws.send(JSON.stringify({ type: "start" })));
    expect(third.code).toBe(4001);
    for (const ws of hold) ws.close();
    await new Promise((r) => setTimeout(r, 300));
    const again = await session(pk(b), (ws) => {
      ws.send(JSON.stringify({ type: "start" }));
      ws.on("message", (d, bin) => {
        if (!bin && JSON.parse(d.toString()).type === "ready") ws.send(JSON.stringify({ type: "end" }));
      });
    });
    expect(again.code).toBe(1000);
  });
});
