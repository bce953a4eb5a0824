import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import twilio from "twilio";
import { echoPipeline } from "@orbis/gateway";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { placeTelnyxCall, TelnyxEmulator } from "./telnyx-emulator.ts";
import { postTwilioForm, type TwilioAccount } from "./twilio-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One sample of the gateway's /metrics, e.g. value('orbis_phone_calls_total{carrier="twilio",status="completed"}'). */
async function scrape(h: PhoneHarness) {
  const text = (await h.app.inject({ url: "/metrics" })).body;
  return (series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
}

describe("per-carrier Prometheus metrics on /metrics (echo pipeline)", () => {
  let h: PhoneHarness;
  let telnyx: TelnyxEmulator;
  let account: TwilioAccount;
  let twilioNumber = "";
  beforeAll(async () => {
    telnyx = await TelnyxEmulator.start();
    h = await startPhoneGateway({ pipeline: echoPipeline, config: { telnyxApiUrl: telnyx.apiUrl } });
    ({ account, number: twilioNumber } = await twilioTenant(h));
  });
  afterAll(async () => {
    await h?.close();
    await telnyx?.close();
  });

  it("a Twilio call with bad frames moves the call and frame counters; a refused stream counts as refused", { timeout: 60_000 }, async () => {
    const before = await scrape(h);
    const callSid = `CA${"3".repeat(32)}`;
    const form = { AccountSid: account.accountSid, CallSid: callSid, CallStatus: "ringing", From: "+12125550100", To: twilioNumber, Direction: "inbound" };
    const twiml = (await postTwilioForm(account, { localBase: h.localBase, publicBase: PUBLIC_BASE, path: "/v1/telephony/twilio/voice", params: form })).body;
    const url = /<Stream url="([^"]+)"/.exec(twiml)![1]!;
    const token = /value="([^"]+)"/.exec(twiml)![1]!;
    const open = async (signature: string) => {
      const ws = new WebSocket(`${h.localBase.replace("http", "ws")}/v1/telephony/twilio/media`, { headers: { "x-twilio-signature": signature } });
      await new Promise((r) => ws.once("open", r));
      return ws;
    };
    const start = {
      event: "start",
      sequenceNumber: "1",
      streamSid: "MZ3",
      start: {
        accountSid: account.accountSid,
        streamSid: "MZ3",
        callSid,
        tracks: ["inbound"],
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        customParameters: { token },
      },
    };
    // A stream with a forged upgrade signature is refused.
    const forged = await open("forged=");
    forged.send(JSON.stringify(start));
    await new Promise((r) => forged.once("close", r));

    const ws = await open(twilio.getExpectedTwilioSignature(account.authToken, url, {}));
    const mulaw = Buffer.alloc(160, 0xff).toString("base64");
    const media = (chunk: number, payload = mulaw) =>
      JSON.stringify({
        event: "media",
        sequenceNumber: String(chunk + 1),
        streamSid: "MZ3",
        media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload },
      });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send("not json {");
    ws.send(JSON.stringify({ event: "bogus", streamSid: "MZ3" }));
    ws.send(media(1));
    ws.send(JSON.stringify(start));
    await sleep(300);
    for (let i = 2; i <= 60; i++) {
      ws.send(media(i, i === 10 ? Buffer.alloc(80).toString("base64") : mulaw));
      if (i === 30) ws.send(media(3)); // far behind playout: late
      await sleep(20);
    }
    ws.send(JSON.stringify({ event: "stop", sequenceNumber: "99", streamSid: "MZ3", stop: { accountSid: account.accountSid, callSid } }));
    await new Promise((r) => ws.once("close", r));
    await sleep(500);

    const after = await scrape(h);
    const delta = (series: string) => after(series) - before(series);
    const frames = (kind: string) => delta(`orbis_phone_inbound_frames_total{carrier="twilio",kind="${kind}"}`);
    expect(delta('orbis_phone_calls_total{carrier="twilio",status="completed"}')).toBe(1);
    expect(delta('orbis_phone_calls_total{carrier="twilio",status="refused"}')).toBe(1);
    expect(frames("invalid")).toBe(2);
    expect(frames("binary")).toBe(1);
    expect(frames("before_start")).toBe(1);
    expect(frames("bad_media")).toBe(1);
    expect(frames("late")).toBe(1);
    expect(frames("received")).toBeGreaterThanOrEqual(55);
    expect(delta('orbis_phone_jitter_delay_ms_count{carrier="twilio"}')).toBeGreaterThan(20);
    expect(delta('orbis_phone_jitter_target_frames_count{carrier="twilio"}')).toBeGreaterThanOrEqual(1);
  });

  it(
    "Telnyx calls are counted under their own carrier; a call the carrier ends while ringing is counted by the webhook side",
    { timeout: 60_000 },
    async () => {
      const before = await scrape(h);
      const { number } = await telnyxTenant(h, telnyx.account);
      const result = await placeTelnyxCall(telnyx, {
        localBase: h.localBase,
        from: "+12125550123",
        to: number,
        steps: [],
        hangUpAfterMs: 2000,
        turnTimeoutMs: 1,
      });
      expect(result.shapeErrors).toEqual([]);
      // Twilio: a call that was never answered (no-answer status while ringing).
      const callSid = `CA${"4".repeat(32)}`;
      const form = { AccountSid: account.accountSid, CallSid: callSid, CallStatus: "ringing", From: "+12125550100", To: twilioNumber, Direction: "inbound" };
      await postTwilioForm(account, { localBase: h.localBase, publicBase: PUBLIC_BASE, path: "/v1/telephony/twilio/voice", params: form });
      await postTwilioForm(account, {
        localBase: h.localBase,
        publicBase: PUBLIC_BASE,
        path: "/v1/telephony/twilio/status",
        params: { ...form, CallStatus: "no-answer", SequenceNumber: "1" },
      });
      await sleep(300);

      const after = await scrape(h);
      const delta = (series: string) => after(series) - before(series);
      expect(delta('orbis_phone_calls_total{carrier="telnyx",status="completed"}')).toBe(1);
      expect(delta('orbis_phone_calls_total{carrier="twilio",status="no_answer"}')).toBe(1);
      // The Telnyx call's later call.hangup does not count it a second time.
      expect(delta('orbis_phone_calls_total{carrier="twilio",status="completed"}')).toBe(0);
      expect(delta('orbis_phone_inbound_frames_total{carrier="telnyx",kind="received"}')).toBeGreaterThan(50);
      expect(delta('orbis_phone_jitter_delay_ms_count{carrier="telnyx"}')).toBeGreaterThan(50);
    },
  );
});
