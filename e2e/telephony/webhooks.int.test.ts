import { createServer, type Server } from "node:http";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope } from "@orbis/db";
import { callStatusOf, createStreamTokens, TELNYX_TOLERANCE_SEC } from "@orbis/telephony";
import { createTenant, type Tenant } from "../calls/harness.ts";
import { startPhoneGateway, type PhoneHarness } from "./phone-harness.ts";

/** Loopback Telnyx Call Control: records commands, answers like the real API. */
function callControlEmulator() {
  const commands: { path: string; auth: string; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      commands.push({
        path: decodeURIComponent(req.url ?? ""),
        auth: req.headers.authorization ?? "",
        body: JSON.parse(body || "{}") as Record<string, unknown>,
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { result: "ok" } }));
    });
  });
  return { server, commands };
}

let t: PhoneHarness;
let a: Tenant;
let privateKey: KeyObject;
let publicKeyB64 = "";
const cc = callControlEmulator();
const number = "+13125550142";

beforeAll(async () => {
  await new Promise<void>((r) => cc.server.listen(0, "127.0.0.1", r));
  const port = (cc.server.address() as { port: number }).port;
  t = await startPhoneGateway({ config: { telnyxApiUrl: `http://127.0.0.1:${port}/v2` } });
  a = await createTenant(t);
  const agentId = a.agentId;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const keys = generateKeyPairSync("ed25519");
  privateKey = keys.privateKey;
  publicKeyB64 = keys.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
  expect(
    (
      await t.app.inject({
        method: "PUT",
        url: "/v1/credentials/telnyx",
        headers: bearer(a.token),
        payload: { apiKey: "KEYtelnyx0123456789", publicKey: publicKeyB64 },
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(a.token), payload: { number, provider: "telnyx", agentId } })).statusCode,
  ).toBe(201);
});
afterAll(async () => {
  await t.close();
  cc.server.close();
});

let eventN = 0;
const event = (type: string, ccid: string, extra: Record<string, unknown> = {}) => ({
  data: {
    record_type: "event",
    event_type: type,
    id: `evt-${eventN++}-${Date.now()}`,
    occurred_at: new Date().toISOString(),
    payload: {
      call_control_id: ccid,
      call_leg_id: "leg",
      call_session_id: "sess",
      direction: "incoming",
      from: "+12125550100",
      to: number,
      state: "parked",
      ...extra,
    },
  },
  meta: { attempt: 1, delivered_to: "https://voice.example.test/v1/telephony/telnyx/webhook" },
});
const deliver = (body: object, o: { ts?: number; key?: KeyObject; raw?: string } = {}) => {
  const raw = o.raw ?? JSON.stringify(body);
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(`${ts}|${raw}`), o.key ?? privateKey).toString("base64");
  return t.app.inject({
    method: "POST",
    url: "/v1/telephony/telnyx/webhook",
    headers: { "content-type": "application/json", "telnyx-signature-ed25519": signature, "telnyx-timestamp": ts },
    payload: raw,
  });
};

describe("Telnyx webhook (ed25519, docs/protocols.md)", () => {
  it("call.initiated → call row ringing, answer with bidirectional RTP PCMU streaming to our media socket", async () => {
    const res = await deliver(event("call.initiated", "v3:call-1"));
    expect(res.statusCode, res.body).toBe(200);
    const answer = cc.commands.find((c) => c.path === `/v2/calls/v3:call-1/actions/answer`);
    expect(answer).toBeDefined();
    expect(answer!.auth).toBe("Bearer KEYtelnyx0123456789");
    expect(answer!.body).toMatchObject({
      stream_track: "inbound_track",
      stream_codec: "PCMU",
      stream_bidirectional_mode: "rtp",
      stream_bidirectional_codec: "PCMU",
    });
    const streamUrl = new URL(answer!.body.stream_url as string);
    expect(`${streamUrl.origin}${streamUrl.pathname}`).toBe("wss://voice.example.test/v1/telephony/telnyx/media");
    const grant = await createStreamTokens("test-secret-test-secret-test-secret-0").verify(streamUrl.searchParams.get("token")!);
    expect(grant).toMatchObject({ workspaceId: a.workspaceId, provider: "telnyx", providerCallId: "v3:call-1" });
    expect(JSON.parse(Buffer.from(answer!.body.client_state as string, "base64").toString())).toEqual({ workspaceId: a.workspaceId, callId: grant!.callId });
    const call = await tenantScope(t.db, a.workspaceId).calls.get(grant!.callId);
    expect(call).toMatchObject({ status: "ringing", channel: "telnyx", caller: "+12125550100", callee: number });
  });

  it("a retried delivery (same event id) is acknowledged without answering twice", async () => {
    const body = event("call.initiated", "v3:call-2");
    expect((await deliver(body)).statusCode).toBe(200);
    const again = await deliver(body);
    expect(again.statusCode).toBe(200);
    expect(cc.commands.filter((c) => c.path.includes("v3:call-2")).length).toBe(1);
  });

  it("forged, stale (> 300 s), future and tampered deliveries are rejected", async () => {
    const body = event("call.initiated", "v3:call-3");
    expect((await deliver(body, { key: generateKeyPairSync("ed25519").privateKey })).statusCode).toBe(403);
    expect((await deliver(body, { ts: Math.floor(Date.now() / 1000) - TELNYX_TOLERANCE_SEC - 5 })).statusCode).toBe(403);
    expect((await deliver(body, { ts: Math.floor(Date.now() / 1000) + TELNYX_TOLERANCE_SEC + 5 })).statusCode).toBe(403);
    const raw = JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}|${raw}`), privateKey).toString("base64");
    const tampered = await t.app.inject({
      method: "POST",
      url: "/v1/telephony/telnyx/webhook",
      headers: { "content-type": "application/json", "telnyx-signature-ed25519": signature, "telnyx-timestamp": ts },
      payload: raw.replace("+12125550100", "+12125550199"),
    });
    expect(tampered.statusCode).toBe(403);
    expect(cc.commands.some((c) => c.path.includes("v3:call-3"))).toBe(false);
  });

  it("call.answered → in_progress; call.hangup → completed with duration; events recorded once with provider ids", async () => {
    await deliver(event("call.initiated", "v3:call-4"));
    const answer = cc.commands.find((c) => c.path.includes("v3:call-4"))!;
    const state = { client_state: answer.body.client_state };
    expect((await deliver(event("call.answered", "v3:call-4", { ...state, state: "answered" }))).statusCode).toBe(200);
    expect(
      (await deliver(event("streaming.started", "v3:call-4", { ...state, stream_url: "wss://voice.example.test/v1/telephony/telnyx/media" }))).statusCode,
    ).toBe(200);
    const hangup = event("call.hangup", "v3:call-4", { ...state, hangup_cause: "normal_clearing", hangup_source: "caller" });
    expect((await deliver(hangup)).statusCode).toBe(200);
    expect((await deliver(hangup)).json()).toMatchObject({ duplicate: true });
    const scope = tenantScope(t.db, a.workspaceId);
    const call = (await scope.callEvents.findCall("telnyx", "v3:call-4"))!;
    expect(call).toMatchObject({ status: "completed", endReason: "call.hangup" });
    expect(call.durationSec).not.toBeNull();
    const events = await scope.callEvents.list(call.id);
    expect(events.map((e) => e.kind)).toEqual(["inbound", "answer_sent", "call.answered", "streaming.started", "call.hangup"]);
    expect(events.every((e) => e.providerCallId === "v3:call-4")).toBe(true);
  });

  it("a number whose agent was never published is hung up, not answered, and stores no call", async () => {
    const auth = { authorization: `Bearer ${a.token}` };
    const agent = await t.app.inject({ method: "POST", url: "/v1/agents", headers: auth, payload: { name: "Not live yet" } });
    const unpublished = "+13125550143";
    const added = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: auth,
      payload: { number: unpublished, provider: "telnyx", agentId: agent.json().id },
    });
    expect(added.statusCode).toBe(201);
    const res = await deliver(event("call.initiated", "v3:call-unpublished", { to: unpublished }));
    expect(res.statusCode, res.body).toBe(200);
    expect(cc.commands.some((c) => c.path === "/v2/calls/v3:call-unpublished/actions/hangup")).toBe(true);
    expect(cc.commands.some((c) => c.path === "/v2/calls/v3:call-unpublished/actions/answer")).toBe(false);
    expect(await tenantScope(t.db, a.workspaceId).callEvents.findCall("telnyx", "v3:call-unpublished")).toBeUndefined();
  });

  it("a call to an unknown number is not answered; malformed bodies are 4xx", async () => {
    expect((await deliver(event("call.initiated", "v3:call-5", { to: "+18885550000" }))).statusCode).toBe(404);
    expect((await deliver({}, { raw: "{not json" })).statusCode).toBe(400);
    expect((await deliver({ data: { event_type: "call.initiated" } })).statusCode).toBe(422);
  });
});

describe("carrier status mapping", () => {
  it.each([
    ["ringing", "ringing"],
    ["in-progress", "in_progress"],
    ["completed", "completed"],
    ["busy", "busy"],
    ["no-answer", "no_answer"],
    ["failed", "failed"],
    ["canceled", "completed"],
    ["user_busy", "busy"],
    ["timeout", "no_answer"],
    ["queued", undefined],
  ])("%s → %s", (carrier, ours) => expect(callStatusOf(carrier)).toBe(ours));
});
