import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let agentId: string;
const callIds: string[] = [];

async function seedCall(account: Account, startedAt: Date, withBooking: boolean, e2e: number[]) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const id = createId("call");
  await tenant.calls.insert({
    id,
    agentId,
    channel: "web",
    status: "completed",
    startedAt,
    endedAt: new Date(startedAt.getTime() + 60_000),
    durationSec: 60,
    endReason: "caller_hangup",
    metadata: { events: [{ at: startedAt.toISOString(), kind: "interrupted" }] },
  });
  for (const [i, ms] of e2e.entries()) {
    await tenant.calls.insertTurn({
      id: createId("turn"),
      callId: id,
      seq: i,
      userText: i === 0 ? null : `line ${i}`,
      agentText: `answer ${i}`,
      toolCalls: withBooking && i === 1 ? [{ name: "book_appointment", args: {}, ok: true, ms: 3 }] : [],
      e2eMs: ms,
      endpointMs: 500,
      asrMs: 40,
      startedAt,
      endedAt: startedAt,
    });
  }
  return id;
}

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "calls-a");
  b = await signup(t.app, "calls-b");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).json().id;
  const now = Date.now();
  callIds.push(await seedCall(a, new Date(now - 3 * 24 * 3600_000), false, [0, 800, 900]));
  callIds.push(await seedCall(a, new Date(now - 3600_000), true, [0, 700, 1000]));
});
afterAll(() => t.close());

describe("/v1/calls", () => {
  it("lists calls newest first with turn counts, filters and a cursor", async () => {
    const viewer = await addMember(t.app, a, "viewer");
    const res = await t.app.inject({ url: "/v1/calls?limit=1", headers: bearer(viewer.token) });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.data.map((c: { id: string }) => c.id)).toEqual([callIds[1]]);
    expect(page.data[0]).toMatchObject({ channel: "web", status: "completed", durationSec: 60, turnCount: 3 });
    const next = (await t.app.inject({ url: `/v1/calls?limit=1&cursor=${page.nextCursor}`, headers: bearer(a.token) })).json();
    expect(next.data.map((c: { id: string }) => c.id)).toEqual([callIds[0]]);
    const since = new Date(Date.now() - 24 * 3600_000).toISOString();
    const recent = (await t.app.inject({ url: `/v1/calls?from=${encodeURIComponent(since)}`, headers: bearer(a.token) })).json();
    expect(recent.data).toHaveLength(1);
    expect((await t.app.inject({ url: "/v1/calls?channel=fax", headers: bearer(a.token) })).statusCode).toBe(422);
  });

  it("shows one call with its transcript, latency and events", async () => {
    const res = await t.app.inject({ url: `/v1/calls/${callIds[1]}`, headers: bearer(a.token) });
    expect(res.statusCode).toBe(200);
    const call = res.json();
    expect(call.turns.map((x: { seq: number }) => x.seq)).toEqual([0, 1, 2]);
    expect(call.turns[1]).toMatchObject({ userText: "line 1", agentText: "answer 1", e2eMs: 700, endpointMs: 500, asrMs: 40 });
    expect(call.turns[1].toolCalls[0]).toMatchObject({ name: "book_appointment", ok: true });
    expect(call.events[0].kind).toBe("interrupted");
    expect(call.carrierEvents).toEqual([]);
    expect(call.recordingUrl).toBeNull();
  });

  it("summarises the dashboard overview", async () => {
    const o = (await t.app.inject({ url: "/v1/analytics/overview", headers: bearer(a.token) })).json();
    expect(o.calls).toEqual({ today: 1, week: 2, month: 2 });
    expect(o.averageDurationSec).toBe(60);
    expect(o.bookingRate).toBe(0.5);
    expect(o.topAgents).toEqual([{ agentId, name: validAgent.name, calls: 2 }]);
    expect(o.turnLatencyMs.turns).toBe(6);
    expect(o.turnLatencyMs.p50).toBe(750);
    const empty = (await t.app.inject({ url: "/v1/analytics/overview", headers: bearer(b.token) })).json();
    expect(empty).toMatchObject({ calls: { today: 0, week: 0, month: 0 }, bookingRate: null, turnLatencyMs: { p50: null, turns: 0 } });
  });

  it("401 without auth, 404 for another workspace's call, 422 for a malformed id", async () => {
    expect((await t.app.inject({ url: "/v1/calls" })).statusCode).toBe(401);
    expect((await t.app.inject({ url: "/v1/analytics/overview" })).statusCode).toBe(401);
    const foreign = await t.app.inject({ url: `/v1/calls/${callIds[0]}`, headers: bearer(b.token) });
    expect(foreign.statusCode).toBe(404);
    expect((await t.app.inject({ url: "/v1/calls", headers: bearer(b.token) })).json().data).toEqual([]);
    expect((await t.app.inject({ url: "/v1/calls/nope", headers: bearer(a.token) })).statusCode).toBe(422);
  });

  it("shows what the carrier reported and a transfer's result, oldest first", async () => {
    const tenant = tenantScope(t.db, a.workspaceId);
    const at = (s: number) => new Date(Date.parse("2026-11-30T15:00:00Z") + s * 1000);
    await tenant.callEvents.record({
      id: "cev_t2",
      callId: callIds[0]!,
      provider: "twilio",
      kind: "transfer",
      status: "failed",
      occurredAt: at(40),
      detail: { to: "+12125550199", error: "Twilio answered 400" },
    });
    await tenant.callEvents.record({
      id: "cev_t1",
      callId: callIds[0]!,
      provider: "twilio",
      kind: "status",
      status: "in-progress",
      occurredAt: at(0),
      detail: {},
    });
    const call = (await t.app.inject({ url: `/v1/calls/${callIds[0]}`, headers: bearer(a.token) })).json();
    expect(call.carrierEvents).toEqual([
      { at: at(0).toISOString(), provider: "twilio", kind: "status", status: "in-progress", detail: {} },
      { at: at(40).toISOString(), provider: "twilio", kind: "transfer", status: "failed", detail: { to: "+12125550199", error: "Twilio answered 400" } },
    ]);
    // Workspace B sees neither the call nor its events.
    expect((await t.app.inject({ url: `/v1/calls/${callIds[0]}`, headers: bearer(b.token) })).statusCode).toBe(404);
  });
});
