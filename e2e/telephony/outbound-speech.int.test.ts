import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { tenantScope } from "@orbis/db";
import { twilioCallee, telnyxCallee, type Callee, type CalleeResult } from "./outbound-callee.ts";
import { startPhoneGateway, telnyxTenant, twilioAccount, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { TelnyxEmulator } from "./telnyx-emulator.ts";
import { TwilioRestEmulator } from "./twilio-rest-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VOICEMAIL_GREETING = "Hi, you have reached Sam. I can't come to the phone right now, please leave a message after the tone.";
const account = twilioAccount();
let h: PhoneHarness;
let rest: TwilioRestEmulator;
let telnyx: TelnyxEmulator;

/**
 * Outbound calls with real audio both ways (flite → μ-law 8 kHz; the agent's offline speech stack):
 * the API places the call through the official SDK, the emulator rings, answers and opens the media
 * stream, the callee says "Hello?" (or a voicemail greets and beeps), and what the agent does is heard.
 */
describe.runIf(speechAvailability().stt)("outbound calls over the emulated carriers with real audio", () => {
  beforeAll(async () => {
    rest = await TwilioRestEmulator.start(account);
    telnyx = await TelnyxEmulator.start();
    h = await startPhoneGateway({ config: { twilioApiUrl: rest.url, telnyxApiUrl: telnyx.apiUrl } });
  });
  afterAll(async () => {
    await h?.close();
    await rest?.close();
    await telnyx?.close();
  });

  const place = (token: string, payload: object) => h.app.inject({ method: "POST", url: "/v1/calls", headers: { authorization: `Bearer ${token}` }, payload });
  const twilioAnswers = (callee: Callee) =>
    new Promise<CalleeResult>((resolve, reject) => {
      rest.onPlaced = (call) => twilioCallee(account, call, { localBase: h.localBase, callee }).then(resolve, reject);
    });
  const telnyxAnswers = (callee: Callee) =>
    new Promise<CalleeResult>((resolve, reject) => {
      telnyx.onDial = (dial) => telnyxCallee(telnyx, dial, { localBase: h.localBase, callee }).then(resolve, reject);
    });
  async function finalCall(workspaceId: string, id: string) {
    const scope = tenantScope(h.db, workspaceId);
    for (let i = 0; i < 60; i++) {
      const c = await scope.calls.get(id);
      if (c && ["completed", "failed", "busy", "no_answer"].includes(c.status)) return c;
      await sleep(100);
    }
    return scope.calls.get(id);
  }

  it("Twilio: a person answers — the templated opening is heard, their reply is a stored turn, the call completes", { timeout: 60_000 }, async () => {
    const { tenant, number } = await twilioTenant(h, { account });
    const answered = twilioAnswers({ kind: "human", greeting: "Hello?", steps: [{ say: "no thank you goodbye" }] });
    const res = await place(tenant.token, {
      agentId: tenant.agentId,
      to: "+12125550150",
      from: number,
      variables: { name: "Sam" },
      opening: "Hi {{name}}, this is {{business}} calling about your appointment.",
    });
    expect(res.statusCode, res.body).toBe(202);
    const result = await answered;
    const log = result.log.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    expect(result.openingMs, log).toBeGreaterThan(1500);
    expect(result.agentPeak ?? 0, log).toBeGreaterThan(2000);
    const call = (await finalCall(tenant.workspaceId, res.json().id))!;
    expect(call).toMatchObject({ status: "completed", direction: "outbound", callee: "+12125550150", providerCallId: result.providerCallId });
    expect(call.metadata).toMatchObject({ amd: { result: "human", source: "orbis", reason: "short_greeting" } });
    const turns = await tenantScope(h.db, tenant.workspaceId).calls.turns(call.id);
    expect(turns[0]!.agentText, log).toMatch(/^Hi Sam, this is .+ calling about your appointment\.$/);
    expect(turns[0]!.agentText).not.toContain("{{");
    expect(
      turns.slice(1).some((t) => (t.userText ?? "").length > 0 && (t.agentText ?? "").length > 0),
      JSON.stringify(turns),
    ).toBe(true);
  });

  it("Telnyx: a person answers — opening heard, reply stored, streaming_start through the SDK, call.hangup completes it", { timeout: 60_000 }, async () => {
    const { tenant, number } = await telnyxTenant(h, telnyx.account);
    telnyx.numbers.set(number, "1684641123236054245");
    const answered = telnyxAnswers({ kind: "human", greeting: "Hello?", steps: [{ say: "no thank you goodbye" }] });
    const res = await place(tenant.token, {
      agentId: tenant.agentId,
      to: "+13125550150",
      from: number,
      variables: { name: "Ana" },
      opening: "Hi {{name}}, this is {{business}}.",
    });
    expect(res.statusCode, res.body).toBe(202);
    const result = await answered;
    const log = result.log.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    expect(telnyx.shapeErrors).toEqual([]);
    expect(result.openingMs, log).toBeGreaterThan(1000);
    expect(telnyx.commands.find((c) => c.action === "streaming_start" && c.callControlId === result.providerCallId)).toMatchObject({
      authorization: `Bearer ${telnyx.account.apiKey}`,
      body: { stream_bidirectional_mode: "rtp", stream_codec: "PCMU" },
    });
    const call = (await finalCall(tenant.workspaceId, res.json().id))!;
    expect(call).toMatchObject({ status: "completed", direction: "outbound", channel: "telnyx" });
    const turns = await tenantScope(h.db, tenant.workspaceId).calls.turns(call.id);
    expect(turns[0]!.agentText).toMatch(/^Hi Ana, this is /);
    expect(turns.length, JSON.stringify(turns)).toBeGreaterThan(1);
  });

  it("Twilio: a voicemail answers — detected as a machine, the message is left after the beep, then the agent hangs up", { timeout: 60_000 }, async () => {
    const { tenant, number } = await twilioTenant(h, { account });
    const answered = twilioAnswers({ kind: "machine", greeting: VOICEMAIL_GREETING, beepHz: 1000 });
    const res = await place(tenant.token, {
      agentId: tenant.agentId,
      to: "+12125550151",
      from: number,
      variables: { name: "Sam" },
      machineDetection: "voicemail",
      voicemailMessage: "Hi {{name}}, this is {{business}}. Please call us back.",
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(rest.placed.at(-1)!.form).toMatchObject({ MachineDetection: "DetectMessageEnd", AsyncAmd: "true" });
    const result = await answered;
    const log = result.log.join("\n");
    expect(result.openingMs, `the voicemail after the beep\n${log}`).toBeGreaterThan(1500);
    expect(result.agentHungUp, log).toBe(true);
    const call = (await finalCall(tenant.workspaceId, res.json().id))!;
    expect(call.metadata).toMatchObject({ amd: { result: "machine", source: "orbis", voicemail: { cue: "beep" } } });
    const turns = await tenantScope(h.db, tenant.workspaceId).calls.turns(call.id);
    expect(turns[0]!.agentText).toMatch(/^Hi Sam, this is .+\. Please call us back\.$/);
    expect(call.endReason).toBe("agent_ended");
  });

  it("Telnyx: the carrier's AMD says machine first, mode hangup — nothing is said, the call ends", { timeout: 30_000 }, async () => {
    const { tenant, number } = await telnyxTenant(h, telnyx.account);
    telnyx.numbers.set(number, "1684641123236054246");
    const answered = telnyxAnswers({ kind: "machine", greeting: VOICEMAIL_GREETING, carrierAmd: "machine" });
    const res = await place(tenant.token, { agentId: tenant.agentId, to: "+13125550151", from: number, machineDetection: "hangup" });
    expect(res.statusCode, res.body).toBe(202);
    const result = await answered;
    expect(telnyx.dials.at(-1)).toMatchObject({ answering_machine_detection: "detect" });
    expect(result.agentHungUp, result.log.join("\n")).toBe(true);
    expect(result.frameTimes).toHaveLength(0);
    const call = (await finalCall(tenant.workspaceId, res.json().id))!;
    expect(call.metadata).toMatchObject({ amd: { result: "machine", source: "carrier" } });
    expect(call.status).toBe("completed");
  });
});
