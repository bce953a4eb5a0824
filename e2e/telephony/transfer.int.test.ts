import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { tenantScope } from "@orbis/db";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioAccount, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { placeTelnyxCall, TelnyxEmulator } from "./telnyx-emulator.ts";
import { placeTwilioCall, type TwilioAccount } from "./twilio-emulator.ts";
import { TwilioRestEmulator } from "./twilio-rest-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// "Press 0 for a person": the receptionist says it will transfer, then fires transfer_call. DTMF keeps
// the script free of recognition errors; the greeting and the hand-off sentence are real flite speech.
const speech = speechAvailability();
describe.runIf(speech.stt)("transfer_call on a phone call hands the live call to the escalation number", () => {
  let h: PhoneHarness;
  let rest: TwilioRestEmulator;
  let telnyx: TelnyxEmulator;
  let account: TwilioAccount;
  beforeAll(async () => {
    account = twilioAccount();
    rest = await TwilioRestEmulator.start(account);
    telnyx = await TelnyxEmulator.start();
    h = await startPhoneGateway({ config: { twilioApiUrl: rest.url, telnyxApiUrl: telnyx.apiUrl } });
  });
  afterAll(async () => {
    await h?.close();
    await rest?.close();
    await telnyx?.close();
  });

  it("Twilio: the call is updated through the REST API with <Dial> to the number's escalation number", { timeout: 120_000 }, async () => {
    const { tenant, number } = await twilioTenant(h, { account, escalationNumber: "+13125550100" });
    const lines: string[] = [];
    const result = await placeTwilioCall(account, {
      localBase: h.localBase,
      publicBase: PUBLIC_BASE,
      from: "+12125550123",
      to: number,
      rest,
      log: (l) => lines.push(l),
      steps: [{ say: "", dtmf: "0" }],
    });
    const log = lines.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    expect(rest.rejected, log).toEqual([]);
    const dial = '<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+13125550100</Dial></Response>';
    // Basic auth and the form body were checked by the emulator; exactly one update, for this call.
    expect(rest.updates, log).toEqual([{ accountSid: account.accountSid, callSid: result.callSid, form: { Twiml: dial } }]);
    expect(result.redirectedTo).toBe(dial);

    await sleep(300);
    const scope = tenantScope(h.db, tenant.workspaceId);
    const call = (await scope.callEvents.findCall("twilio", result.callSid))!;
    expect(call).toMatchObject({ status: "completed", endReason: "transfer" });
    const turns = await scope.calls.turns(call.id);
    expect(turns.map((t) => t.agentText ?? "").join(" ")).toMatch(/transfer you/i);
    const events = await scope.callEvents.list(call.id);
    expect(events.find((e) => e.kind === "transfer")).toMatchObject({
      status: "transferred",
      providerCallId: result.callSid,
      detail: { to: "+13125550100", twiml: dial },
    });
  });

  it("a transfer the carrier refuses (wrong credentials) is recorded as failed; the call still ends", { timeout: 120_000 }, async () => {
    const other = await twilioTenant(h, { escalationNumber: "+13125550100" });
    const lines: string[] = [];
    const result = await placeTwilioCall(other.account, {
      localBase: h.localBase,
      publicBase: PUBLIC_BASE,
      from: "+12125550123",
      to: other.number,
      rest,
      log: (l) => lines.push(l),
      steps: [{ say: "", dtmf: "0" }],
    });
    expect(result.redirectedTo, lines.join("\n")).toBeUndefined();
    expect(rest.rejected.some((r) => r.status === 401 && r.path.includes(result.callSid))).toBe(true);
    await sleep(300);
    const scope = tenantScope(h.db, other.tenant.workspaceId);
    const call = (await scope.callEvents.findCall("twilio", result.callSid))!;
    expect(call).toMatchObject({ status: "completed", endReason: "transfer" });
    const events = await scope.callEvents.list(call.id);
    expect(events.find((e) => e.kind === "transfer")).toMatchObject({
      status: "failed",
      detail: { to: "+13125550100", error: expect.stringMatching(/authenticate/i) },
    });
  });

  it("Telnyx: the transfer command goes to the business's escalation number", { timeout: 120_000 }, async () => {
    const { tenant, number } = await telnyxTenant(h, telnyx.account);
    const lines: string[] = [];
    const result = await placeTelnyxCall(telnyx, {
      localBase: h.localBase,
      from: "+12125550123",
      to: number,
      log: (l) => lines.push(l),
      steps: [{ say: "", dtmf: "0" }],
    });
    const log = lines.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    expect(telnyx.shapeErrors, log).toEqual([]);
    expect(result.stoppedBy, log).toBe("transfer");
    const transfers = telnyx.commands.filter((c) => c.callControlId === result.callControlId && c.action === "transfer");
    // The dental template's escalation phone: the number has none of its own.
    expect(transfers).toEqual([
      {
        callControlId: result.callControlId,
        action: "transfer",
        authorization: `Bearer ${telnyx.account.apiKey}`,
        body: { to: "+12125550199", command_id: expect.stringMatching(/^transfer-call_/) },
      },
    ]);

    await sleep(300);
    const scope = tenantScope(h.db, tenant.workspaceId);
    const call = (await scope.callEvents.findCall("telnyx", result.callControlId))!;
    expect(call).toMatchObject({ status: "completed", endReason: "transfer" });
    const events = await scope.callEvents.list(call.id);
    expect(events.find((e) => e.kind === "transfer")).toMatchObject({ status: "transferred", detail: { to: "+12125550199" } });
    expect(events.map((e) => e.kind)).toContain("call.hangup");
  });
});
