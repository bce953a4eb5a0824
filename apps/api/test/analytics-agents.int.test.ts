import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let frontDesk: string;
let afterHours: string;

const HOUR = 3600_000;
const createAgent = async (account: Account, name: string) =>
  (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(account.token), payload: { ...validAgent, name } })).json().id as string;

interface SeedTurn {
  tools?: { name: string; ok: boolean }[];
  ms?: { endpointMs: number; asrMs: number; llmMs: number; ttsMs: number; e2eMs: number };
}
async function seedCall(account: Account, agentId: string, o: { at: Date; status?: "completed" | "failed"; costUsd?: number; turns?: SeedTurn[] }) {
  const tenant = tenantScope(t.db, account.workspaceId);
  const id = createId("call");
  await tenant.calls.insert({
    id,
    agentId,
    channel: "web",
    status: o.status ?? "completed",
    startedAt: o.at,
    endedAt: o.at,
    durationSec: 60,
    costUsd: o.costUsd ?? 0,
  });
  for (const [seq, turn] of (o.turns ?? []).entries()) {
    await tenant.calls.insertTurn({
      id: createId("turn"),
      callId: id,
      seq,
      userText: "hi",
      agentText: "hello",
      toolCalls: turn.tools ?? [],
      ...turn.ms,
      startedAt: o.at,
      endedAt: o.at,
    });
  }
  return id;
}

const ms = (n: number) => ({ endpointMs: n, asrMs: 2 * n, llmMs: 3 * n, ttsMs: 4 * n, e2eMs: 10 * n });

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "analytics-a");
  b = await signup(t.app, "analytics-b");
  frontDesk = await createAgent(a, "Front desk");
  afterHours = await createAgent(a, "After hours");
  const at = new Date(Date.now() - HOUR);
  await seedCall(a, frontDesk, { at, costUsd: 0.5, turns: [{ ms: ms(100) }, { tools: [{ name: "book_appointment", ok: true }], ms: ms(200) }] });
  // A failed booking attempt then a message: the message is what the call achieved.
  await seedCall(a, frontDesk, {
    at,
    costUsd: 0.25,
    turns: [
      {
        tools: [
          { name: "book_appointment", ok: false },
          { name: "take_message", ok: true },
        ],
        ms: ms(300),
      },
    ],
  });
  await seedCall(a, frontDesk, { at, turns: [{ tools: [{ name: "transfer_call", ok: true }] }] });
  await seedCall(a, frontDesk, { at, turns: [{ ms: ms(400) }] });
  await seedCall(a, afterHours, { at, status: "failed" });
  await seedCall(a, afterHours, { at });
  // Outside the range asked for below.
  await seedCall(a, frontDesk, { at: new Date(Date.now() - 30 * 24 * HOUR), costUsd: 9, turns: [{ tools: [{ name: "book_appointment", ok: true }] }] });
  const bAgent = await createAgent(b, "B desk");
  await seedCall(b, bAgent, { at, costUsd: 7, turns: [{ tools: [{ name: "book_appointment", ok: true }] }] });
});
afterAll(() => t.close());

const range = (from = new Date(Date.now() - 7 * 24 * HOUR), to = new Date(Date.now() + 60_000)) =>
  `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

describe("GET /v1/analytics/agents", () => {
  it("counts each agent's calls, outcomes, booking rate, per-stage latency and cost in the range", async () => {
    const viewer = await addMember(t.app, a, "viewer");
    const res = await t.app.inject({ url: `/v1/analytics/agents?${range()}`, headers: bearer(viewer.token) });
    expect(res.statusCode, res.body).toBe(200);
    const [desk, night, ...rest] = res.json().data;
    expect(rest).toEqual([]);
    expect(desk).toMatchObject({
      agentId: frontDesk,
      name: "Front desk",
      calls: 4,
      outcomes: { booked: 1, messageTaken: 1, transferred: 1, answered: 1, failed: 0, cancelled: 0, noConversation: 0 },
      bookingRate: 0.25,
    });
    expect(desk.costUsd).toBeCloseTo(0.75, 6);
    // Turns with timings: 100, 200, 300, 400 (the transfer turn has none and is not counted).
    expect(desk.latencyMs.turns).toBe(4);
    expect(desk.latencyMs.endpoint).toEqual({ p50: 250, p95: 385 });
    expect(desk.latencyMs.asr).toEqual({ p50: 500, p95: 770 });
    expect(desk.latencyMs.llm.p50).toBe(750);
    expect(desk.latencyMs.tts.p50).toBe(1000);
    expect(desk.latencyMs.e2e).toEqual({ p50: 2500, p95: 3850 });
    expect(night).toMatchObject({ agentId: afterHours, calls: 2, outcomes: { failed: 1, noConversation: 1, booked: 0 }, bookingRate: 0, costUsd: 0 });
    expect(night.latencyMs).toEqual({
      endpoint: { p50: null, p95: null },
      asr: { p50: null, p95: null },
      llm: { p50: null, p95: null },
      tts: { p50: null, p95: null },
      e2e: { p50: null, p95: null },
      turns: 0,
    });
  });

  it("workspace B sees only its own agents and calls", async () => {
    const res = await t.app.inject({ url: `/v1/analytics/agents?${range()}`, headers: bearer(b.token) });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ name: "B desk", calls: 1, outcomes: { booked: 1 }, costUsd: 7 });
  });

  it("an empty range has no rows; a bad or backwards range is a 422, no session a 401", async () => {
    const empty = await t.app.inject({
      url: `/v1/analytics/agents?${range(new Date(Date.now() - 3 * 24 * HOUR), new Date(Date.now() - 2 * 24 * HOUR))}`,
      headers: bearer(a.token),
    });
    expect(empty.json().data).toEqual([]);
    expect((await t.app.inject({ url: "/v1/analytics/agents?from=yesterday&to=today", headers: bearer(a.token) })).statusCode).toBe(422);
    const backwards = await t.app.inject({ url: `/v1/analytics/agents?${range(new Date(), new Date(Date.now() - HOUR))}`, headers: bearer(a.token) });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().error.code).toBe("validation_failed");
    const tooLong = await t.app.inject({ url: `/v1/analytics/agents?${range(new Date(Date.now() - 400 * 24 * HOUR))}`, headers: bearer(a.token) });
    expect(tooLong.statusCode).toBe(422);
    expect((await t.app.inject({ url: `/v1/analytics/agents?${range()}` })).statusCode).toBe(401);
  });
});
