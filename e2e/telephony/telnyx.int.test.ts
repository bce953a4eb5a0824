import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { telnyxOutboundSchema } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { echoPipeline } from "@orbis/gateway";
import { startPhoneGateway, telnyxTenant, type PhoneHarness } from "./phone-harness.ts";
import { postTelnyxWebhook, telnyxEvent, TelnyxEmulator } from "./telnyx-emulator.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Telnyx media stream (echo pipeline)", () => {
  let h: PhoneHarness;
  let emu: TelnyxEmulator;
  let number = "";
  let workspaceId = "";
  beforeAll(async () => {
    emu = await TelnyxEmulator.start();
    h = await startPhoneGateway({ pipeline: echoPipeline, config: { telnyxApiUrl: emu.apiUrl } });
    const t = await telnyxTenant(h, emu.account);
    number = t.number;
    workspaceId = t.tenant.workspaceId;
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  /** Rings a call and returns the stream URL our answer command carried (mapped to the local port). */
  const ring = async (ccid: string) => {
    emu.calls.set(ccid, { ended: false });
    const res = await postTelnyxWebhook(
      emu.account,
      h.localBase,
      telnyxEvent("call.initiated", {
        call_control_id: ccid,
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        client_state: null,
        direction: "incoming",
        from: "+12125550100",
        to: number,
        state: "parked",
      }),
    );
    expect(res.status).toBe(200);
    const answer = emu.commands.find((c) => c.callControlId === ccid && c.action === "answer");
    expect(answer).toBeDefined();
    return String(answer!.body.stream_url).replace(/^wss:\/\/[^/]+/, h.localBase.replace(/^http/, "ws"));
  };
  const start = (ccid: string) =>
    JSON.stringify({
      event: "start",
      sequence_number: "1",
      stream_id: "S1",
      start: { call_control_id: ccid, client_state: "", from: "+12125550100", to: number, media_format: { encoding: "PCMU", sample_rate: 8000, channels: 1 } },
    });
  const media = (chunk: number, payload = Buffer.alloc(160, 0x7f).toString("base64")) =>
    JSON.stringify({
      event: "media",
      sequence_number: String(chunk + 1),
      stream_id: "S1",
      media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload },
    });
  const metric = async (series: string) => {
    const line = (await h.app.inject({ url: "/metrics" })).body.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it(
    "bad frames are skipped, out-of-order chunks are reordered without loss, the agent's frames have Telnyx's shape, stop completes the call",
    { timeout: 30_000 },
    async () => {
      const ccid = `v3:${randomUUID()}`;
      const lostBefore = await metric('orbis_phone_inbound_frames_total{carrier="telnyx",kind="lost"}');
      const lateBefore = await metric('orbis_phone_inbound_frames_total{carrier="telnyx",kind="late"}');
      const ws = new WebSocket(await ring(ccid));
      const got: unknown[] = [];
      ws.on("message", (d: Buffer) => got.push(JSON.parse(d.toString())));
      await new Promise((r) => ws.once("open", r));
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      ws.send("not json {");
      ws.send(JSON.stringify({ event: "bogus", stream_id: "S1" }));
      ws.send(media(1));
      ws.send(JSON.stringify({ event: "connected", version: "1.0.0" }));
      ws.send(start(ccid));
      await sleep(300);
      // The first chunk in order, then pairs swapped on the wire: 4,3,6,5,…; one bad payload; a carrier error event in between.
      ws.send(media(2));
      for (let i = 3; i < 60; i += 2) {
        ws.send(media(i + 1));
        ws.send(media(i, i === 11 ? "%%%" : undefined));
        if (i === 21) ws.send(JSON.stringify({ event: "error", stream_id: "S1", payload: { code: 100003, title: "malformed_frame", detail: "x" } }));
        await sleep(40);
      }
      ws.send(JSON.stringify({ event: "dtmf", stream_id: "S1", sequence_number: "90", dtmf: { digit: "X" } }));
      await sleep(800);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      const shapes = got.map((m) => telnyxOutboundSchema.safeParse(m).success);
      expect(shapes.every(Boolean)).toBe(true);
      expect(got.filter((m) => (m as { event: string }).event === "media").length).toBeGreaterThan(10);
      expect(got.some((m) => (m as { event: string }).event === "mark")).toBe(true);
      ws.send(JSON.stringify({ event: "stop", sequence_number: "99", stream_id: "S1", stop: { call_control_id: ccid } }));
      await new Promise((r) => ws.once("close", r));
      await sleep(300);
      // Only the one frame whose payload was not μ-law went missing; every swapped pair was put back in order.
      expect((await metric('orbis_phone_inbound_frames_total{carrier="telnyx",kind="lost"}')) - lostBefore).toBe(1);
      expect((await metric('orbis_phone_inbound_frames_total{carrier="telnyx",kind="late"}')) - lateBefore).toBe(0);
      const call = await tenantScope(h.db, workspaceId).callEvents.findCall("telnyx", ccid);
      expect(call).toMatchObject({ status: "completed", endReason: "caller_hangup", channel: "telnyx" });
    },
  );

  it("a stream whose start names another call, or with no token, is refused", { timeout: 30_000 }, async () => {
    const ccid = `v3:${randomUUID()}`;
    const url = await ring(ccid);
    const attempt = async (streamUrl: string, startCcid: string) => {
      const ws = new WebSocket(streamUrl);
      await new Promise((r) => ws.once("open", r));
      ws.send(start(startCcid));
      return new Promise<number>((r) => ws.once("close", (code) => r(code)));
    };
    expect(await attempt(url, `v3:${randomUUID()}`)).toBe(1011);
    expect(await attempt(url.replace(/\?token=.*$/, ""), ccid)).toBe(1011);
    expect(await attempt(url.replace(/token=[^&]+/, "token=forged.token"), ccid)).toBe(1011);
    const call = await tenantScope(h.db, workspaceId).callEvents.findCall("telnyx", ccid);
    expect(call).toMatchObject({ status: "ringing" });
  });
});
