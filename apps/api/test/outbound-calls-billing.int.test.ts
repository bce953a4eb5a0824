import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBusinessTemplate } from "@orbis/brain";
import { callSlotKeys } from "@orbis/cache";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { TwilioRestEmulator } from "../../../e2e/telephony/twilio-rest-emulator.ts";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * `POST /v1/calls` with billing on, through the HTTP API: the plan's call allowance (402 once spent)
 * and its concurrent-call limit (409 while the workspace's lines are busy), before anything reaches
 * the carrier (a loopback Twilio REST API). PGlite, and PostgreSQL + Redis with TEST_DATABASE_URL.
 */
const PLANS = {
  defaultPlanId: "dialer",
  plans: [
    {
      id: "dialer",
      name: "Dialer",
      monthlyPriceUsd: 0,
      includedCalls: 3,
      includedMinutes: null,
      overage: null,
      concurrentCalls: 2,
      agents: 2,
      phoneNumbers: 1,
      features: ["phone_numbers"],
    },
  ],
};
const TWILIO = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "tok-outbound-billing-0123456789" };

let dir: string;
let rest: TwilioRestEmulator;
let t: TestApp;

interface Dialer {
  account: Account;
  agentId: string;
  number: string;
}

let numbers = 0;
/** A workspace on the Dialer plan with a published agent, Twilio credentials and one number. */
async function dialer(label: string): Promise<Dialer> {
  const account = await signup(t.app, label);
  const headers = bearer(account.token);
  const agent = await t.app.inject({
    method: "POST",
    url: "/v1/agents",
    headers,
    payload: { name: "Receptionist", greeting: "Hello from Riverside Dental.", business: getBusinessTemplate("dental").business },
  });
  expect(agent.statusCode, agent.body).toBe(201);
  const agentId = agent.json().id as string;
  expect((await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/publish`, headers, payload: {} })).statusCode).toBe(200);
  expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers, payload: TWILIO })).statusCode).toBe(200);
  const number = `+1415556${String(1000 + numbers++).padStart(4, "0")}`;
  const pn = await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers, payload: { number, provider: "twilio", agentId } });
  expect(pn.statusCode, pn.body).toBe(201);
  return { account, agentId, number };
}

const place = (d: Dialer, to = "+12125550199") =>
  t.app.inject({ method: "POST", url: "/v1/calls", headers: bearer(d.account.token), payload: { agentId: d.agentId, to, from: d.number } });
const placedFrom = (d: Dialer) => rest.placed.filter((c) => c.from === d.number);
const callRows = async (d: Dialer) => {
  const res = await t.app.inject({ url: "/v1/calls?limit=100", headers: bearer(d.account.token) });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().data as { id: string; status: string; direction: string }[]).filter((c) => c.direction === "outbound");
};

/** Finished calls this month, as the plan meters them. */
async function usedCalls(d: Dialer, n: number) {
  const tenant = tenantScope(t.db, d.account.workspaceId);
  for (let i = 0; i < n; i++)
    await tenant.calls.insert({ id: createId("call"), agentId: d.agentId, channel: "twilio", status: "completed", startedAt: new Date(), durationSec: 60 });
}

/** A call in progress as a gateway holds it: a lease on the workspace's slot key. */
async function liveCall(d: Dialer) {
  const slot = `slot_${createId("call")}`;
  const key = callSlotKeys.workspace(d.account.workspaceId);
  expect(await t.cache.takeLease([{ key, limit: 50 }], slot, 60_000)).toEqual({ ok: true });
  return () => t.cache.dropLease([key], slot);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orbis-outbound-plans-"));
  const plansFile = join(dir, "plans.json");
  writeFileSync(plansFile, JSON.stringify(PLANS));
  rest = await TwilioRestEmulator.start(TWILIO);
  t = await buildTestApp({
    billing: { ...testConfig().billing, mode: "stripe", plansFile },
    twilioApiUrl: rest.url,
    publicBaseUrl: "https://voice.example.test",
  });
});
afterAll(async () => {
  await t?.close();
  await rest?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /v1/calls with billing on", () => {
  it("402 plan_limit once the plan's calls are used, before the carrier is asked or a call row is written", async () => {
    const d = await dialer("allowance");
    await usedCalls(d, 2);
    const ok = await place(d);
    expect(ok.statusCode, ok.body).toBe(202);
    expect(placedFrom(d)).toHaveLength(1);

    // The placed call is the third of three: the allowance is spent.
    const refused = await place(d, "+12125550198");
    expect(refused.statusCode, refused.body).toBe(402);
    expect(refused.json().error).toMatchObject({ code: "plan_limit" });
    expect(refused.json().error.message).toMatch(/3 calls its Dialer plan includes/);
    expect(placedFrom(d)).toHaveLength(1);
    expect(await callRows(d)).toHaveLength(1);

    // Another workspace on the same plan is not held to this one's allowance.
    const other = await dialer("allowance-other");
    expect((await place(other)).statusCode).toBe(202);
  });

  it("409 conflict while the plan's concurrent calls are in progress; 202 again when one ends", async () => {
    const d = await dialer("concurrency");
    const first = await liveCall(d);
    await liveCall(d);
    const refused = await place(d);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "conflict" });
    expect(refused.json().error.message).toMatch(/limit of concurrent calls/);
    expect(placedFrom(d)).toHaveLength(0);
    expect(await callRows(d)).toHaveLength(0);

    // Another workspace's calls do not take this one's lines, nor this one's theirs.
    const other = await dialer("concurrency-other");
    expect((await place(other)).statusCode).toBe(202);

    await first();
    const placed = await place(d);
    expect(placed.statusCode, placed.body).toBe(202);
    expect(placedFrom(d)).toHaveLength(1);
  });

  // A placed call takes the workspace's slot lease (member: its call id) when it is placed, before the
  // carrier is asked; the gateway takes the same lease over when the media stream connects.
  it("an outbound call still ringing holds one of the plan's lines", async () => {
    const d = await dialer("ringing");
    expect((await place(d, "+12125550101")).statusCode).toBe(202);
    expect((await place(d, "+12125550102")).statusCode).toBe(202);
    // Two calls placed and not yet answered (no media stream, no gateway lease): the plan's two lines are taken.
    const third = await place(d, "+12125550103");
    expect(third.statusCode, third.body).toBe(409);
    expect(placedFrom(d)).toHaveLength(2);
    // The two leases are named by the calls' ids (what the gateway's limiter takes over on connect).
    expect(await t.cache.countLeases(callSlotKeys.workspace(d.account.workspaceId))).toBe(2);
    const ids = (await callRows(d)).map((c) => c.id);
    expect(ids).toHaveLength(2);
    const key = callSlotKeys.workspace(d.account.workspaceId);
    for (const id of ids) expect(await t.cache.takeLease([{ key, limit: 2 }], id, 60_000)).toEqual({ ok: true });
    expect(await t.cache.countLeases(key)).toBe(2);
  });

  it("requests arriving together at the limit: exactly the plan's lines are placed, the rest answer 409", async () => {
    const d = await dialer("burst");
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => place(d, `+1212555020${i}`)));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes, answers.map((r) => r.body).join("\n")).toEqual([202, 202, 409, 409, 409, 409]);
    expect(placedFrom(d)).toHaveLength(2);
    expect(await callRows(d)).toHaveLength(2);
    expect(await t.cache.countLeases(callSlotKeys.workspace(d.account.workspaceId))).toBe(2);
  });

  it("a call the carrier refuses gives its line back (503, the row failed, no lease left)", async () => {
    const d = await dialer("refused");
    // Credentials the carrier does not know: Twilio answers 401 to calls.create.
    const wrong = { accountSid: TWILIO.accountSid, authToken: "tok-not-the-account-token-0123" };
    expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(d.account.token), payload: wrong })).statusCode).toBe(200);
    for (const to of ["+12125550301", "+12125550302"]) {
      const res = await place(d, to);
      expect(res.statusCode, res.body).toBe(503);
    }
    // Both refused calls gave their line back: the plan's two lines are free.
    expect(await t.cache.countLeases(callSlotKeys.workspace(d.account.workspaceId))).toBe(0);
    expect((await callRows(d)).map((c) => c.status)).toEqual(["failed", "failed"]);
  });
});
