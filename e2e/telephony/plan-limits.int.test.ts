import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBilling, createPlans, DEFAULT_CATALOGUE, type Billing } from "@orbis/billing";
import { callSlotKeys } from "@orbis/cache";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { schema, tenantScope } from "@orbis/db";
import { count, eq } from "@orbis/db/testing";
import { echoPipeline } from "@orbis/gateway";
import type { Tenant } from "../calls/harness.ts";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { postTelnyxWebhook, telnyxEvent, TelnyxEmulator } from "./telnyx-emulator.ts";
import { postTwilioForm, type TwilioAccount } from "./twilio-emulator.ts";

const GOODBYE = "Thanks for calling. We can't take your call right now; please try again later. Goodbye.";
const BILLING_WORDS = /plan|allowance|upgrade|billing|quota/i;

// BILLING=stripe; the built-in Free plan (25 calls, one at a time), here with room for phone numbers (and the
// `phone_numbers` feature) so a Free workspace can have one (the built-in Free includes none).
const catalogue = {
  ...DEFAULT_CATALOGUE,
  plans: DEFAULT_CATALOGUE.plans.map((p) => (p.id === "free" ? { ...p, phoneNumbers: 1, features: [...p.features, "phone_numbers" as const] } : p)),
};
const billing: Billing = { ...createBilling({ ...testConfig().billing, mode: "stripe" }), plans: createPlans("stripe", catalogue) };

let h: PhoneHarness;
let emu: TelnyxEmulator;
beforeAll(async () => {
  emu = await TelnyxEmulator.start();
  h = await startPhoneGateway({ pipeline: echoPipeline, billing, config: { telnyxApiUrl: emu.apiUrl } });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

const callsOf = async (t: Tenant) => (await h.db.system.select({ n: count() }).from(schema.calls).where(eq(schema.calls.workspaceId, t.workspaceId)))[0]!.n;
/** Uses up the Free plan's 25 calls this month. */
async function spendAllowance(t: Tenant) {
  const scope = tenantScope(h.db, t.workspaceId);
  for (let i = 0; i < 25; i++)
    await scope.calls.insert({ id: createId("call"), agentId: t.agentId, channel: "web", status: "completed", startedAt: new Date() });
}

const ringTwilio = (account: TwilioAccount, to: string) =>
  postTwilioForm(account, {
    localBase: h.localBase,
    publicBase: PUBLIC_BASE,
    path: "/v1/telephony/twilio/voice",
    params: {
      AccountSid: account.accountSid,
      ApiVersion: "2010-04-01",
      CallSid: `CA${randomBytes(16).toString("hex")}`,
      CallStatus: "ringing",
      Direction: "inbound",
      From: "+12125550100",
      To: to,
    },
  });

describe("plan limits on phone calls", () => {
  it("Twilio: a workspace with its allowance spent answers <Say> a polite goodbye and <Hangup/>, and creates no call", async () => {
    const { tenant, account, number } = await twilioTenant(h);
    // Within the allowance the call is streamed to the agent.
    const allowed = await ringTwilio(account, number);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain("<Connect><Stream");
    await spendAllowance(tenant);
    const before = await callsOf(tenant);

    const refused = await ringTwilio(account, number);
    expect(refused.status).toBe(200);
    const say = /<Response><Say>([^<]*)<\/Say><Hangup\/><\/Response>/.exec(refused.body);
    expect(say, refused.body).not.toBeNull();
    expect(say![1]!.replace(/&apos;/g, "'")).toBe(GOODBYE);
    expect(refused.body).not.toMatch(BILLING_WORDS);
    expect(refused.body).not.toContain("<Stream");
    expect(await callsOf(tenant)).toBe(before);
    const metrics = (await h.app.inject({ url: "/metrics" })).body;
    expect(metrics).toMatch(/^orbis_billing_calls_refused_total\{channel="twilio"\} 1$/m);
  });

  it("Twilio: the Free plan's one concurrent call — a second call while one holds its slot hears the lines are busy", async () => {
    const { tenant, account, number } = await twilioTenant(h);
    // A live call's slot, as the gateway's limiter holds it while a call runs (the process limit is 50).
    const key = callSlotKeys.workspace(tenant.workspaceId);
    expect(await h.cache.takeLease([{ key, limit: 50 }], "slot_live_call", 60_000)).toEqual({ ok: true });
    const busy = await ringTwilio(account, number);
    expect(busy.body).toContain("all our lines are busy");
    expect(await callsOf(tenant)).toBe(0);
    await h.cache.dropLease([key], "slot_live_call");
    expect((await ringTwilio(account, number)).body).toContain("<Connect><Stream");
  });

  it("Telnyx: answered without a stream, the goodbye spoken, and hung up on call.speak.ended; no call is created", async () => {
    const { tenant, number } = await telnyxTenant(h, emu.account);
    await spendAllowance(tenant);
    const before = await callsOf(tenant);
    const ccid = `v3:${randomBytes(18).toString("base64url")}`;
    const ids = { call_control_id: ccid, call_leg_id: randomUUID(), call_session_id: randomUUID() };
    emu.calls.set(ccid, { ended: false });
    const post = async (eventType: string, payload: Record<string, unknown>) => {
      const res = await postTelnyxWebhook(emu.account, h.localBase, telnyxEvent(eventType, { ...ids, from: "+12125550100", to: number, ...payload }));
      expect(res.status, res.body).toBe(200);
    };
    const commands = () => emu.commands.filter((c) => c.callControlId === ccid);

    await post("call.initiated", { client_state: null, direction: "incoming", state: "parked" });
    const [answer, speak, ...rest] = commands();
    expect(rest).toEqual([]);
    expect(answer).toMatchObject({ action: "answer", authorization: `Bearer ${emu.account.apiKey}` });
    expect(answer!.body).not.toHaveProperty("stream_url");
    const state = answer!.body.client_state;
    expect(JSON.parse(Buffer.from(String(state), "base64").toString("utf8"))).toEqual({ workspaceId: tenant.workspaceId, refused: "over_plan" });
    expect(speak).toMatchObject({ action: "speak", body: { payload: GOODBYE, voice: "female", language: "en-US", client_state: state } });

    // Telnyx's events for the goodbye carry our client_state; only the end of the speech hangs up.
    await post("call.answered", { client_state: state, state: "answered" });
    await post("call.speak.started", { client_state: state });
    expect(commands()).toHaveLength(2);
    await post("call.speak.ended", { client_state: state, status: "completed" });
    expect(commands().map((c) => c.action)).toEqual(["answer", "speak", "hangup"]);
    await post("call.hangup", { client_state: state, hangup_cause: "normal_clearing", state: "hangup" });
    expect(commands()).toHaveLength(3);
    // Every command is shaped as Telnyx documents it (an answer without a stream, speak, hangup).
    expect(emu.shapeErrors).toEqual([]);
    expect(await callsOf(tenant)).toBe(before);
    const metrics = (await h.app.inject({ url: "/metrics" })).body;
    expect(metrics).toMatch(/^orbis_billing_calls_refused_total\{channel="telnyx"\} 1$/m);
  });
});
