import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantScope, type PracticeViewer } from "@orbis/db";
import { echoPipeline } from "@orbis/gateway";
import { PUBLIC_BASE, startPhoneGateway, telnyxTenant, twilioTenant, type PhoneHarness } from "../telephony/phone-harness.ts";
import { placeTelnyxCall, TelnyxEmulator } from "../telephony/telnyx-emulator.ts";
import { placeTwilioCall, type TwilioAccount } from "../telephony/twilio-emulator.ts";

/**
 * Practice by phone, the protocol (docs/practice.md, "By phone"): the practice line's code gather on
 * emulated Twilio and Telnyx, wrong and used codes, the line's lock, and tenancy. The pipeline echoes
 * (no speech): the real-audio journey is practice-phone-voice.int.test.ts.
 */

const PERSONA = "builtin_dental_practice_owner";
const SCENARIO = "builtin_cold_call_book_meeting";

interface Line {
  token: string;
  workspaceId: string;
  number: string;
  phoneNumberId: string;
  account?: TwilioAccount;
}

let h: PhoneHarness;
let emu: TelnyxEmulator;
beforeAll(async () => {
  emu = await TelnyxEmulator.start();
  // Practice sessions are recorded by default: their WAVs go under a DATA_DIR of the test's own.
  h = await startPhoneGateway({ pipeline: echoPipeline, config: { telnyxApiUrl: emu.apiUrl, dataDir: mkdtempSync(join(tmpdir(), "orbis-practice-phone-")) } });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** A workspace whose Twilio (or Telnyx) number is chosen as its practice line. */
async function practiceLine(provider: "twilio" | "telnyx" = "twilio"): Promise<Line> {
  const t = provider === "twilio" ? await twilioTenant(h) : await telnyxTenant(h, emu.account);
  const numbers = await h.app.inject({ url: "/v1/phone-numbers", headers: auth(t.tenant.token) });
  const phoneNumberId = numbers.json().data.find((n: { number: string }) => n.number === t.number).id as string;
  const set = await h.app.inject({ method: "PUT", url: "/v1/practice/phone-line", headers: auth(t.tenant.token), payload: { phoneNumberId } });
  expect(set.statusCode, set.body).toBe(200);
  expect(set.json()).toEqual({ phoneNumberId, number: t.number, provider });
  const account = "account" in t ? (t.account as TwilioAccount) : undefined;
  return { token: t.tenant.token, workspaceId: t.tenant.workspaceId, number: t.number, phoneNumberId, ...(account ? { account } : {}) };
}

async function startByPhone(line: Line) {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/practice/sessions",
    headers: auth(line.token),
    payload: { personaId: PERSONA, scenarioId: SCENARIO, channel: "phone" },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    session: { id: string; userId: string; channel: string; phone: { state: string } };
    phone: { number: string; code: string; expiresAt: string };
  };
}

const sessionOf = async (line: Line, id: string) => (await h.app.inject({ url: `/v1/practice/sessions/${id}`, headers: auth(line.token) })).json();

/** A Twilio call to the line keying `codes` at the prompts; a stream, if the code opened one, is hung up soon after the greeting. */
const dialTwilio = (line: Line, codes: string[]) =>
  placeTwilioCall(line.account!, {
    localBase: h.localBase,
    publicBase: PUBLIC_BASE,
    from: "+12125550177",
    to: line.number,
    steps: [],
    gather: codes,
    turnTimeoutMs: 800,
  });

async function waitFinished(line: Line, id: string) {
  let body = await sessionOf(line, id);
  for (let i = 0; i < 50 && body.status === "live"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    body = await sessionOf(line, id);
  }
  return body;
}

/** A wrong code: any six digits but the right one. */
const wrong = (code: string, i = 1) => String((Number(code) + 1000 * i) % 1_000_000).padStart(6, "0");

describe("starting a practice session by phone (API)", () => {
  it("needs a practice line; answers the number and a 6-digit code valid 10 minutes, stored only as a hash", async () => {
    const t = await twilioTenant(h);
    const none = await h.app.inject({
      method: "POST",
      url: "/v1/practice/sessions",
      headers: auth(t.tenant.token),
      payload: { personaId: PERSONA, scenarioId: SCENARIO, channel: "phone" },
    });
    expect(none.statusCode).toBe(409);
    expect((await h.app.inject({ url: "/v1/practice/phone-line", headers: auth(t.tenant.token) })).json()).toEqual({
      phoneNumberId: null,
      number: null,
      provider: null,
    });

    const line = await practiceLine();
    const started = await startByPhone(line);
    expect(started.phone.number).toBe(line.number);
    expect(started.phone.code).toMatch(/^\d{6}$/);
    const ttl = Date.parse(started.phone.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(started).not.toHaveProperty("token");
    expect(started.session).toMatchObject({ status: "live", channel: "twilio", phone: { number: line.number, state: "waiting" } });

    const row = await tenantScope(h.db, line.workspaceId).practice.getSession({ userId: started.session.userId, role: "owner" }, started.session.id);
    expect(row!.phoneCodeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.phoneCodeHash).not.toContain(started.phone.code);
    expect(row!.phoneNumberId).toBe(line.phoneNumberId);
  });

  it("the practice line is one of the workspace's own numbers (a foreign one: 404); unset, the number is its agent's again", async () => {
    const a = await practiceLine();
    const b = await practiceLine();
    // B's number is not A's: 404, and B's line is untouched.
    const foreign = await h.app.inject({ method: "PUT", url: "/v1/practice/phone-line", headers: auth(a.token), payload: { phoneNumberId: b.phoneNumberId } });
    expect(foreign.statusCode).toBe(404);
    expect((await h.app.inject({ url: "/v1/practice/phone-line", headers: auth(b.token) })).json().phoneNumberId).toBe(b.phoneNumberId);
    expect((await h.app.inject({ url: "/v1/practice/phone-line", headers: auth(a.token) })).json().phoneNumberId).toBe(a.phoneNumberId);
    // Unset: the number goes back to its agent.
    const cleared = await h.app.inject({ method: "PUT", url: "/v1/practice/phone-line", headers: auth(a.token), payload: { phoneNumberId: null } });
    expect(cleared.json()).toEqual({ phoneNumberId: null, number: null, provider: null });
    const call = await dialTwilio(a, []);
    expect(call.twiml).toMatch(/<Connect><Stream/);
  });
});

describe("the practice line on Twilio", () => {
  it("asks for the code with <Gather>; a wrong code ×3 → two re-prompts, a polite goodbye and hang-up; the session is not touched", async () => {
    const line = await practiceLine();
    const { session, phone } = await startByPhone(line);
    const call = await dialTwilio(line, [wrong(phone.code, 1), wrong(phone.code, 2), wrong(phone.code, 3), phone.code]);
    // The voice webhook's gather, two retries, then goodbye: the fourth entry is never asked for.
    expect(call.twimls).toHaveLength(4);
    expect(call.twimls[0]).toMatch(
      /<Gather input="dtmf" numDigits="6" timeout="10" actionOnEmptyResult="true" method="POST" action="https:\/\/voice\.example\.test\/v1\/telephony\/twilio\/practice\?try=1"><Say>Welcome to sales practice\. Please enter your six digit practice code\.<\/Say><\/Gather>/,
    );
    expect(call.twimls[1]).toMatch(/<Gather [^>]*action="[^"]+\?try=2"><Say>Sorry, that code did not work\. Please enter/);
    expect(call.twimls[2]).toMatch(/action="[^"]+\?try=3"/);
    expect(call.twimls[3]).toMatch(/<Say>Sorry, that code did not work\. Please check the code on your screen and call again\. Goodbye\.<\/Say><Hangup\/>/);
    expect(call.twimls.join("")).not.toMatch(/<Stream/);
    expect(await sessionOf(line, session.id)).toMatchObject({ status: "live", phone: { state: "waiting" }, turns: [] });
  });

  it("the right code streams to the session: the rep's hang-up ends it (rep_hung_up); the used code opens nothing again", async () => {
    const line = await practiceLine();
    const { session, phone } = await startByPhone(line);
    const call = await dialTwilio(line, [phone.code]);
    expect(call.twimls).toHaveLength(2);
    expect(call.twiml).toMatch(/<Connect><Stream url="wss:\/\/voice\.example\.test\/v1\/telephony\/twilio\/media"><Parameter name="token" value="[^"?]+"\/>/);
    expect(call.shapeErrors).toEqual([]);
    const ended = await waitFinished(line, session.id);
    // The echo pipeline runs no prospect and hears no words: nothing to score, so abandoned — but it ran and the rep hung up.
    expect(ended).toMatchObject({ status: "abandoned", endReason: "rep_hung_up", channel: "twilio", phone: { state: "connected" } });
    expect(ended.durationSec).toBeGreaterThanOrEqual(0);

    // Used: the same code is a wrong code now.
    const again = await dialTwilio(line, [phone.code]);
    expect(again.twimls[1]).toMatch(/\?try=2/);
    expect(again.twimls.join("")).not.toMatch(/<Stream/);
    // Not a call: nothing in the call log.
    expect((await h.app.inject({ url: "/v1/calls", headers: auth(line.token) })).json().data).toEqual([]);
  });

  it("an expired code is refused and the session shows it expired", async () => {
    const line = await practiceLine();
    const { session, phone } = await startByPhone(line);
    const viewer: PracticeViewer = { userId: session.userId, role: "owner" };
    await tenantScope(h.db, line.workspaceId).practice.updateSession(viewer, session.id, { phoneCodeExpiresAt: new Date(Date.now() - 1000) });
    const call = await dialTwilio(line, [phone.code]);
    expect(call.twimls[1]).toMatch(/\?try=2/);
    expect(await sessionOf(line, session.id)).toMatchObject({ status: "live", phone: { state: "expired" } });
  });

  it("a code from workspace A never opens a session of workspace B (nor B's code A's)", async () => {
    const a = await practiceLine();
    const b = await practiceLine();
    const sa = await startByPhone(a);
    const sb = await startByPhone(b);
    const onB = await dialTwilio(b, [sa.phone.code]);
    const onA = await dialTwilio(a, [sb.phone.code]);
    for (const call of [onA, onB]) expect(call.twimls.join("")).not.toMatch(/<Stream/);
    expect((await sessionOf(a, sa.session.id)).phone.state).toBe("waiting");
    expect((await sessionOf(b, sb.session.id)).phone.state).toBe("waiting");
    // A foreign session id answers 404 through the API too.
    expect((await h.app.inject({ url: `/v1/practice/sessions/${sa.session.id}`, headers: auth(b.token) })).statusCode).toBe(404);
  });

  it("5 wrong codes within 10 minutes lock the line: the right code is refused, a new call hears the lock", async () => {
    const line = await practiceLine();
    const { session, phone } = await startByPhone(line);
    const first = await dialTwilio(line, [wrong(phone.code, 1), wrong(phone.code, 2), wrong(phone.code, 3)]);
    expect(first.twimls[3]).toMatch(/Please check the code on your screen/);
    // Entries that are not six digits are no guess at a code: not counted.
    const second = await dialTwilio(line, ["12", wrong(phone.code, 4), wrong(phone.code, 5)]);
    expect(second.twimls[1]).toMatch(/\?try=2/);
    expect(second.twimls[3]).toMatch(
      /<Say>This practice line is paused after too many wrong codes\. Please try again in a few minutes\. Goodbye\.<\/Say><Hangup\/>/,
    );
    const third = await dialTwilio(line, [phone.code]);
    expect(third.twimls).toHaveLength(1);
    expect(third.twimls[0]).toMatch(/paused after too many wrong codes[^<]*<\/Say><Hangup\/>/);
    expect((await sessionOf(line, session.id)).phone.state).toBe("waiting");
  });
});

describe("the practice line on Telnyx", () => {
  it("gather_using_speak asks for the code; a wrong one asks again; the right one starts the stream to the session", async () => {
    const line = await practiceLine("telnyx");
    const { session, phone } = await startByPhone(line);
    const before = emu.commands.length;
    const call = await placeTelnyxPracticeCall(line, [wrong(phone.code), phone.code]);
    expect(call.shapeErrors).toEqual([]);
    expect(emu.shapeErrors).toEqual([]);
    expect(call.prompts).toEqual([
      "Welcome to sales practice. Please enter your six digit practice code.",
      "Sorry, that code did not work. Please enter your six digit practice code again.",
    ]);
    const mine = emu.commands.slice(before).filter((c) => c.callControlId === call.callControlId);
    expect(mine.map((c) => c.action)).toEqual(["answer", "gather_using_speak", "gather_using_speak", "streaming_start"]);
    expect(mine[0]!.body).not.toHaveProperty("stream_url");
    expect(mine[1]!.body).toMatchObject({ minimum_digits: 6, maximum_digits: 6, valid_digits: "0123456789" });
    expect(mine[3]!.body).toMatchObject({ stream_codec: "PCMU", stream_bidirectional_mode: "rtp", command_id: `practice-stream-${session.id}` });
    expect(mine.every((c) => c.authorization === `Bearer ${emu.account.apiKey}`)).toBe(true);
    const ended = await waitFinished(line, session.id);
    expect(ended).toMatchObject({ status: "abandoned", endReason: "rep_hung_up", channel: "telnyx", phone: { state: "connected" } });
  });

  it("three wrong codes: speak a goodbye, then hang up on call.speak.ended", async () => {
    const line = await practiceLine("telnyx");
    const { session, phone } = await startByPhone(line);
    const call = await placeTelnyxPracticeCall(line, [wrong(phone.code, 1), "", wrong(phone.code, 3)]);
    expect(call.stoppedBy).toBe("hangup");
    expect(call.prompts?.at(-1)).toMatch(/Please check the code on your screen and call again\. Goodbye\./);
    const mine = emu.commands.filter((c) => c.callControlId === call.callControlId).map((c) => c.action);
    expect(mine).toEqual(["answer", "gather_using_speak", "gather_using_speak", "gather_using_speak", "speak", "hangup"]);
    expect(emu.shapeErrors).toEqual([]);
    expect((await sessionOf(line, session.id)).phone.state).toBe("waiting");
  });
});

function placeTelnyxPracticeCall(line: Line, codes: string[]) {
  return placeTelnyxCall(emu, { localBase: h.localBase, from: "+13125550188", to: line.number, steps: [], gather: codes, turnTimeoutMs: 800 });
}
