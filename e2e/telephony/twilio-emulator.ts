import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import twilio from "twilio";
import { twilioOutboundSchema } from "@orbis/contracts";
import { CallerLine, type EmulatedCallResult, type EmulatedStep, type LineWire } from "./caller-line.ts";
import type { TwilioRestEmulator } from "./twilio-rest-emulator.ts";

export type { EmulatedStep } from "./caller-line.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (n: number) => randomBytes(n).toString("hex");

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
}

export interface TwilioCallResult extends EmulatedCallResult {
  callSid: string;
  twiml: string;
  /** TwiML the call was redirected to through the REST API (a transfer), if any. */
  redirectedTo?: string;
  /** Every TwiML document the call was answered with, in order (the voice webhook, then each `<Gather>` action). */
  twimls: string[];
}

const unescapeXml = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");

/**
 * Follows `<Gather input="dtmf">` like Twilio: the caller keys `entries` one per prompt ("" keys nothing),
 * Twilio posts the call's form plus `Digits` to the gather's action (signed over the absolute action URL).
 * Stops at a document without a `<Gather>`, or when the caller has nothing more to key.
 */
async function followGathers(
  account: TwilioAccount,
  o: { localBase: string; publicBase: string },
  first: string,
  form: Record<string, string>,
  entries: readonly string[],
): Promise<string[]> {
  const docs = [first];
  for (const digits of entries) {
    const doc = docs[docs.length - 1]!;
    const gather = /<Gather\b[^>]*>/.exec(doc)?.[0];
    if (!gather) break;
    const action = unescapeXml(/action="([^"]+)"/.exec(gather)?.[1] ?? "");
    if (!action.startsWith(o.publicBase)) throw new Error(`gather action is not on the public base: ${action}`);
    const res = await postTwilioForm(account, {
      localBase: o.localBase,
      publicBase: o.publicBase,
      path: action.slice(o.publicBase.length),
      params: { ...form, CallStatus: "in-progress", Digits: digits, ...(digits ? { FinishedOnKey: "" } : {}) },
    });
    if (res.status !== 200) throw new Error(`gather action answered ${res.status}: ${res.body}`);
    docs.push(res.body);
  }
  return docs;
}

/** Signs and posts a form like Twilio does (X-Twilio-Signature over the public URL). */
export async function postTwilioForm(
  account: TwilioAccount,
  o: { localBase: string; publicBase: string; path: string; params: Record<string, string>; signature?: string },
) {
  const signature = o.signature ?? twilio.getExpectedTwilioSignature(account.authToken, `${o.publicBase}${o.path}`, o.params);
  const res = await fetch(`${o.localBase}${o.path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(o.params).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/** The caller's side of a Twilio media stream, as the wire of a `CallerLine` (sequence numbers from `nextSeq`). */
export function twilioLineWire(send: (message: object) => unknown, streamSid: string, nextSeq: () => string): LineWire {
  return {
    media: (chunk, payload) =>
      send({ event: "media", sequenceNumber: nextSeq(), media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload }, streamSid }),
    dtmf: (digit) => send({ event: "dtmf", streamSid, sequenceNumber: nextSeq(), dtmf: { track: "inbound_track", digit } }),
    mark: (name) => send({ event: "mark", sequenceNumber: nextSeq(), streamSid, mark: { name } }),
  };
}

/**
 * A loopback Twilio: rings our voice webhook with a signed form, follows the `<Connect><Stream>`
 * TwiML, opens the media WebSocket like Twilio (signed upgrade, connected/start/media/stop), streams
 * speech at real time, plays back what comes in at real time (echoing marks when played, flushing on
 * `clear`), and finally posts the signed `completed` status callback.
 */
export async function placeTwilioCall(
  account: TwilioAccount,
  o: {
    localBase: string;
    publicBase: string;
    from: string;
    to: string;
    steps: EmulatedStep[];
    voice?: string;
    log?: (line: string) => void;
    hangUpAfterMs?: number;
    turnTimeoutMs?: number;
    callSid?: string;
    rest?: TwilioRestEmulator;
    /** Keys the caller presses at each `<Gather>` prompt, in order (a practice line's code). */
    gather?: readonly string[];
  },
): Promise<TwilioCallResult> {
  const callSid = o.callSid ?? `CA${hex(16)}`;
  const streamSid = `MZ${hex(16)}`;
  const form = {
    AccountSid: account.accountSid,
    ApiVersion: "2010-04-01",
    CallSid: callSid,
    CallStatus: "ringing",
    Called: o.to,
    Caller: o.from,
    Direction: "inbound",
    From: o.from,
    To: o.to,
  };
  const voice = await postTwilioForm(account, { localBase: o.localBase, publicBase: o.publicBase, path: "/v1/telephony/twilio/voice", params: form });
  const twimls = o.gather ? await followGathers(account, o, voice.body, form, o.gather) : [voice.body];
  const last = twimls[twimls.length - 1]!;
  const url = /<Stream url="([^"]+)"/.exec(last)?.[1];
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(last)?.[1];
  const done = (line?: CallerLine): TwilioCallResult => ({
    ...(line?.result ?? { greetingMs: 0, turns: [], clears: 0, marksEchoed: 0, shapeErrors: [], frameTimes: [] }),
    callSid,
    twiml: last,
    twimls,
  });
  if (!url || !token) return done();
  const local = url.replace(/^wss?:\/\/[^/]+/, o.localBase.replace(/^http/, "ws"));
  const ws = new WebSocket(local, { headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(account.authToken, url, {}) } });

  let seq = 0;
  const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const line = new CallerLine(
    twilioLineWire(send, streamSid, () => String(++seq)),
    { ...(o.voice ? { voice: o.voice } : {}), ...(o.log ? { log: o.log } : {}), ...(o.turnTimeoutMs ? { turnTimeoutMs: o.turnTimeoutMs } : {}) },
  );
  if (url.includes("?")) line.shapeError("stream url has a query string (Twilio error 31920)");
  ws.on("message", (data: Buffer, isBinary) => {
    if (isBinary) return line.shapeError("binary frame");
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return line.shapeError("not JSON");
    }
    const parsed = twilioOutboundSchema.safeParse(json);
    if (!parsed.success) return line.shapeError(data.toString().slice(0, 120));
    const m = parsed.data;
    if (m.streamSid !== streamSid) line.shapeError(`wrong streamSid ${m.streamSid}`);
    line.onAgent(
      m.event === "media" ? { kind: "media", payload: m.media.payload } : m.event === "mark" ? { kind: "mark", name: m.mark.name } : { kind: "clear" },
    );
  });
  const closedP = new Promise<void>((r) => ws.on("close", (code) => (line.closedWith(code), r())));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  send({ event: "connected", protocol: "Call", version: "1.0.0" });
  send({
    event: "start",
    sequenceNumber: String(++seq),
    start: {
      accountSid: account.accountSid,
      streamSid,
      callSid,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token },
    },
    streamSid,
  });
  let redirectedTo: string | undefined;
  // A REST update moves the call to new TwiML: Twilio stops the stream (stop, then close) and the call goes on there.
  o.rest?.onUpdate(callSid, (update) => {
    redirectedTo = update.form.Twiml ?? update.form.Url;
    o.log?.(`(call redirected: ${redirectedTo ?? ""})`);
    send({ event: "stop", sequenceNumber: String(++seq), stop: { accountSid: account.accountSid, callSid }, streamSid });
    setTimeout(() => ws.readyState === ws.OPEN && ws.close(1000), 200);
  });
  line.start();
  try {
    await line.converse(o.steps, o.hangUpAfterMs);
  } finally {
    line.stop();
    if (!line.isClosed) {
      send({ event: "stop", sequenceNumber: String(++seq), stop: { accountSid: account.accountSid, callSid }, streamSid });
      await Promise.race([closedP, sleep(3000)]);
      if (!line.isClosed) ws.close();
    }
  }
  await postTwilioForm(account, {
    localBase: o.localBase,
    publicBase: o.publicBase,
    path: "/v1/telephony/twilio/status",
    params: { ...form, CallStatus: "completed", CallDuration: String(line.elapsedSec), SequenceNumber: "3", Timestamp: new Date().toUTCString() },
  });
  return { ...done(line), ...(redirectedTo ? { redirectedTo } : {}) };
}
