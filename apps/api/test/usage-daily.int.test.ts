import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { billingSystemRepository, tenantScope } from "@orbis/db";
import { dailyUsageCsv, dayBoundaries, daysBetween } from "../src/modules/usage/daily-usage.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;

async function seedCall(account: Account, startedAt: string, channel: "web" | "twilio" | "telnyx", durationSec: number, usage: Record<string, number> = {}) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(account.token), payload: validAgent })).json().id;
  const costUsd = Object.values(usage).reduce((n, c) => n + c, 0);
  await tenant.calls.insert({
    id: createId("call"),
    agentId,
    channel,
    status: "completed",
    startedAt: new Date(startedAt),
    durationSec,
    costUsd,
    usage: Object.fromEntries(Object.entries(usage).map(([provider, cost]) => [provider, { sttSeconds: 1, costUsd: cost }])),
  });
}

/** A metered call in the ledger (what the worker writes when a call ends), on the workspace's civil day. */
async function meter(
  account: Account,
  day: string,
  channel: "web" | "twilio" | "telnyx",
  cost: { stt?: number; llm?: number; carrier?: number; infra?: number },
) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const [stt, llm, carrier, infra] = [cost.stt ?? 0, cost.llm ?? 0, cost.carrier ?? 0, cost.infra ?? 0];
  await tenant.billing.recordUsage({
    id: createId("call"),
    callId: createId("call"),
    channel,
    day,
    startedAt: new Date(`${day}T15:00:00Z`),
    durationSec: 120,
    carrierMinutes: channel === "web" ? 0 : 2,
    sttCostUsd: stt,
    llmCostUsd: llm,
    carrierCostUsd: carrier,
    infraCostUsd: infra,
    totalCostUsd: stt + llm + carrier + infra,
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "daily-a");
  b = await signup(t.app, "daily-b");
  // In New York (UTC-5 in March before the 8th): 23:30 on the 1st, then the 2nd, then 00:30 UTC on the 3rd = the 2nd at 19:30.
  await seedCall(a, "2026-03-02T04:30:00Z", "web", 90, { "deepgram:nova-3": 0.01 });
  await seedCall(a, "2026-03-02T15:00:00Z", "twilio", 120, { "deepgram:nova-3": 0.02, "openai:gpt-4o-mini": 0.5 });
  await seedCall(a, "2026-03-03T00:30:00Z", "web", 30);
  await seedCall(a, "2026-03-09T12:00:00Z", "web", 60); // outside the range below
  await seedCall(b, "2026-03-02T15:00:00Z", "telnyx", 600, { "openai:gpt-4o-mini": 3 });
  // The ledger of the same days: two channels on the 2nd (summed into the day), one outside the range, B's own.
  await meter(a, "2026-03-02", "twilio", { stt: 0.02, llm: 0.5, carrier: 0.017, infra: 0.004 });
  await meter(a, "2026-03-02", "web", { stt: 0.01, infra: 0.003 });
  await meter(a, "2026-03-09", "web", { stt: 9, infra: 9 });
  await meter(b, "2026-03-02", "telnyx", { llm: 3, carrier: 0.05, infra: 0.02 });
  await billingSystemRepository(t.db.system).rollup(new Date(0));
});

const noCost = { stt: 0, llm: 0, tts: 0, realtime: 0, carrier: 0, infra: 0 };
afterAll(() => t.close());

const q = "from=2026-03-01&to=2026-03-03&tz=America%2FNew_York";

describe("GET /v1/usage/daily", () => {
  it("buckets calls, minutes and provider cost by day in the zone asked for, every day included", async () => {
    const viewer = await addMember(t.app, a, "viewer");
    const res = await t.app.inject({ url: `/v1/usage/daily?${q}`, headers: bearer(viewer.token) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: "2026-03-01", to: "2026-03-03", timezone: "America/New_York" });
    expect(body.days.map((d: { day: string }) => d.day)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
    const [first, second, third] = body.days;
    expect(first).toMatchObject({
      calls: { web: 1, twilio: 0, telnyx: 0 },
      minutes: { web: 1.5, twilio: 0, telnyx: 0 },
      costByProvider: { "deepgram:nova-3": 0.01 },
    });
    expect(second.calls).toEqual({ web: 1, twilio: 1, telnyx: 0 });
    expect(second.minutes).toEqual({ web: 0.5, twilio: 2, telnyx: 0 });
    expect(second.costUsd).toBeCloseTo(0.52, 6);
    expect(second.costByProvider).toEqual({ "deepgram:nova-3": 0.02, "openai:gpt-4o-mini": 0.5 });
    expect(first.costByKind).toEqual(noCost);
    expect(second.costByKind).toEqual({ stt: 0.03, llm: 0.5, tts: 0, realtime: 0, carrier: 0.017, infra: 0.007 });
    expect(third).toEqual({
      day: "2026-03-03",
      calls: { web: 0, twilio: 0, telnyx: 0 },
      minutes: { web: 0, twilio: 0, telnyx: 0 },
      costUsd: 0,
      costByProvider: {},
      costByKind: noCost,
      practice: { sessions: 0, minutes: 0, costUsd: 0, chargeUsd: 0 },
    });
  });

  it("uses the workspace's zone when tz is absent (UTC for a new workspace)", async () => {
    const body = (await t.app.inject({ url: "/v1/usage/daily?from=2026-03-01&to=2026-03-03", headers: bearer(a.token) })).json();
    expect(body.timezone).toBe("UTC");
    expect(body.days.map((d: { calls: { web: number; twilio: number } }) => d.calls.web + d.calls.twilio)).toEqual([0, 2, 1]);
  });

  it("workspace B cannot read A's usage", async () => {
    const body = (await t.app.inject({ url: `/v1/usage/daily?${q}`, headers: bearer(b.token) })).json();
    expect(body.days.map((d: { calls: object }) => d.calls)).toEqual([
      { web: 0, twilio: 0, telnyx: 0 },
      { web: 0, twilio: 0, telnyx: 1 },
      { web: 0, twilio: 0, telnyx: 0 },
    ]);
    expect(body.days[1].costByProvider).toEqual({ "openai:gpt-4o-mini": 3 });
    expect(body.days[1].costByKind).toEqual({ ...noCost, llm: 3, carrier: 0.05, infra: 0.02 });
  });

  it("the CSV has a row per day, a column per provider, then the carrier's and the infrastructure's cost", async () => {
    const res = await t.app.inject({ url: `/v1/usage/daily.csv?${q}`, headers: bearer(a.token) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="usage-2026-03-01-to-2026-03-03.csv"');
    expect(res.body.trim().split("\r\n")).toEqual([
      "day,calls_web,calls_twilio,calls_telnyx,minutes_web,minutes_twilio,minutes_telnyx,cost_usd,cost_usd_deepgram:nova-3,cost_usd_openai:gpt-4o-mini,cost_usd_carrier,cost_usd_infra,practice_sessions,practice_minutes,practice_cost_usd,practice_charge_usd",
      "2026-03-01,1,0,0,1.5,0,0,0.01,0.01,0,0,0,0,0,0,0",
      "2026-03-02,1,1,0,0.5,2,0,0.52,0.02,0.5,0.017,0.007,0,0,0,0",
      "2026-03-03,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
    ]);
  });

  it("rejects bad days, zones and ranges with a 422, and needs a session", async () => {
    for (const bad of [
      "from=2026-03-05&to=2026-03-01",
      "from=2026-3-1&to=2026-03-02",
      "from=2025-01-01&to=2026-03-01",
      "from=2026-03-01&to=2026-03-02&tz=Mars%2FOlympus",
      "to=2026-03-01",
    ]) {
      const res = await t.app.inject({ url: `/v1/usage/daily?${bad}`, headers: bearer(a.token) });
      expect(res.statusCode, bad).toBe(422);
      expect(res.json().error.code).toBe("validation_failed");
    }
    expect((await t.app.inject({ url: `/v1/usage/daily.csv?${q}` })).statusCode).toBe(401);
  });

  it("day boundaries follow the zone's DST change (23- and 25-hour days)", () => {
    const days = daysBetween("2026-03-08", "2026-03-08");
    const [start, end] = dayBoundaries(days, "America/New_York");
    expect(start!.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(end!.getTime() - start!.getTime()).toBe(23 * 3600_000);
    expect(
      dailyUsageCsv({
        from: "x",
        to: "x",
        timezone: "UTC",
        days: [
          {
            day: "x",
            calls: { web: 0, twilio: 0, telnyx: 0 },
            minutes: { web: 0, twilio: 0, telnyx: 0 },
            costUsd: 0,
            costByProvider: { '=cmd,"x"': 1 },
            costByKind: noCost,
            practice: { sessions: 0, minutes: 0, costUsd: 0, chargeUsd: 0 },
          },
        ],
      }),
    ).toContain(`"cost_usd_=cmd,""x"""`);
  });
});
