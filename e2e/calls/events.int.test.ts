import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createAgentSetupFactory } from "@orbis/agent-runtime";
import type { AppConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { schema, systemRepository, tenantScope, type Database, type DomainEventRow } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { credentialResolver, offlineSpeechStack, providerPipeline } from "@orbis/gateway";
import { ProviderManager } from "@orbis/providers";
import { createTelephonyService } from "@orbis/telephony";
import { startOpenAiChatEmulator, type OpenAiChatEmulator } from "../../packages/providers/test/emulators/openai-chat-emulator.ts";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

/**
 * The call lifecycle's domain events through the composed platform: `call.started`, what the call did
 * (`message.taken`), `call.ended` with the stored outcome and summary, and `user.activated` once per
 * workspace, for its first real call (never for a dashboard test call of the draft).
 */
let h: GatewayHarness;
let a: Tenant;
beforeAll(async () => {
  h = await startGateway();
  a = await createTenant(h);
});
afterAll(() => h.close());

async function events(workspaceId: string, type?: string, db: Database = h.db): Promise<DomainEventRow[]> {
  const rows = await db.system.select().from(schema.domainEvents).where(eq(schema.domainEvents.workspaceId, workspaceId));
  return rows.filter((r) => !type || r.type === type).sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime() || x.id.localeCompare(y.id));
}
const aboutCall = (rows: DomainEventRow[], callId: string) => rows.filter((r) => (r.payload as { callId?: string }).callId === callId);

/**
 * A typed call: each line is sent once the agent has said its piece (no new transcript for a moment),
 * then the caller hangs up. Resolves with the call id once the socket closed.
 */
function typedCall(url: string, lines: string[]): Promise<{ callId: string; agent: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: WIDGET_ORIGIN });
    let callId = "";
    const agent: string[] = [];
    const queue = [...lines];
    let quiet: NodeJS.Timeout | undefined;
    const next = () => {
      const line = queue.shift();
      if (line === undefined) ws.send(JSON.stringify({ type: "end" }));
      else ws.send(JSON.stringify({ type: "text", text: line }));
    };
    const activity = () => {
      clearTimeout(quiet);
      if (agent.length > 0) quiet = setTimeout(next, 400);
    };
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("message", (d, bin) => {
      if (!bin) {
        const m = JSON.parse(d.toString()) as { type: string; role?: string; text?: string; callId?: string; message?: string };
        if (m.type === "ready") callId = m.callId!;
        if (m.type === "error") reject(new Error(m.message));
        if (m.type === "transcript" && m.role === "agent") {
          agent.push(m.text!);
          activity();
        }
      }
    });
    ws.on("error", reject);
    ws.on("close", () => {
      clearTimeout(quiet);
      resolve({ callId, agent });
    });
  });
}

/** The call's `call.ended` is written as the session closes the row, a moment after the socket closed. */
async function ended(workspaceId: string, callId: string, db: Database = h.db): Promise<DomainEventRow> {
  for (let i = 0; i < 100; i++) {
    const [row] = aboutCall(await events(workspaceId, "call.ended", db), callId);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no call.ended for ${callId}`);
}

const widget = (t: Tenant) => `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`;

describe("call events through /v1/stream", () => {
  it("a dashboard test call of the draft is a call, but does not activate the workspace", { timeout: 60_000 }, async () => {
    const draft = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${a.token}` },
      payload: { agentId: a.agentId, mode: "draft" },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const { callId } = await typedCall(`${h.wsUrl}?token=${encodeURIComponent(draft.json().token)}`, ["What are your opening hours?"]);
    const end = await ended(a.workspaceId, callId);
    expect(end.payload).toMatchObject({ callId, channel: "web", outcome: "no_action", summary: "Caller asked about opening hours; no action taken." });
    expect(aboutCall(await events(a.workspaceId, "call.started"), callId)).toHaveLength(1);
    expect(await events(a.workspaceId, "user.activated")).toEqual([]);
    expect((await tenantScope(h.db, a.workspaceId).calls.get(callId))!.metadata).toMatchObject({ test: true });
  });

  it(
    "a call that takes a message: call.started, message.taken, call.ended with outcome and summary; user.activated once for two calls",
    { timeout: 90_000 },
    async () => {
      const first = await typedCall(widget(a), [
        "I'd like to leave a message for Dr Lee",
        "It's Jane Back",
        "Please tell her I'll be ten minutes late tomorrow",
        "two one two five five five zero one four two",
      ]);
      const end = await ended(a.workspaceId, first.callId);
      const callId = first.callId;

      const started = aboutCall(await events(a.workspaceId, "call.started"), callId);
      expect(started.map((e) => e.payload)).toEqual([
        { callId, agentId: a.agentId, channel: "web", direction: "inbound", caller: null, startedAt: expect.stringMatching(/Z$/) },
      ]);
      const taken = aboutCall(await events(a.workspaceId, "message.taken"), callId);
      expect(
        taken.map((e) => e.payload),
        first.agent.join("\n"),
      ).toEqual([expect.objectContaining({ agentId: a.agentId, callId, callerName: "Jane Back", callbackNumber: "+12125550142" })]);
      expect(end.payload).toMatchObject({
        callId,
        agentId: a.agentId,
        channel: "web",
        status: "completed",
        endReason: "caller_hangup",
        outcome: "message",
        summary: expect.stringMatching(/^Jane Back left a message: .*ten minutes late/),
      });
      // The outcome and summary are stored on the call and served with it.
      const detail = await h.app.inject({ url: `/v1/calls/${callId}`, headers: { authorization: `Bearer ${a.token}` } });
      expect(detail.json()).toMatchObject({ outcome: "message", summary: (end.payload as { summary: string }).summary });
      const list = await h.app.inject({ url: `/v1/calls?limit=5`, headers: { authorization: `Bearer ${a.token}` } });
      expect(list.json().data.find((c: { id: string }) => c.id === callId)).toMatchObject({ outcome: "message" });

      const second = await typedCall(widget(a), ["What are your opening hours?"]);
      await ended(a.workspaceId, second.callId);
      const activated = await events(a.workspaceId, "user.activated");
      expect(activated.map((e) => e.payload)).toEqual([{ workspaceId: a.workspaceId, callId, channel: "web" }]);
      expect(aboutCall(await events(a.workspaceId, "call.ended"), callId)).toHaveLength(1);
    },
  );
});

describe("calls closed without a session", () => {
  it("the reaper's close of an abandoned call writes call.ended (gateway_lost) in its transaction, once", async () => {
    const t = await createTenant(h);
    const tenant = tenantScope(h.db, t.workspaceId);
    const long = new Date(Date.now() - 3600_000);
    const call = await tenant.calls.insert({
      id: createId("call"),
      agentId: t.agentId,
      channel: "web",
      status: "in_progress",
      gatewayId: "gw_gone",
      heartbeatAt: long,
      startedAt: long,
      answeredAt: long,
    });
    await systemRepository(h.db.system).closeAbandonedCalls(new Date(Date.now() - 60_000));
    await systemRepository(h.db.system).closeAbandonedCalls(new Date(Date.now() - 60_000));
    const closed = aboutCall(await events(t.workspaceId, "call.ended"), call.id);
    expect(closed.map((e) => e.payload)).toEqual([
      expect.objectContaining({ callId: call.id, status: "failed", endReason: "gateway_lost", durationSec: 0, outcome: null, summary: null }),
    ]);
    // It was the workspace's first real call that was answered.
    expect((await events(t.workspaceId, "user.activated")).map((e) => e.payload)).toEqual([{ workspaceId: t.workspaceId, callId: call.id, channel: "web" }]);
  });

  it("a carrier call: call.started when it rings; call.ended when the carrier ends it before any media stream", async () => {
    const t = await createTenant(h);
    const tenant = tenantScope(h.db, t.workspaceId);
    const e164 = `+1212555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const number = await tenant.phoneNumbers.insert({ id: createId("phoneNumber"), number: e164, provider: "twilio", agentId: t.agentId });
    const telephony = createTelephonyService({ db: h.db, cache: h.cache, maxCallsPerWorkspace: 5 });
    const decision = await telephony.startInbound({ number, tenant }, { provider: "twilio", providerCallId: "CA-events-1", from: "+12125550100", to: e164 });
    expect(decision.kind).toBe("answer");
    const callId = decision.kind === "answer" ? decision.call.id : "";
    expect(aboutCall(await events(t.workspaceId, "call.started"), callId).map((e) => e.payload)).toEqual([
      expect.objectContaining({ callId, channel: "twilio", caller: "+12125550100", direction: "inbound" }),
    ]);
    await telephony.carrierEvent(tenant, {
      provider: "twilio",
      providerCallId: "CA-events-1",
      kind: "status",
      carrierStatus: "no-answer",
      providerEventId: "ev-1",
    });
    await telephony.carrierEvent(tenant, {
      provider: "twilio",
      providerCallId: "CA-events-1",
      kind: "status",
      carrierStatus: "completed",
      providerEventId: "ev-2",
    });
    expect(aboutCall(await events(t.workspaceId, "call.ended"), callId).map((e) => e.payload)).toEqual([
      expect.objectContaining({ callId, channel: "twilio", status: "no_answer", endReason: "status", outcome: null }),
    ]);
    expect(await events(t.workspaceId, "user.activated")).toEqual([]);
  });
});

describe("an agent with an LLM words its call's summary", () => {
  let openai: OpenAiChatEmulator;
  let manager: ProviderManager;
  let g: GatewayHarness;
  const SUMMARY = "Robin asked when the practice is open; nothing was booked.";
  beforeAll(async () => {
    // The summary request is told apart by its system prompt; every other request is a turn of the call.
    openai = await startOpenAiChatEmulator((req) =>
      /summarise a phone call/.test(req.messages[0]?.content ?? "") ? { text: [SUMMARY] } : { text: ["We are open ", "Monday to Friday, eight to five."] },
    );
    manager = new ProviderManager({});
    g = await startGateway({
      pipelineFor: (db: Database, config: AppConfig) =>
        providerPipeline({
          speech: offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-gw-events-"))),
          manager,
          credentials: credentialResolver(config),
          setups: createAgentSetupFactory(db),
          prices: config.prices,
          cacheDir: mkdtempSync(join(tmpdir(), "orbis-gw-events-lm-")),
        }),
      config: { providerKeys: { openai: { apiKey: "sk-test", baseUrl: openai.baseURL } } },
    });
  }, 60_000);
  afterAll(async () => {
    await g?.close();
    manager?.stop();
    await openai?.close();
  });

  it("the model's summary is stored and sent in call.ended; the outcome stays the structured one", { timeout: 60_000 }, async () => {
    const t = await createTenant(g, { providers: { llm: ["openai"] } });
    const { callId } = await typedCall(`${g.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`, ["What are your opening hours?"]);
    const end = await ended(t.workspaceId, callId, g.db);
    expect(end.payload).toMatchObject({ callId, outcome: "no_action", summary: SUMMARY });
    expect(await tenantScope(g.db, t.workspaceId).calls.get(callId)).toMatchObject({ outcome: "no_action", summary: SUMMARY });
    const asked = openai.requests.find((r) => /summarise a phone call/.test(r.messages[0]?.content ?? ""));
    expect(asked?.messages[1]?.content).toContain("Caller: What are your opening hours?");
  });
});
