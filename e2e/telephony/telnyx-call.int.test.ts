import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { tenantScope } from "@orbis/db";
import { startPhoneGateway, telnyxTenant, type PhoneHarness } from "./phone-harness.ts";
import { placeTelnyxCall, TelnyxEmulator } from "./telnyx-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const speech = speechAvailability();
describe.runIf(speech.stt)("a full emulated Telnyx call with real speech (flite → PCMU 8 kHz → band fill → pocketsphinx)", () => {
  let h: PhoneHarness;
  let emu: TelnyxEmulator;
  beforeAll(async () => {
    emu = await TelnyxEmulator.start();
    h = await startPhoneGateway({ config: { telnyxApiUrl: emu.apiUrl } });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it("greeting heard, booking made, clear on barge-in, call.hangup closes the call row with duration", { timeout: 180_000, retry: 2 }, async () => {
    // Retried (each attempt on a fresh tenant): over 8 kHz μ-law, pocketsphinx now and then hears a
    // short confirmation as something else ("yes please" → "next week" in runs of 2026-12-01/02), and
    // the script has one spare "yes please", not two.
    const { tenant, number } = await telnyxTenant(h, emu.account);
    const lines: string[] = [];
    const result = await placeTelnyxCall(emu, {
      localBase: h.localBase,
      from: "+12125550123",
      to: number,
      log: (l) => lines.push(l),
      // The same script as the Twilio call: phrases the 8 kHz path recognises reliably, the caller ID confirmed.
      steps: [
        { say: "i would like to book a cleaning next tuesday afternoon" },
        { say: "the first one" },
        { say: "my name is james smith" },
        { say: "yes please" },
        { say: "yes please" },
        { say: "what services do you offer", bargeInAfterMs: 900 },
      ],
    });
    const log = lines.join("\n");
    expect(result.shapeErrors, log).toEqual([]);
    expect(emu.shapeErrors, log).toEqual([]);
    // Our answer went to the Call Control API through the SDK, authenticated with the workspace's key.
    const answer = emu.commands.find((c) => c.callControlId === result.callControlId && c.action === "answer");
    expect(answer).toMatchObject({
      authorization: `Bearer ${emu.account.apiKey}`,
      body: { stream_bidirectional_mode: "rtp", stream_bidirectional_codec: "PCMU", stream_codec: "PCMU" },
    });
    expect(result.answer!.stream_url).toMatch(/^wss:\/\/voice\.example\.test\/v1\/telephony\/telnyx\/media\?token=/);
    expect(result.greetingMs, log).toBeGreaterThan(1000);
    expect(result.clears, log).toBeGreaterThanOrEqual(1);
    expect(result.marksEchoed).toBeGreaterThan(0);
    expect(result.stoppedBy).toBe("caller");

    const scope = tenantScope(h.db, tenant.workspaceId);
    const call = (await scope.callEvents.findCall("telnyx", result.callControlId))!;
    const booked = await h.app.inject({ url: "/v1/appointments", headers: { authorization: `Bearer ${tenant.token}` } });
    const turns = await scope.calls.turns(call.id);
    const transcript = turns
      .map((t) => `caller: ${t.userText ?? ""} | agent: ${t.agentText ?? ""}${t.interrupted ? ` [heard: ${t.heardText ?? ""}]` : ""}`)
      .join("\n");
    expect(turns[0]!.agentText, transcript).toMatch(/thank you for calling|riverside|dental/i);
    expect(booked.json().data, `${transcript}\n${log}`).toHaveLength(1);
    expect(booked.json().data[0]).toMatchObject({ customerName: expect.stringMatching(/\w/), customerPhone: "+12125550123", callId: call.id });
    const cut = turns.find((t) => t.interrupted);
    expect(cut, transcript).toBeDefined();
    expect(cut!.agentText!.length).toBeGreaterThan((cut!.heardText ?? "").length);

    await sleep(300);
    const closed = (await scope.calls.get(call.id))!;
    expect(closed).toMatchObject({ status: "completed", channel: "telnyx", caller: "+12125550123", callee: number, providerCallId: result.callControlId });
    expect(closed.durationSec).toBeGreaterThan(10);
    const events = await scope.callEvents.list(call.id);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["inbound", "answer_sent", "call.answered", "streaming.started", "streaming.stopped", "call.hangup"]),
    );
    expect(events.find((e) => e.kind === "call.hangup")).toMatchObject({ status: "completed", providerCallId: result.callControlId });
  });
});
