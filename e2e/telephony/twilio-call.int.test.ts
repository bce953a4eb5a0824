import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechAvailability } from "@orbis/providers";
import { tenantScope } from "@orbis/db";
import { PUBLIC_BASE, startPhoneGateway, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { placeTwilioCall } from "./twilio-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const speech = speechAvailability();
describe.runIf(speech.stt)("a full emulated Twilio call with real speech (flite → μ-law 8 kHz → band fill → pocketsphinx)", () => {
  let h: PhoneHarness;
  beforeAll(async () => {
    h = await startPhoneGateway();
  });
  afterAll(() => h?.close());

  it("greeting heard, booking made, clear on barge-in, hang-up closes the call row with duration", { timeout: 180_000, retry: 2 }, async () => {
    // Retried (each attempt on a fresh tenant): over 8 kHz μ-law, pocketsphinx now and then hears a
    // short confirmation as something else ("yes please" → "next week" in runs of 2026-12-01/02), and
    // the script has one spare "yes please", not two.
    const { tenant, account, number } = await twilioTenant(h);
    const lines: string[] = [];
    const result = await placeTwilioCall(account, {
      localBase: h.localBase,
      publicBase: PUBLIC_BASE,
      from: "+12125550123",
      to: number,
      log: (l) => lines.push(l),
      steps: [
        { say: "i would like to book a cleaning next tuesday afternoon" },
        { say: "the first one" },
        { say: "my name is james smith" },
        // The agent offers the caller ID; confirming it keeps the test off 10-digit strings, which the
        // 8 kHz path recognises with a few % word errors (docs/protocols.md, "Phone audio") — one wrong digit would flake.
        { say: "yes please" },
        { say: "yes please" },
        { say: "what services do you offer", bargeInAfterMs: 900 },
      ],
    });
    expect(result.shapeErrors, lines.join("\n")).toEqual([]);
    expect(result.greetingMs, lines.join("\n")).toBeGreaterThan(1000);
    expect(result.clears, lines.join("\n")).toBeGreaterThanOrEqual(1);
    expect(result.marksEchoed).toBeGreaterThan(0);

    const scope = tenantScope(h.db, tenant.workspaceId);
    const call = (await scope.callEvents.findCall("twilio", result.callSid))!;
    const booked = await h.app.inject({ url: "/v1/appointments", headers: { authorization: `Bearer ${tenant.token}` } });
    const turns = await scope.calls.turns(call.id);
    const transcript = turns
      .map((t) => `caller: ${t.userText ?? ""} | agent: ${t.agentText ?? ""}${t.interrupted ? ` [heard: ${t.heardText ?? ""}]` : ""}`)
      .join("\n");
    expect(turns[0]!.agentText, transcript).toMatch(/thank you for calling|riverside|dental/i);
    expect(booked.json().data, `${transcript}\n${lines.join("\n")}`).toHaveLength(1);
    // Names over 8 kHz audio are recognised with errors ("james smith" → "james may"); the name is not what this test is about.
    expect(booked.json().data[0]).toMatchObject({ customerName: expect.stringMatching(/\w/), customerPhone: "+12125550123", callId: call.id });
    const cut = turns.find((t) => t.interrupted);
    expect(cut, transcript).toBeDefined();
    expect(cut!.agentText!.length).toBeGreaterThan((cut!.heardText ?? "").length);

    await sleep(300);
    const closed = (await scope.calls.get(call.id))!;
    expect(closed).toMatchObject({ status: "completed", channel: "twilio", caller: "+12125550123", callee: number, providerCallId: result.callSid });
    expect(closed.durationSec).toBeGreaterThan(10);
    const events = await scope.callEvents.list(call.id);
    expect(events.map((e) => e.status)).toContain("completed");
  });
});
