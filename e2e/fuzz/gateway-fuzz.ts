/**
 * Fuzzing of what the gateway takes from outside that the OpenAPI document does not list: carrier
 * webhooks (Twilio forms, Telnyx JSON) and browser stream frames (`/v1/stream`). Cases are derived
 * from the contracts' zod schemas (`z.toJSONSchema` → the same arbitraries as the API's fuzz,
 * `apps/api/test/fuzz-openapi.ts`), shaped and hostile, signed the way each carrier signs and not.
 * Used by `gateway.int.test.ts` and `bench/fuzz.bench.ts`.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Registry } from "prom-client";
import twilio from "twilio";
import WebSocket from "ws";
import { z } from "zod";
import { createBrainFactory } from "@orbis/agent-runtime";
import { createTokenService } from "@orbis/auth";
import { createCache } from "@orbis/cache";
import { buildPlatform } from "@orbis/cli";
import { testConfig, testTargets, type AppConfig } from "@orbis/config";
import { clientMessageSchema, CLOSE_CODES, telnyxWebhookSchema, twilioInboundSchema, twilioVoiceWebhookSchema } from "@orbis/contracts";
import { createTestDatabase } from "@orbis/db/testing";
import { carrierTelephony, cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { twilioProtocol } from "@orbis/telephony";
import type { Tenant } from "../calls/harness.ts";
import { PUBLIC_BASE, telnyxTenant, twilioTenant, type PhoneHarness } from "../telephony/phone-harness.ts";
import { telnyxEvent } from "../telephony/telnyx-emulator.ts";
import {
  arbitraryOf,
  asText,
  encodeComponent,
  hostileString,
  problemOf,
  toJson,
  withMutation,
  type Injector,
  type JsonSchema,
} from "../../apps/api/test/fuzz-openapi.ts";

/** What the server logged at level error (50) or above: a handled failure no answer shows (a write that failed, a crashed handler). */
export interface LoggedError {
  msg: string;
  error: string;
}

/**
 * `orbis start`'s composition (api, gateway, carrier webhooks and media) on a real port, like the phone
 * harness, with its error log kept: the fuzz fails on errors the server swallowed as well as on answers.
 */
export async function startFuzzPlatform(overrides: Partial<AppConfig>): Promise<PhoneHarness & { errors: LoggedError[] }> {
  const errors: LoggedError[] = [];
  const stream = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.level >= 50) errors.push({ msg: entry.msg ?? "", error: entry.err?.message?.slice(-300) ?? "" });
    },
  };
  const config = testConfig({ publicBaseUrl: PUBLIC_BASE, ...overrides });
  const [db, cache] = [await createTestDatabase(), createCache({ redisUrl: testTargets().redisUrl })];
  const brains = createBrainFactory(db);
  const pipeline = cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-fuzz-"))));
  const mount = gatewayMount({ brains, pipeline, extraRoutes: [carrierTelephony({ brains, pipeline })] });
  const runtime = { config, db, cache, tokens: createTokenService(config.jwtSecret!), metrics: new Registry() };
  const app = await buildPlatform(runtime, { mounts: [mount], logger: { level: "error", stream } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const close = async () => {
    await app.close();
    await cache.close();
    await db.close();
  };
  return { app, db, cache, baseUrl: base, localBase: base, wsUrl: `${base.replace("http", "ws")}/v1/stream`, errors, close };
}

/**
 * Errors the fuzz may find that are not the gateway's fault: none today. A known bug is pinned by an
 * `it.fails` test in gateway.int.test.ts and listed here (counted in the bench, not failed on) until its fix.
 */
const KNOWN_ERRORS: ((e: LoggedError) => boolean)[] = [];
export const unexpectedErrors = (errors: LoggedError[]) => errors.filter((e) => !KNOWN_ERRORS.some((known) => known(e)));

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;
const known = (byName: Record<string, string[]>) => ({ own: [], foreign: [], byName });
/** Schema-shaped values and, as often, the same with one hostile mutation. */
const shapedOrHostile = (arb: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 4, arbitrary: withMutation(arb) });

/** What the carrier cases aim at: the numbers of two tenants and the secrets their carriers sign with. */
export interface CarrierTarget {
  /** PUBLIC_BASE_URL, which Twilio signs over. */
  publicBase: string;
  twilio: { accountSid: string; authToken: string; number: string };
  telnyx: { privateKey: KeyObject; number: string; clientStates: string[] };
}

export interface WebhookCase {
  url: string;
  headers: Record<string, string>;
  payload: string;
}

type Signing = "valid" | "wrong" | "none" | "stale";
const signing = fc.constantFrom<Signing>("valid", "valid", "valid", "wrong", "none", "stale");

function formEncode(v: unknown): string {
  const entries = v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v) : [["value", v] as const];
  return entries.map(([k, x]) => `${encodeComponent(k)}=${encodeComponent(asText(x))}`).join("&");
}

/** POST /v1/telephony/twilio/{voice,status}: form fields from `twilioVoiceWebhookSchema`, signed with X-Twilio-Signature (mostly). */
export function twilioWebhookCase(path: "/v1/telephony/twilio/voice" | "/v1/telephony/twilio/status", t: CarrierTarget): fc.Arbitrary<WebhookCase> {
  const form = arbitraryOf(
    schemaOf(twilioVoiceWebhookSchema),
    known({
      To: [t.twilio.number, t.telnyx.number, "+15550100000"],
      AccountSid: [t.twilio.accountSid],
      CallSid: ["CAfuzz0000000000000000000000000001", "CAfuzz0000000000000000000000000002"],
      CallStatus: ["ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled", "queued"],
      From: ["+12125550100", "anonymous"],
      Timestamp: [new Date().toUTCString(), "not a date"],
      CallDuration: ["42", "-1", "2147483647", "2147483648", "99999999999", "1e3"],
    }),
  );
  const raw = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom("%", "To=%E0%A4%A", "=&=&", "To=%00", "CallSid=%ED%A0%80", `To=${"9".repeat(70 * 1024)}`));
  const payload = fc.oneof({ weight: 9, arbitrary: shapedOrHostile(form).map(formEncode) }, { weight: 1, arbitrary: raw });
  const contentType = fc.oneof(
    { weight: 9, arbitrary: fc.constant("application/x-www-form-urlencoded") },
    { weight: 1, arbitrary: fc.constantFrom("application/json", "text/plain", "") },
  );
  return fc.tuple(payload, signing, contentType).map(([body, how, type]) => {
    const params = Object.fromEntries(new URLSearchParams(body));
    const token = how === "wrong" ? "0123456789abcdef0123" : t.twilio.authToken;
    const headers: Record<string, string> = type ? { "content-type": type } : {};
    if (how !== "none") headers["x-twilio-signature"] = twilio.getExpectedTwilioSignature(token, `${t.publicBase}${path}`, params);
    return { url: path, headers, payload: body };
  });
}

/** POST /v1/telephony/telnyx/webhook: JSON from `telnyxWebhookSchema`, Ed25519-signed (mostly) with a current timestamp. */
export function telnyxWebhookCase(t: CarrierTarget): fc.Arbitrary<WebhookCase> {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
  const body = arbitraryOf(
    schemaOf(telnyxWebhookSchema),
    known({
      record_type: ["event"],
      event_type: ["call.initiated", "call.answered", "call.hangup", "streaming.started", "streaming.stopped", "streaming.failed", "call.bridged"],
      id: ["evt-fuzz-1", "evt-fuzz-2"],
      occurred_at: [new Date().toISOString(), "yesterday"],
      call_control_id: ["v3:fuzz-a", "v3:fuzz-b"],
      to: [t.telnyx.number, t.twilio.number, "+15550100000"],
      from: ["+12125550100"],
      direction: ["incoming", "outgoing"],
      hangup_cause: ["normal_clearing", "user_busy"],
      client_state: [
        ...t.telnyx.clientStates,
        "not base64 at all!",
        encode({ workspaceId: "ws_\u0000", callId: "call_\u0000" }),
        encode({ workspaceId: "' or 1=1 --", callId: 5 }),
        encode({ workspaceId: "ws_00000000000000000000", callId: "call_00000000000000000000" }),
        encode("\ud800"),
      ],
    }),
  );
  const payload = fc.oneof({ weight: 9, arbitrary: shapedOrHostile(body).map(toJson) }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) });
  return fc.tuple(payload, signing).map(([raw, how]) => {
    const ts = String(Math.floor(Date.now() / 1000) - (how === "stale" ? 3600 : 0));
    const key = how === "wrong" ? "x" : raw;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (how !== "none") {
      headers["telnyx-timestamp"] = ts;
      headers["telnyx-signature-ed25519"] = sign(null, Buffer.from(`${ts}|${key}`), t.telnyx.privateKey).toString("base64");
    }
    return { url: "/v1/telephony/telnyx/webhook", headers, payload: raw };
  });
}

export async function runWebhookCase(app: Injector, c: WebhookCase): Promise<{ status: number; problem?: string }> {
  const res = await app.inject({ method: "POST", url: c.url, headers: c.headers, payload: c.payload });
  const problem = problemOf(res);
  return { status: res.statusCode, ...(problem ? { problem } : {}) };
}

/** Telnyx Call Control for the fuzz: every command succeeds; `answer`'s client_state is kept (a valid one to replay). */
export async function callControlStub(): Promise<{ apiUrl: string; clientStates: string[]; close(): Promise<void> }> {
  const clientStates: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const state = (JSON.parse(Buffer.concat(chunks).toString() || "{}") as { client_state?: unknown }).client_state;
      if (typeof state === "string") clientStates.push(state);
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"result":"ok"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { apiUrl: `http://127.0.0.1:${port}/v2`, clientStates, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The tenants the carrier and stream cases aim at, on `h`: one with a Twilio number, one with a Telnyx
 * number (its webhooks signed with a fresh Ed25519 key), and one answered Telnyx call whose client_state
 * cases can replay.
 */
export async function fuzzTargets(
  h: PhoneHarness,
  cc: { clientStates: string[] },
  origin: string,
): Promise<{ target: CarrierTarget; stream: StreamTarget; tenants: Tenant[] }> {
  const keys = generateKeyPairSync("ed25519");
  const telnyxAccount = {
    apiKey: `KEY${randomBytes(16).toString("hex")}`,
    publicKey: keys.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64"),
    privateKey: keys.privateKey,
  };
  const tw = await twilioTenant(h);
  const tx = await telnyxTenant(h, telnyxAccount);
  for (const tenant of [tw.tenant, tx.tenant]) await publishAgent(h, tenant);
  const target: CarrierTarget = {
    publicBase: PUBLIC_BASE,
    twilio: { accountSid: tw.account.accountSid, authToken: tw.account.authToken, number: tw.number },
    telnyx: { privateKey: keys.privateKey, number: tx.number, clientStates: [] },
  };
  const initiated = await postTelnyx(h.app, target, telnyxEvent("call.initiated", { call_control_id: "v3:fuzz-a", direction: "incoming", to: tx.number }));
  if (initiated.statusCode !== 200) throw new Error(`call.initiated: ${initiated.statusCode} ${initiated.body}`);
  target.telnyx.clientStates.push(...cc.clientStates);
  const stream = { wsUrl: h.wsUrl, agentId: tw.tenant.agentId, publishableKey: tw.tenant.publishableKey, origin };
  return { target, stream, tenants: [tw.tenant, tx.tenant] };
}

/** Publishes the tenant's agent: only a published agent takes calls. */
export async function publishAgent(h: Pick<PhoneHarness, "app">, tenant: Tenant): Promise<void> {
  const res = await h.app.inject({ method: "POST", url: `/v1/agents/${tenant.agentId}/publish`, headers: { authorization: `Bearer ${tenant.token}` } });
  if (res.statusCode !== 200) throw new Error(`publish: ${res.statusCode} ${res.body}`);
}

/** A Twilio form for the target's number and account, signed as Twilio signs it (docs/protocols.md). */
export function postTwilio(app: Injector, t: CarrierTarget, path: string, params: Record<string, string>) {
  const form = { AccountSid: t.twilio.accountSid, From: "+12125550100", To: t.twilio.number, ...params };
  return app.inject({
    method: "POST",
    url: path,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(t.twilio.authToken, `${t.publicBase}${path}`, form),
    },
    payload: new URLSearchParams(form).toString(),
  });
}

/** A Telnyx webhook signed as Telnyx signs it (docs/protocols.md). */
export function postTelnyx(app: Injector, t: CarrierTarget, body: object) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(`${ts}|${raw}`), t.telnyx.privateKey).toString("base64");
  return app.inject({
    method: "POST",
    url: "/v1/telephony/telnyx/webhook",
    headers: { "content-type": "application/json", "telnyx-signature-ed25519": signature, "telnyx-timestamp": ts },
    payload: raw,
  });
}

// ---- browser stream ----

export interface Frame {
  binary: boolean;
  data: Buffer;
}

/** One connection: credentials that work or not, then frames in order. */
export interface StreamCase {
  auth: "key" | "bad";
  frames: Frame[];
}

const MAX_PAYLOAD = 1024 * 1024;
const MAX_TEXT = 8 * 1024;
const MAX_AUDIO = 19_200;

const text = (s: string): Frame => ({ binary: false, data: Buffer.from(s) });
const message = arbitraryOf(schemaOf(clientMessageSchema), known({ text: ["I'd like to book a cleaning", "what are your hours?"] }));

/** Frames a client may send: protocol messages shaped and hostile, audio, and what no client should (garbage, too large, not UTF-8). */
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: message.map((m) => text(toJson(m))) },
  { weight: 3, arbitrary: withMutation(message).map((m) => text(toJson(m))) },
  { weight: 3, arbitrary: fc.constantFrom(0, 640, 1920).map((n) => ({ binary: true, data: Buffer.alloc(n) })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 25_000 }).map((a) => ({ binary: true, data: Buffer.from(a) })) },
  { weight: 1, arbitrary: hostileString.map(text) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(text("{"), text("null"), text("[]"), text(`${"[".repeat(4000)}${"]".repeat(4000)}`), {
      binary: false,
      data: Buffer.from([0xff, 0xfe, 0x00]),
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: MAX_TEXT + 1, max: 200_000 }).map((n) => text(JSON.stringify({ type: "text", text: "x".repeat(n) }))) },
  { weight: 1, arbitrary: fc.boolean().map((binary) => ({ binary, data: Buffer.alloc(MAX_PAYLOAD + 1, 0x20) })) },
);

const start = (sampleRate?: number) => text(JSON.stringify({ type: "start", ...(sampleRate ? { sampleRate } : {}) }));

const streamCases: fc.Arbitrary<StreamCase> = fc.record({
  auth: fc.constantFrom<StreamCase["auth"]>("key", "key", "key", "key", "bad"),
  frames: fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([start()]) },
        { weight: 1, arbitrary: fc.integer({ min: 8000, max: 48000 }).map((rate) => [start(rate)]) },
        { weight: 1, arbitrary: fc.constant([]) },
      ),
      fc.array(frame, { minLength: 1, maxLength: 8 }),
    )
    .map(([first, rest]) => [...first, ...rest]),
});

/** Frames as fast-check prints them: kinds and sizes, not megabytes of payload. */
const describeFrames = (frames: Frame[]) =>
  frames.map((f) => (f.binary ? `bin(${f.data.length})` : f.data.length > 200 ? `text(${f.data.length})` : JSON.stringify(f.data.toString()))).join(", ");
export const describeStreamCase = (c: StreamCase) => `${c.auth}: ${describeFrames(c.frames)}`;

export const streamCase: fc.Arbitrary<StreamCase> = streamCases.map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeStreamCase(c) }));

function isUtf8(data: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * The close the protocol (docs/protocols.md) calls for after these frames from an authenticated
 * client: the first protocol error closes 4004, `end` closes 1000; frames the WebSocket layer refuses
 * close 1009 (over the 1 MiB message limit) or 1007 (text that is not UTF-8). `undefined`: the call
 * stays up until the client hangs up.
 */
export function expectedClose(frames: Frame[]): number | undefined {
  let started = false;
  for (const f of frames) {
    if (f.data.length > MAX_PAYLOAD) return 1009;
    if (!f.binary && !isUtf8(f.data)) return 1007;
    if (f.binary) {
      if (!started || f.data.length > MAX_AUDIO || f.data.length % 2 !== 0) return CLOSE_CODES.protocolError;
      continue;
    }
    if (f.data.length > MAX_TEXT) return CLOSE_CODES.protocolError;
    let json: unknown;
    try {
      json = JSON.parse(f.data.toString());
    } catch {
      return CLOSE_CODES.protocolError;
    }
    const msg = clientMessageSchema.safeParse(json);
    if (!msg.success) return CLOSE_CODES.protocolError;
    if (msg.data.type === "start") {
      if (started) return CLOSE_CODES.protocolError;
      started = true;
    } else if (!started) return CLOSE_CODES.protocolError;
    else if (msg.data.type === "end") return CLOSE_CODES.normal;
  }
  return undefined;
}

export interface StreamTarget {
  wsUrl: string;
  agentId: string;
  publishableKey: string;
  origin: string;
}

/**
 * The closes a frame the WebSocket layer refuses may cause: its code (1009 over the size limit, 1007
 * text not UTF-8), as it arrives, which may be before the server has read the frames sent ahead of it.
 * Never 1006: the gateway's socket error handler lets `ws` finish its close handshake.
 */
function refusalsOf(frames: Frame[]): number[] {
  const codes = frames.map((f) => (f.data.length > MAX_PAYLOAD ? 1009 : !f.binary && !isUtf8(f.data) ? 1007 : undefined)).filter((code) => code !== undefined);
  return [...new Set(codes)];
}

/**
 * One socket: opens it, sends the frames, then waits for the server's close when one is `due`, or
 * `lingerMs` for one that should not come before hanging up itself (1000). Answers the close code
 * (-1: none within 10 s) and whether `sign` was seen among the server's text messages.
 */
async function exchange(
  url: string,
  headers: Record<string, string>,
  frames: Frame[],
  o: { due: boolean; lingerMs: number; sign: string },
): Promise<{ code: number; signed: boolean; sent: number }> {
  const socket = new WebSocket(url, { headers });
  let sent = 0;
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  let signed = false;
  socket.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary && data.toString().includes(o.sign)) signed = true;
  });
  socket.on("error", () => undefined);
  const opened = await new Promise<boolean>((resolve) => {
    socket.once("open", () => resolve(true));
    socket.once("close", () => resolve(false));
  });
  if (opened) {
    for (const f of frames) if (socket.readyState === WebSocket.OPEN) socket.send(f.data, { binary: f.binary }, () => sent++);
    const early = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(resolve, o.due ? 10_000 : o.lingerMs))]);
    if (early === undefined && socket.readyState === WebSocket.OPEN) socket.close(CLOSE_CODES.normal, "done");
  }
  const code = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 10_000))]);
  if (code === -1) socket.terminate();
  return { code, signed, sent };
}

const judge = (code: number, expected: number[]) =>
  expected.includes(code) ? {} : { problem: `closed ${code === -1 ? "never" : code}, expected ${expected.join(" or ")}` };

/**
 * Opens `/v1/stream`, sends the frames and waits for the close: the one `expectedClose` predicts (a
 * refused credential: 4000, or the WebSocket layer's own refusal if it comes first), or, when none is
 * due, none before the client hangs up (1000) `lingerMs` later. `ready`: the call started.
 */
export async function runStreamCase(
  target: StreamTarget,
  c: StreamCase,
  lingerMs = 100,
): Promise<{ code: number; ready: boolean; sent: number; problem?: string }> {
  const query = c.auth === "key" ? `agentId=${target.agentId}&apiKey=${target.publishableKey}` : "token=not-a-token";
  const predicted = c.auth === "key" ? expectedClose(c.frames) : CLOSE_CODES.invalidAgentOrToken;
  const r = await exchange(`${target.wsUrl}?${query}`, { origin: target.origin }, c.frames, { due: predicted !== undefined, lingerMs, sign: '"type":"ready"' });
  return { code: r.code, ready: r.signed, sent: r.sent, ...judge(r.code, [predicted ?? CLOSE_CODES.normal, ...refusalsOf(c.frames)]) };
}

// ---- carrier media streams ----

const STREAM_SID = "MZfuzz00000000000000000000000000";
const inbound = arbitraryOf(
  schemaOf(twilioInboundSchema),
  known({ streamSid: [STREAM_SID], payload: [Buffer.alloc(160, 0xff).toString("base64"), "not base64!"], digit: ["1", "#"] }),
);

/** Frames on a Twilio media stream after its start: inbound messages from `twilioInboundSchema`, shaped and hostile, and garbage. */
export const mediaCase: fc.Arbitrary<Frame[]> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: shapedOrHostile(inbound).map((m) => text(toJson(m))) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((a) => ({ binary: true, data: Buffer.from(a) })) },
      { weight: 1, arbitrary: hostileString.map(text) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(text("{"), text(`${"[".repeat(70_000)}${"]".repeat(70_000)}`), { binary: false, data: Buffer.from([0xc3, 0x28]) }),
      },
      { weight: 1, arbitrary: fc.constant({ binary: true, data: Buffer.alloc(MAX_PAYLOAD + 1) }) },
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((frames) => Object.assign(frames, { [fc.toStringMethod]: () => describeFrames(frames) }));

/**
 * A Twilio call as Twilio places it (signed voice webhook, then the media socket with a signed upgrade,
 * `connected` and `start` with the call's token), then the fuzzed frames. A carrier does not retry a
 * stream, so a bad frame is skipped, never the end of the call: the server may close only after a
 * `stop` (1000) or a frame the WebSocket layer refuses. `started`: the agent's audio came.
 */
export async function runMediaCase(
  h: Pick<PhoneHarness, "app" | "localBase">,
  t: CarrierTarget,
  frames: Frame[],
  lingerMs = 300,
): Promise<{ code: number; started: boolean; sent: number; problem?: string }> {
  const callSid = `CA${randomBytes(16).toString("hex")}`;
  const voice = await postTwilio(h.app, t, "/v1/telephony/twilio/voice", { CallSid: callSid, CallStatus: "ringing" });
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(voice.body)?.[1];
  if (!token) return { code: 0, started: false, sent: 0, problem: `no stream token: ${voice.statusCode} ${voice.body.slice(0, 200)}` };
  const path = "/v1/telephony/twilio/media";
  const signature = twilio.getExpectedTwilioSignature(t.twilio.authToken, `${t.publicBase.replace(/^http/, "ws")}${path}`, {});
  const start = {
    event: "start",
    sequenceNumber: "1",
    streamSid: STREAM_SID,
    start: {
      accountSid: t.twilio.accountSid,
      streamSid: STREAM_SID,
      callSid,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token },
    },
  };
  const opening = [text(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" })), text(JSON.stringify(start))];
  const stop = frames.findIndex((f) => {
    if (f.binary || f.data.length > 64 * 1024) return false;
    try {
      return twilioProtocol.parse(JSON.parse(f.data.toString())).kind === "stop";
    } catch {
      return false;
    }
  });
  // 300 ms: long enough for the call to start and the greeting's audio to flow.
  const r = await exchange(`${h.localBase.replace(/^http/, "ws")}${path}`, { "x-twilio-signature": signature }, [...opening, ...frames], {
    due: stop !== -1,
    lingerMs,
    sign: '"event":"media"',
  });
  return { code: r.code, started: r.signed, sent: Math.max(0, r.sent - opening.length), ...judge(r.code, [CLOSE_CODES.normal, ...refusalsOf(frames)]) };
}
