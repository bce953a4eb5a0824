/**
 * The gateway's doors fuzzed on `orbis start`'s composition (`startFuzzPlatform`): carrier webhooks
 * (Twilio voice and status, Telnyx Call Control), the browser stream and Twilio media streams. No
 * webhook answer is a 5xx and every 4xx carries the error body; a stream closes exactly as
 * docs/protocols.md says (4004 for a protocol error, never 1011); a bad carrier frame never ends a
 * call; the server answers /healthz throughout and logs no error (a known bug would be pinned by
 * `it.fails` and listed in gateway-fuzz.ts). FUZZ_CASES scales the counts (200 webhook cases a route, a quarter as many stream
 * connections, an eighth as many media calls); FUZZ_SEED picks the run.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WIDGET_ORIGIN, type Tenant } from "../calls/harness.ts";
import { telnyxEvent } from "../telephony/telnyx-emulator.ts";
import {
  callControlStub,
  describeStreamCase,
  fuzzTargets,
  mediaCase,
  postTelnyx,
  postTwilio,
  runMediaCase,
  runStreamCase,
  runWebhookCase,
  startFuzzPlatform,
  streamCase,
  telnyxWebhookCase,
  twilioWebhookCase,
  unexpectedErrors,
  type CarrierTarget,
  type StreamTarget,
  type WebhookCase,
} from "./gateway-fuzz.ts";

const CASES = Number(process.env.FUZZ_CASES ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_613);

let h: Awaited<ReturnType<typeof startFuzzPlatform>>;
let cc: Awaited<ReturnType<typeof callControlStub>>;
let target: CarrierTarget;
let stream: StreamTarget;
let tenants: Tenant[];

beforeAll(async () => {
  cc = await callControlStub();
  h = await startFuzzPlatform({ telnyxApiUrl: cc.apiUrl, rateLimitPerMinute: 1_000_000, maxCallsPerWorkspace: 1000 });
  ({ target, stream, tenants } = await fuzzTargets(h, cc, WIDGET_ORIGIN));
});
afterAll(async () => {
  await h?.close();
  await cc?.close();
});

describe("fuzz: finding, a 500 on PostgreSQL before the fix", () => {
  it("a Telnyx client_state that does not name our ids is ignored: the call is found by its number", async () => {
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
    for (const state of [
      { workspaceId: "ws_\u0000", callId: "call_1" },
      { workspaceId: "not-a-workspace", callId: "x" },
    ]) {
      const res = await postTelnyx(
        h.app,
        target,
        telnyxEvent("call.hangup", { call_control_id: "v3:fuzz-a", client_state: encode(state), to: target.telnyx.number, hangup_cause: "normal_clearing" }),
      );
      expect(res.statusCode, res.body).toBe(200);
    }
  });
});

describe("fuzz: findings, fixed", () => {
  const callsOf = async (tenant: Tenant) => {
    const res = await h.app.inject({ url: "/v1/calls?limit=100", headers: { authorization: `Bearer ${tenant.token}` } });
    return (res.json() as { data: { id: string; status: string; durationSec: number | null; channel: string }[] }).data;
  };

  it("a signed Twilio status callback with CallDuration past 2^31 - 1 closes the call, its duration left unread (no integer overflow)", async () => {
    const form = { CallSid: `CA${randomBytes(16).toString("hex")}` };
    const known = new Set((await callsOf(tenants[0]!)).map((c) => c.id));
    expect((await postTwilio(h.app, target, "/v1/telephony/twilio/voice", { ...form, CallStatus: "ringing" })).statusCode).toBe(200);
    const status = await postTwilio(h.app, target, "/v1/telephony/twilio/status", { ...form, CallStatus: "completed", CallDuration: "99999999999" });
    expect(status.statusCode, status.body).toBe(204);
    const call = (await callsOf(tenants[0]!)).find((c) => !known.has(c.id) && c.channel === "twilio");
    expect(call?.status).toBe("completed");
    expect(call?.durationSec).not.toBe(99_999_999_999);
  });

  it("a browser `text` with U+0000 or a lone surrogate is recorded without them (PostgreSQL refuses both)", async () => {
    const before = h.errors.length;
    const known = new Set((await callsOf(tenants[0]!)).map((c) => c.id));
    const r = await runStreamCase(
      stream,
      {
        auth: "key",
        frames: [{ type: "start" }, { type: "text", text: "I'd like to book\u0000 a clean\ud800ing" }].map((m) => ({
          binary: false,
          data: Buffer.from(JSON.stringify(m)),
        })),
      },
      3000,
    );
    expect(r.ready).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.errors.slice(before)).toEqual([]);
    const call = (await callsOf(tenants[0]!)).find((c) => !known.has(c.id) && c.channel === "web");
    const detail = (await h.app.inject({ url: `/v1/calls/${call!.id}`, headers: { authorization: `Bearer ${tenants[0]!.token}` } })).json() as {
      turns: { userText: string | null }[];
    };
    expect(detail.turns.map((t) => t.userText)).toContain("I'd like to book a cleaning");
  });

  it("a frame over the 1 MiB limit closes 1009 (RFC 6455, before it is buffered) and is a client's fault, not logged as a server error", async () => {
    const before = h.errors.length;
    const r = await runStreamCase(stream, { auth: "key", frames: [{ binary: true, data: Buffer.alloc(1024 * 1024 + 1) }] });
    expect(r.code).toBe(1009);
    expect(h.errors.slice(before)).toEqual([]);
  });

  it("a text frame that is not UTF-8 closes 1007 and is not logged as a server error", async () => {
    const before = h.errors.length;
    const r = await runStreamCase(stream, { auth: "key", frames: [{ binary: false, data: Buffer.from([0xff, 0xfe, 0x00]) }] });
    expect(r.code).toBe(1007);
    expect(h.errors.slice(before)).toEqual([]);
  });
});

describe(`fuzz: carrier webhooks, ${CASES} cases each (seed ${SEED})`, () => {
  const webhook = (name: string, cases: () => fc.Arbitrary<WebhookCase>) =>
    it(name, { timeout: 180_000 }, async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(cases(), async (c) => {
          const r = await runWebhookCase(h.app, c);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.problem) throw new Error(`${c.url} → ${r.problem}`);
        }),
        { numRuns: CASES, seed: SEED },
      );
      // The cases reach past the signature check: some are accepted.
      expect(statuses.get(200) ?? statuses.get(204) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
      expect((await h.app.inject({ url: "/healthz" })).statusCode).toBe(200);
      expect(unexpectedErrors(h.errors)).toEqual([]);
    });
  webhook("POST /v1/telephony/twilio/voice", () => twilioWebhookCase("/v1/telephony/twilio/voice", target));
  webhook("POST /v1/telephony/twilio/status", () => twilioWebhookCase("/v1/telephony/twilio/status", target));
  webhook("POST /v1/telephony/telnyx/webhook", () => telnyxWebhookCase(target));
});

describe(`fuzz: /v1/stream, ${Math.ceil(CASES / 4)} connections of malformed frames (seed ${SEED})`, () => {
  it("every connection closes as the protocol says, never 1011; the server stays up", { timeout: 300_000 }, async () => {
    const codes = new Map<number, number>();
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(streamCase, async (c) => {
        const r = await runStreamCase(stream, c);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        if (r.ready) calls++;
        if (r.problem) throw new Error(`${describeStreamCase(c)} → ${r.problem}`);
      }),
      { numRuns: Math.ceil(CASES / 4), seed: SEED },
    );
    // Cases reach a started call, and every kind of close happens.
    expect(calls, JSON.stringify([...codes])).toBeGreaterThan(0);
    for (const code of [1000, 4000, 4004]) expect(codes.get(code) ?? 0, JSON.stringify([...codes])).toBeGreaterThan(0);
    expect((await h.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    // Closing sockets end their calls (rows, turns) after the close: let that finish before reading the log.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(unexpectedErrors(h.errors)).toEqual([]);
  });
});

describe(`fuzz: Twilio media stream, ${Math.ceil(CASES / 8)} calls of malformed frames (seed ${SEED})`, () => {
  it("a bad frame is skipped, never the end of the call; the server stays up", { timeout: 300_000 }, async () => {
    let started = 0;
    await fc.assert(
      fc.asyncProperty(mediaCase, async (frames) => {
        const r = await runMediaCase(h, target, frames);
        if (r.started) started++;
        if (r.problem) throw new Error(r.problem);
      }),
      { numRuns: Math.ceil(CASES / 8), seed: SEED },
    );
    expect(started).toBeGreaterThan(0);
    expect((await h.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(unexpectedErrors(h.errors)).toEqual([]);
  });
});
