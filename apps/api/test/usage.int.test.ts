import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { summarizeUsage } from "../src/modules/usage/usage.service.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let callId: string;

const u = (p: Partial<Record<"sttSeconds" | "llmTokensIn" | "llmTokensOut" | "ttsCharacters" | "realtimeSeconds" | "costUsd", number>>) => ({
  sttSeconds: 0,
  llmTokensIn: 0,
  llmTokensOut: 0,
  ttsCharacters: 0,
  realtimeSeconds: 0,
  costUsd: 0,
  ...p,
});

async function seedCall(account: Account, startedAt: Date, usage: Record<string, ReturnType<typeof u>>) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(account.token), payload: validAgent })).json().id;
  const id = createId("call");
  const costUsd = Object.values(usage).reduce((n, x) => n + x.costUsd, 0);
  await tenant.calls.insert({ id, agentId, channel: "web", status: "completed", startedAt, endedAt: startedAt, durationSec: 30, usage, costUsd });
  await tenant.calls.insertTurn({
    id: createId("turn"),
    callId: id,
    seq: 0,
    userText: "hello",
    agentText: "hi",
    servedBy: [{ capability: "stt", servedBy: "deepgram:nova-3", tried: ["deepgram:nova-3"], failures: [], at: 1 }],
    usage,
    costUsd,
    startedAt,
    endedAt: startedAt,
  });
  return id;
}

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "usage-a");
  b = await signup(t.app, "usage-b");
  const now = Date.now();
  callId = await seedCall(a, new Date(now - 3600_000), {
    "deepgram:nova-3": u({ sttSeconds: 60, costUsd: 0.0077 }),
    "openai:gpt-4o-mini": u({ llmTokensIn: 1_000_000, llmTokensOut: 100_000, costUsd: 0.21 }),
    "elevenlabs:rachel": u({ ttsCharacters: 2000, costUsd: 0.1 }),
  });
  await seedCall(a, new Date(now - 7200_000), {
    "gemini-live:x": u({ realtimeSeconds: 120, costUsd: 0.046 }),
    "deepgram:nova-3": u({ sttSeconds: 30, costUsd: 0.00385 }),
  });
  // Outside the range queried below.
  await seedCall(a, new Date(now - 40 * 24 * 3600_000), { "deepgram:nova-3": u({ sttSeconds: 999, costUsd: 1 }) });
  await seedCall(b, new Date(now - 3600_000), { "openai:gpt-4o-mini": u({ llmTokensIn: 5, costUsd: 5 }) });
});
afterAll(() => t.close());

const range = () => {
  const to = new Date(Date.now() + 60_000).toISOString();
  const from = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
};

describe("provider usage and cost", () => {
  it("GET /v1/usage sums the workspace's calls in the range by provider and kind", async () => {
    const viewer = await addMember(t.app, a, "viewer");
    const res = await t.app.inject({ url: `/v1/usage?${range()}`, headers: bearer(viewer.token) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.calls).toBe(2);
    expect(body.costUsd).toBeCloseTo(0.0077 + 0.21 + 0.1 + 0.046 + 0.00385, 6);
    expect(body.byProvider.map((p: { provider: string; kind: string }) => [p.provider, p.kind])).toEqual([
      ["deepgram:nova-3", "stt"],
      ["elevenlabs:rachel", "tts"],
      ["gemini-live:x", "realtime"],
      ["openai:gpt-4o-mini", "llm"],
    ]);
    expect(body.byProvider[0]).toMatchObject({ sttSeconds: 90 });
    expect(body.byKind.stt.seconds).toBe(90);
    expect(body.byKind.stt.costUsd).toBeCloseTo(0.0077 + 0.00385, 6);
    expect(body.byKind.llm).toMatchObject({ tokensIn: 1_000_000, tokensOut: 100_000 });
    expect(body.byKind.realtime.seconds).toBe(120);
  });

  it("workspace B cannot read A's usage, and A's call is not found from B", async () => {
    const fromB = (await t.app.inject({ url: `/v1/usage?${range()}`, headers: bearer(b.token) })).json();
    expect(fromB.calls).toBe(1);
    expect(fromB.byProvider.map((p: { provider: string }) => p.provider)).toEqual(["openai:gpt-4o-mini"]);
    expect(fromB.costUsd).toBe(5);
    expect((await t.app.inject({ url: `/v1/calls/${callId}`, headers: bearer(b.token) })).statusCode).toBe(404);
  });

  it("validates the range and needs a principal", async () => {
    expect((await t.app.inject({ url: "/v1/usage", headers: bearer(a.token) })).statusCode).toBe(422);
    const backwards = `from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 1000).toISOString())}`;
    const res = await t.app.inject({ url: `/v1/usage?${backwards}`, headers: bearer(a.token) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe("validation_failed");
    expect((await t.app.inject({ url: `/v1/usage?${range()}` })).statusCode).toBe(401);
  });

  it("the call detail shows per-turn served-by, usage and cost, and the call's totals", async () => {
    const res = await t.app.inject({ url: `/v1/calls/${callId}`, headers: bearer(a.token) });
    expect(res.statusCode, res.body).toBe(200);
    const call = res.json();
    expect(call.costUsd).toBeCloseTo(0.3177, 6);
    expect(call.usage["openai:gpt-4o-mini"]).toMatchObject({ llmTokensIn: 1_000_000, costUsd: 0.21 });
    expect(call.turns[0].servedBy).toEqual([{ capability: "stt", servedBy: "deepgram:nova-3", tried: ["deepgram:nova-3"], failures: [], at: 1 }]);
    expect(call.turns[0].usage["elevenlabs:rachel"].ttsCharacters).toBe(2000);
    expect(call.turns[0].costUsd).toBeCloseTo(0.3177, 6);
  });

  it("summarizeUsage attributes each provider's cost to its kind", () => {
    const s = summarizeUsage(new Date(0), new Date(1), {
      calls: 1,
      costUsd: 3,
      byProvider: [
        { provider: "a", ...u({ llmTokensOut: 1, costUsd: 1 }) },
        { provider: "b", ...u({ costUsd: 2 }) },
      ],
    });
    expect(s.byProvider.map((p) => p.kind)).toEqual(["llm", "stt"]);
    expect(s.byKind.llm.costUsd).toBe(1);
    expect(s.byKind.stt.costUsd).toBe(2);
  });
});
