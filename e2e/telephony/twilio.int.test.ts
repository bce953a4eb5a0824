import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import twilio from "twilio";
import { tenantScope } from "@orbis/db";
import { echoPipeline } from "@orbis/gateway";
import { PUBLIC_BASE, startPhoneGateway, twilioTenant, type PhoneHarness } from "./phone-harness.ts";
import { postTwilioForm, type TwilioAccount } from "./twilio-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("X-Twilio-Signature: Twilio's published test vectors (docs/protocols.md)", () => {
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  it.each([
    ["+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="],
    ["+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="],
  ])("Caller/From %s → %s", (from, expected) => {
    const params = { CallSid: "CA1234567890ABCDE", Caller: from, Digits: "1234", From: from, To: "+18005551212" };
    expect(twilio.getExpectedTwilioSignature("12345", url, params)).toBe(expected);
    expect(twilio.validateRequest("12345", expected, url, params)).toBe(true);
    expect(twilio.validateRequest("12346", expected, url, params)).toBe(false);
  });
});

describe("Twilio webhooks and media stream (echo pipeline)", () => {
  let h: PhoneHarness;
  let account: TwilioAccount;
  let number = "";
  let workspaceId = "";
  beforeAll(async () => {
    h = await startPhoneGateway({ pipeline: echoPipeline });
    const t = await twilioTenant(h);
    ({ account, number } = t);
    workspaceId = t.tenant.workspaceId;
  });
  afterAll(() => h?.close());

  const form = (callSid: string) => ({
    AccountSid: account.accountSid,
    CallSid: callSid,
    CallStatus: "ringing",
    From: "+12125550100",
    To: number,
    Direction: "inbound",
  });
  const voice = (params: Record<string, string>, signature?: string) =>
    postTwilioForm(account, {
      localBase: h.localBase,
      publicBase: PUBLIC_BASE,
      path: "/v1/telephony/twilio/voice",
      params,
      ...(signature ? { signature } : {}),
    });

  it("a valid signature answers <Connect><Stream> with a signed <Parameter> and no query string; the call is ringing", async () => {
    const res = await voice(form("CA00000000000000000000000000000001"));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Connect><Stream url="wss:\/\/voice\.example\.test\/v1\/telephony\/twilio\/media"><Parameter name="token" value="[^"?]+"\/><\/Stream><\/Connect><\/Response>$/,
    );
    const call = await tenantScope(h.db, workspaceId).callEvents.findCall("twilio", "CA00000000000000000000000000000001");
    expect(call).toMatchObject({ status: "ringing", channel: "twilio", caller: "+12125550100", callee: number });
  });

  it("forged, replayed, wrong-account and unsigned webhooks are refused", async () => {
    const params = form("CA00000000000000000000000000000002");
    expect((await voice(params, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).status).toBe(403);
    expect(
      (
        await voice(
          { ...params, From: "+19995550100" },
          twilio.getExpectedTwilioSignature(account.authToken, `${PUBLIC_BASE}/v1/telephony/twilio/voice`, params),
        )
      ).status,
    ).toBe(403);
    expect((await voice(params)).status).toBe(200);
    expect((await voice(params)).status).toBe(403);
    const other = { ...form("CA00000000000000000000000000000003"), AccountSid: `AC${"f".repeat(32)}` };
    expect((await voice(other)).status).toBe(403);
    const unsigned = await fetch(`${h.localBase}/v1/telephony/twilio/voice`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form("CA4")).toString(),
    });
    expect(unsigned.status).toBe(403);
    // Signed against our bind address instead of the public URL Twilio uses: refused.
    const local = twilio.getExpectedTwilioSignature(account.authToken, `${h.localBase}/v1/telephony/twilio/voice`, form("CA5"));
    expect((await voice(form("CA5"), local)).status).toBe(403);
  });

  it("an unknown number gets a polite <Say> and <Hangup>", async () => {
    const res = await voice({ ...form("CA6"), To: "+18885550000" });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<Say>[^<]+<\/Say><Hangup\/>/);
  });

  it("malformed frames, unknown events, binary frames and media before start do not break the call", async () => {
    const callSid = "CA00000000000000000000000000000007";
    const twiml = (await voice(form(callSid))).body;
    const url = /<Stream url="([^"]+)"/.exec(twiml)![1]!;
    const token = /value="([^"]+)"/.exec(twiml)![1]!;
    const ws = new WebSocket(`${h.localBase.replace("http", "ws")}/v1/telephony/twilio/media`, {
      headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(account.authToken, url, {}) },
    });
    const got: { event: string }[] = [];
    ws.on("message", (d) => got.push(JSON.parse(d.toString()) as { event: string }));
    await new Promise((r) => ws.once("open", r));
    const mulaw = Buffer.alloc(160, 0x7f).toString("base64");
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send("not json {");
    ws.send(JSON.stringify({ event: "bogus", streamSid: "MZ1" }));
    ws.send(JSON.stringify({ event: "media", sequenceNumber: "1", streamSid: "MZ1", media: { track: "inbound", chunk: "1", timestamp: "0", payload: mulaw } }));
    ws.send(JSON.stringify({ event: "media", streamSid: "MZ1" }));
    ws.send(
      JSON.stringify({
        event: "start",
        sequenceNumber: "2",
        streamSid: "MZ1",
        start: {
          accountSid: account.accountSid,
          streamSid: "MZ1",
          callSid,
          tracks: ["inbound"],
          mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
          customParameters: { token },
        },
      }),
    );
    for (let i = 2; i < 40; i++)
      ws.send(
        JSON.stringify({
          event: "media",
          sequenceNumber: String(i + 1),
          streamSid: "MZ1",
          media: { track: "inbound", chunk: String(i), timestamp: String(i * 20), payload: i === 5 ? "%%%" : mulaw },
        }),
      );
    ws.send(JSON.stringify({ event: "dtmf", streamSid: "MZ1", sequenceNumber: "50", dtmf: { track: "inbound_track", digit: "X" } }));
    await sleep(1500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // The echo pipeline sends our audio back: media frames with the stream's sid, marks between them.
    const media = got.filter((m) => m.event === "media");
    expect(media.length).toBeGreaterThan(10);
    expect(got.some((m) => m.event === "mark")).toBe(true);
    ws.send(JSON.stringify({ event: "stop", sequenceNumber: "60", streamSid: "MZ1", stop: { accountSid: account.accountSid, callSid } }));
    await new Promise((r) => ws.once("close", r));
    await sleep(200);
    const call = await tenantScope(h.db, workspaceId).callEvents.findCall("twilio", callSid);
    expect(call).toMatchObject({ status: "completed", endReason: "caller_hangup" });
    expect(call!.answeredAt).not.toBeNull();
  });

  it("a stream with a token for another call, or a bad upgrade signature, is refused", async () => {
    const twiml = (await voice(form("CA00000000000000000000000000000008"))).body;
    const url = /<Stream url="([^"]+)"/.exec(twiml)![1]!;
    const token = /value="([^"]+)"/.exec(twiml)![1]!;
    const attempt = async (callSid: string, signature: string) => {
      const ws = new WebSocket(`${h.localBase.replace("http", "ws")}/v1/telephony/twilio/media`, { headers: { "x-twilio-signature": signature } });
      await new Promise((r) => ws.once("open", r));
      ws.send(
        JSON.stringify({
          event: "start",
          sequenceNumber: "1",
          streamSid: "MZ2",
          start: {
            accountSid: account.accountSid,
            streamSid: "MZ2",
            callSid,
            tracks: ["inbound"],
            mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
            customParameters: { token },
          },
        }),
      );
      return new Promise<number>((r) => ws.once("close", (code) => r(code)));
    };
    expect(await attempt("CA99999999999999999999999999999999", twilio.getExpectedTwilioSignature(account.authToken, url, {}))).toBe(1011);
    expect(await attempt("CA00000000000000000000000000000008", "forged=")).toBe(1011);
  });

  it("status callbacks record call_events once and close the call with the carrier's duration", async () => {
    const callSid = "CA00000000000000000000000000000009";
    await voice(form(callSid));
    const status = (s: Record<string, string>) =>
      postTwilioForm(account, { localBase: h.localBase, publicBase: PUBLIC_BASE, path: "/v1/telephony/twilio/status", params: { ...form(callSid), ...s } });
    expect((await status({ CallStatus: "in-progress", SequenceNumber: "1" })).status).toBe(204);
    expect((await status({ CallStatus: "completed", CallDuration: "42", SequenceNumber: "2" })).status).toBe(204);
    expect((await status({ CallStatus: "completed", CallDuration: "42", SequenceNumber: "2" })).status).toBe(403);
    const tenant = tenantScope(h.db, workspaceId);
    const call = await tenant.callEvents.findCall("twilio", callSid);
    expect(call).toMatchObject({ status: "completed", durationSec: 42 });
    const events = await tenant.callEvents.list(call!.id);
    expect(events.map((e) => e.status)).toEqual(["ringing", "in_progress", "completed"]);
    expect(events.every((e) => e.providerCallId === callSid)).toBe(true);
  });
});
