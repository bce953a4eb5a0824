import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { echoPipeline } from "@orbis/gateway";
import { createOutboundCalls } from "@orbis/telephony";
import { twilioCallee, telnyxCallee, type CalleeResult } from "./outbound-callee.ts";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioAccount, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { postTelnyxWebhook, telnyxEvent, TelnyxEmulator } from "./telnyx-emulator.ts";
import { TwilioRestEmulator, type TwilioPlacedCall } from "./twilio-rest-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const account = twilioAccount();
let h: PhoneHarness;
let rest: TwilioRestEmulator;
let telnyx: TelnyxEmulator;

beforeAll(async () => {
  rest = await TwilioRestEmulator.start(account);
  telnyx = await TelnyxEmulator.start();
  h = await startPhoneGateway({ pipeline: echoPipeline, config: { twilioApiUrl: rest.url, telnyxApiUrl: telnyx.apiUrl } });
});
afterAll(async () => {
  await h?.close();
  await rest?.close();
  await telnyx?.close();
});

const place = (token: string, payload: object) => h.app.inject({ method: "POST", url: "/v1/calls", headers: { authorization: `Bearer ${token}` }, payload });
const getCall = (token: string, id: string) => h.app.inject({ url: `/v1/calls/${id}`, headers: { authorization: `Bearer ${token}` } });
async function settled(token: string, id: string, until: (status: string) => boolean) {
  for (let i = 0; i < 100; i++) {
    const c = (await getCall(token, id)).json();
    if (until(c.status)) return c;
    await sleep(50);
  }
  return (await getCall(token, id)).json();
}

describe("POST /v1/calls: validation, tenancy, plan limits", () => {
  it("422 for a bad E.164, a number not the workspace's, an unpublished agent, a missing variable; 404 for a foreign agent", async () => {
    const a = await twilioTenant(h, { account });
    const b = await twilioTenant(h, { account });
    const ok = { agentId: a.tenant.agentId, to: "+12125550199", from: a.number };
    expect((await place(a.tenant.token, { ...ok, to: "555-0199" })).statusCode).toBe(422);
    const foreignNumber = await place(a.tenant.token, { ...ok, from: b.number });
    expect(foreignNumber.statusCode).toBe(422);
    expect(foreignNumber.json().error.message).toMatch(/body\.from/);
    expect((await place(a.tenant.token, { ...ok, opening: "Hi {{name}}" })).json().error.message).toMatch(/name/);
    expect((await place(a.tenant.token, { ...ok, machineDetection: "voicemail" })).statusCode).toBe(422);
    expect((await place(a.tenant.token, { ...ok, agentId: b.tenant.agentId })).statusCode).toBe(404);
    const draft = await h.app.inject({
      method: "POST",
      url: "/v1/agents",
      headers: { authorization: `Bearer ${a.tenant.token}` },
      payload: { name: "Draft" },
    });
    const unpublished = await place(a.tenant.token, { ...ok, agentId: draft.json().id });
    expect(unpublished.statusCode).toBe(422);
    expect(unpublished.json().error.message).toMatch(/published/);
    // Workspace B cannot place a call from A's number; nothing reached the carrier.
    expect((await place(b.tenant.token, { agentId: b.tenant.agentId, to: "+12125550199", from: a.number })).statusCode).toBe(422);
    expect(rest.placed).toHaveLength(0);
  });

  it("402 when the plan refuses, 409 at the concurrent-call limit (the service a campaign runner calls)", async () => {
    const a = await twilioTenant(h, { account });
    const tenant = tenantScope(h.db, a.tenant.workspaceId);
    const deps = {
      db: h.db,
      cache: h.cache,
      credentials: async () => account,
      publicBaseUrl: () => PUBLIC_BASE,
      twilioApiUrl: rest.url,
      telnyxApiUrl: telnyx.apiUrl,
    };
    const body = { agentId: a.tenant.agentId, to: "+12125550199", from: a.number };
    const overPlan = createOutboundCalls({ ...deps, maxCallsPerWorkspace: 50, admit: async () => ({ ok: false, message: "allowance spent" }) });
    await expect(overPlan.place(tenant, body)).rejects.toMatchObject({ code: "plan_limit" });
    const full = createOutboundCalls({ ...deps, maxCallsPerWorkspace: 0 });
    await expect(full.place(tenant, body)).rejects.toMatchObject({ code: "conflict" });
    expect(rest.placed.filter((c) => c.from === a.number)).toHaveLength(0);
  });
});

/** The next call the Twilio emulator is asked to place, answered by `callee`. */
function nextTwilioCall(callee: Parameters<typeof twilioCallee>[2]["callee"]) {
  return new Promise<{ call: TwilioPlacedCall; result: Promise<CalleeResult> }>((resolve) => {
    rest.onPlaced = (call) => resolve({ call, result: twilioCallee(account, call, { localBase: h.localBase, callee }) });
  });
}

describe("outbound call statuses from the carriers' signed callbacks", () => {
  it("Twilio: queued → busy, no-answer; the SDK's request carries the TwiML URL, status callbacks and AMD", async () => {
    const a = await twilioTenant(h, { account });
    for (const kind of ["busy", "no-answer"] as const) {
      const placed = nextTwilioCall({ kind });
      const res = await place(a.tenant.token, { agentId: a.tenant.agentId, to: "+12125550142", from: a.number, variables: { name: "Sam" } });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ direction: "outbound", status: "queued", caller: a.number, callee: "+12125550142", channel: "twilio" });
      const { call, result } = await placed;
      await result;
      expect(call.form).toMatchObject({ To: "+12125550142", From: a.number, Method: "POST", MachineDetection: "Enable", AsyncAmd: "true" });
      expect(call.form.Url).toBe(`${PUBLIC_BASE}/v1/telephony/twilio/outbound/voice?ws=${a.tenant.workspaceId}&call=${res.json().id}`);
      expect(call.statusCallbackEvents).toEqual(["initiated", "ringing", "answered", "completed"]);
      const final = await settled(a.tenant.token, res.json().id, (s) => s !== "queued" && s !== "ringing");
      expect(final.status).toBe(kind === "busy" ? "busy" : "no_answer");
      // Twilio's Timestamp has whole seconds: the order within one second is not Twilio's order.
      expect(final.carrierEvents.map((e: { kind: string }) => e.kind).sort()).toEqual(
        ["outbound", "status:initiated", "status:ringing", `status:${kind}`].sort(),
      );
    }
  });

  it("Telnyx: dial through the SDK (connection looked up, webhook URL, AMD, client_state); user_busy → busy, timeout → no_answer", async () => {
    const a = await telnyxTenant(h, telnyx.account);
    telnyx.numbers.set(a.number, "1684641123236054244");
    for (const [kind, status] of [
      ["busy", "busy"],
      ["no-answer", "no_answer"],
    ] as const) {
      const dialled = new Promise<Promise<CalleeResult>>((resolve) => {
        telnyx.onDial = (dial) => resolve(telnyxCallee(telnyx, dial, { localBase: h.localBase, callee: { kind } }));
      });
      const res = await place(a.tenant.token, { agentId: a.tenant.agentId, to: "+13125550142", from: a.number, machineDetection: "off" });
      expect(res.statusCode, res.body).toBe(202);
      await await dialled;
      const dial = telnyx.dials.at(-1)!;
      expect(dial).toMatchObject({ connection_id: "1684641123236054244", to: "+13125550142", from: a.number, answering_machine_detection: "disabled" });
      expect(JSON.parse(Buffer.from(dial.client_state, "base64").toString())).toEqual({ workspaceId: a.tenant.workspaceId, callId: res.json().id });
      const final = await settled(a.tenant.token, res.json().id, (s) => s !== "queued" && s !== "ringing");
      expect(final.status).toBe(status);
    }
    expect(telnyx.shapeErrors).toEqual([]);
  });

  it("forged or foreign callbacks are refused (403) and change nothing; workspace B cannot read A's outbound call", async () => {
    const a = await twilioTenant(h, { account });
    const b = await twilioTenant(h, { account: twilioAccount() });
    const placed = new Promise<TwilioPlacedCall>((r) => (rest.onPlaced = r));
    const res = await place(a.tenant.token, { agentId: a.tenant.agentId, to: "+12125550143", from: a.number });
    const call = await placed;
    const path = call.form.StatusCallback!.replace(PUBLIC_BASE, "");
    const form = { AccountSid: account.accountSid, CallSid: call.sid, CallStatus: "completed", CallDuration: "30", To: call.to, From: call.from };
    const post = (p: string, signature: string) =>
      fetch(`${h.localBase}${p}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body: new URLSearchParams(form).toString(),
      });
    const twilioSdk = (await import("twilio")).default;
    expect((await post(path, "forged")).status).toBe(403);
    // Signed with another workspace's token, or over a URL naming another workspace: refused.
    const other = twilioSdk.getExpectedTwilioSignature("another-token", `${PUBLIC_BASE}${path}`, form);
    expect((await post(path, other)).status).toBe(403);
    const swapped = path.replace(a.tenant.workspaceId, b.tenant.workspaceId);
    expect((await post(swapped, twilioSdk.getExpectedTwilioSignature(account.authToken, `${PUBLIC_BASE}${swapped}`, form))).status).toBe(403);
    // Telnyx: a webhook not signed by the workspace's key.
    const t = await postTelnyxWebhook(telnyx.account, h.localBase, telnyxEvent("call.hangup", { call_control_id: "v3:x", hangup_cause: "normal_clearing" }), {
      path: `/v1/telephony/telnyx/outbound/webhook?ws=${a.tenant.workspaceId}&call=${res.json().id}`,
    });
    expect(t.status).toBe(403);
    const still = (await getCall(a.tenant.token, res.json().id)).json();
    expect(still.status).toBe("queued");
    expect(still.carrierEvents.map((e: { kind: string }) => e.kind)).toEqual(["outbound"]);
    expect((await getCall(b.tenant.token, res.json().id)).statusCode).toBe(404);
    const listed = await h.app.inject({ url: "/v1/calls", headers: { authorization: `Bearer ${b.tenant.token}` } });
    expect(listed.json().data.map((c: { id: string }) => c.id)).not.toContain(res.json().id);
    // The real callback, signed by the workspace's token, is applied once; its replay is refused.
    const signed = twilioSdk.getExpectedTwilioSignature(account.authToken, `${PUBLIC_BASE}${path}`, form);
    expect((await post(path, signed)).status).toBe(204);
    expect((await post(path, signed)).status).toBe(403);
    expect((await getCall(a.tenant.token, res.json().id)).json()).toMatchObject({ status: "completed", durationSec: 30 });
  });
});
