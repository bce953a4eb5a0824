import { randomBytes, randomUUID } from "node:crypto";
import WebSocket from "ws";
import twilio from "twilio";
import { telnyxOutboundSchema, twilioOutboundSchema } from "@orbis/contracts";
import { encodeMulaw } from "@orbis/voice";
import { CallerLine, type EmulatedCallResult, type EmulatedStep } from "./caller-line.ts";
import { postTelnyxWebhook, telnyxEvent, type TelnyxDial, type TelnyxEmulator } from "./telnyx-emulator.ts";
import { twilioLineWire, type TwilioAccount } from "./twilio-emulator.ts";
import type { TwilioPlacedCall } from "./twilio-rest-emulator.ts";

/**
 * The far end of a call the agent placed, for both carrier emulators: who picks up (a person who says
 * "Hello?" and then talks, a voicemail that plays its greeting and a beep, nobody, a busy line) and what
 * the carrier's own answering-machine detection reports.
 */
export type Callee =
  | { kind: "human"; greeting: string; steps: EmulatedStep[]; carrierAmd?: string }
  | { kind: "machine"; greeting: string; beepHz?: number; carrierAmd?: string }
  | { kind: "busy" }
  | { kind: "no-answer" };

export interface CalleeResult extends EmulatedCallResult {
  providerCallId: string;
  /** ms of agent audio heard before the callee's first step (the opening), or after the beep (the voicemail). */
  openingMs: number;
  /** The agent's media socket closed the call (it hung up on a machine / after the voicemail). */
  agentHungUp: boolean;
  twiml?: string;
  log: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (n: number) => randomBytes(n).toString("hex");

/** A beep as a voicemail plays it: μ-law 20 ms frames of a pure tone. */
function beepFrames(hz: number, ms: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let f = 0; f < ms / 20; f++) {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++) pcm[i] = Math.round(Math.sin((2 * Math.PI * hz * (f * 160 + i)) / 8000) * 0.35 * 32767);
    frames.push(encodeMulaw(pcm));
  }
  return frames;
}

/** The callee's side once the media stream is up: greeting, then conversation or voicemail recording. */
async function calleeSpeaks(line: CallerLine, callee: Extract<Callee, { kind: "human" | "machine" }>, log: string[]) {
  if (callee.kind === "human") {
    await sleep(300);
    await line.say(callee.greeting);
    await line.converse(callee.steps);
    return line.result.greetingMs;
  }
  await sleep(200);
  await line.say(callee.greeting);
  await sleep(400);
  log.push(`(beep ${callee.beepHz ?? 1000} Hz)`);
  await line.play(beepFrames(callee.beepHz ?? 1000, 500));
  // The machine records: whatever the agent says now is the voicemail, until it hangs up.
  const heard = await line.agentSpoke();
  for (let i = 0; i < 60 && !line.isClosed; i++) await sleep(50);
  return heard;
}

/** Posts a form to a full public URL the way Twilio does (signed over that URL), to our local port. */
async function postSigned(account: TwilioAccount, publicUrl: string, localBase: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(account.authToken, publicUrl, params);
  const local = publicUrl.replace(/^https?:\/\/[^/]+/, localBase);
  const res = await fetch(local, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Twilio placing a call the REST API accepted: status callbacks (`initiated`, `ringing`, then
 * `in-progress` or `busy` / `no-answer`), on answer the signed fetch of the call's `Url`, the
 * `<Connect><Stream>` it returns (signed upgrade, connected/start/media/stop), the async AMD callback
 * when asked for, and the final `completed` with the call's duration.
 */
export async function twilioCallee(account: TwilioAccount, call: TwilioPlacedCall, o: { localBase: string; callee: Callee }): Promise<CalleeResult> {
  const log: string[] = [];
  let seqNo = 0;
  const base = { AccountSid: account.accountSid, ApiVersion: "2010-04-01", CallSid: call.sid, From: call.from, To: call.to, Direction: "outbound-api" };
  const status = (CallStatus: string, extra: Record<string, string> = {}) =>
    call.form.StatusCallback
      ? postSigned(account, call.form.StatusCallback, o.localBase, {
          ...base,
          CallStatus,
          SequenceNumber: String(seqNo++),
          Timestamp: new Date().toUTCString(),
          ...extra,
        })
      : Promise.resolve({ status: 0, body: "" });
  const empty: CalleeResult = {
    greetingMs: 0,
    turns: [],
    clears: 0,
    marksEchoed: 0,
    shapeErrors: [],
    frameTimes: [],
    providerCallId: call.sid,
    openingMs: 0,
    agentHungUp: false,
    log,
  };
  await status("initiated");
  await status("ringing");
  await sleep(100);
  if (o.callee.kind === "busy" || o.callee.kind === "no-answer") {
    await status(o.callee.kind, { CallDuration: "0" });
    return empty;
  }
  const callee = o.callee;
  await status("in-progress");
  const voice = await postSigned(account, call.form.Url!, o.localBase, { ...base, CallStatus: "in-progress" });
  const url = /<Stream url="([^"]+)"/.exec(voice.body)?.[1];
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(voice.body)?.[1];
  if (!url || !token) {
    await status("completed", { CallDuration: "1" });
    return { ...empty, twiml: voice.body, shapeErrors: [`no <Connect><Stream>: ${voice.status} ${voice.body.slice(0, 200)}`] };
  }
  const streamSid = `MZ${hex(16)}`;
  const ws = new WebSocket(url.replace(/^wss?:\/\/[^/]+/, o.localBase.replace(/^http/, "ws")), {
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(account.authToken, url, {}) },
  });
  let seq = 0;
  const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const line = new CallerLine(
    twilioLineWire(send, streamSid, () => String(++seq)),
    { log: (l) => log.push(l) },
  );
  let agentHungUp = false;
  ws.on("message", (data: Buffer) => {
    const parsed = twilioOutboundSchema.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) return line.shapeError(data.toString().slice(0, 120));
    const m = parsed.data;
    line.onAgent(
      m.event === "media" ? { kind: "media", payload: m.media.payload } : m.event === "mark" ? { kind: "mark", name: m.mark.name } : { kind: "clear" },
    );
  });
  const closed = new Promise<void>((r) =>
    ws.on("close", (code) => {
      if (!line.isClosed) agentHungUp = true;
      line.closedWith(code);
      r();
    }),
  );
  await new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));
  send({ event: "connected", protocol: "Call", version: "1.0.0" });
  send({
    event: "start",
    sequenceNumber: String(++seq),
    start: {
      accountSid: account.accountSid,
      streamSid,
      callSid: call.sid,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token },
    },
    streamSid,
  });
  line.start();
  if (callee.carrierAmd && call.form.AsyncAmdStatusCallback)
    setTimeout(
      () =>
        void postSigned(account, call.form.AsyncAmdStatusCallback!, o.localBase, {
          AccountSid: account.accountSid,
          CallSid: call.sid,
          AnsweredBy: callee.carrierAmd!,
          MachineDetectionDuration: "2100",
        }),
      800,
    );
  let openingMs = 0;
  try {
    openingMs = await calleeSpeaks(line, callee, log);
  } finally {
    line.stop();
    if (!line.isClosed) {
      send({ event: "stop", sequenceNumber: String(++seq), stop: { accountSid: account.accountSid, callSid: call.sid }, streamSid });
      await Promise.race([closed, sleep(3000)]);
      if (!line.isClosed) ws.close();
    }
  }
  await status("completed", { CallDuration: String(line.elapsedSec) });
  return { ...line.result, providerCallId: call.sid, openingMs, agentHungUp, twiml: voice.body, log };
}

/**
 * Telnyx dialling for us: `call.initiated` (outgoing) to the dial's webhook URL, then `call.answered`
 * and — once our `streaming_start` reaches the Call Control emulator — the media socket to its
 * `stream_url`; `call.machine.detection.ended` when AMD was asked for; `call.hangup` with Telnyx's
 * cause (`user_busy`, `timeout` for no answer, `normal_clearing`).
 */
export async function telnyxCallee(emu: TelnyxEmulator, dial: TelnyxDial, o: { localBase: string; callee: Callee }): Promise<CalleeResult> {
  const log: string[] = [];
  const ids = { call_control_id: dial.callControlId, call_leg_id: randomUUID(), call_session_id: randomUUID(), connection_id: dial.connection_id };
  const state = { client_state: dial.client_state };
  const path = dial.webhook_url.replace(/^https?:\/\/[^/]+/, "");
  const hook = (type: string, payload: Record<string, unknown>) =>
    postTelnyxWebhook(emu.account, o.localBase, telnyxEvent(type, { ...ids, ...state, ...payload }), { path });
  const empty: CalleeResult = {
    greetingMs: 0,
    turns: [],
    clears: 0,
    marksEchoed: 0,
    shapeErrors: [],
    frameTimes: [],
    providerCallId: dial.callControlId,
    openingMs: 0,
    agentHungUp: false,
    log,
  };
  const call = emu.calls.get(dial.callControlId)!;
  const startTime = new Date().toISOString();
  await hook("call.initiated", { direction: "outgoing", from: dial.from, to: dial.to, state: "bridging", start_time: startTime });
  await sleep(100);
  const hangup = async (cause: string) => {
    call.ended = true;
    await hook("call.hangup", {
      from: dial.from,
      to: dial.to,
      state: "hangup",
      hangup_cause: cause,
      hangup_source: "callee",
      start_time: startTime,
      end_time: new Date().toISOString(),
    });
  };
  if (o.callee.kind === "busy" || o.callee.kind === "no-answer") {
    await hangup(o.callee.kind === "busy" ? "user_busy" : "timeout");
    return empty;
  }
  const callee = o.callee;
  const streaming = new Promise<{ stream_url: string }>((r) => (call.streamStarted = r));
  await hook("call.answered", { from: dial.from, to: dial.to, state: "answered", start_time: startTime });
  const started = await Promise.race([streaming, sleep(10_000).then(() => undefined)]);
  if (!started) {
    await hangup("normal_clearing");
    return { ...empty, shapeErrors: ["no streaming_start within 10 s"] };
  }
  const streamId = randomUUID();
  const ws = new WebSocket(started.stream_url.replace(/^wss?:\/\/[^/]+/, o.localBase.replace(/^http/, "ws")));
  let seq = 0;
  const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const line = new CallerLine(
    {
      media: (chunk, payload) =>
        send({
          event: "media",
          sequence_number: String(++seq),
          stream_id: streamId,
          media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload },
        }),
      dtmf: (digit) => send({ event: "dtmf", stream_id: streamId, occurred_at: new Date().toISOString(), sequence_number: String(++seq), dtmf: { digit } }),
      mark: (name) => send({ event: "mark", sequence_number: String(++seq), stream_id: streamId, mark: { name } }),
    },
    { log: (l) => log.push(l) },
  );
  let agentHungUp = false;
  ws.on("message", (data: Buffer) => {
    const parsed = telnyxOutboundSchema.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) return line.shapeError(data.toString().slice(0, 120));
    const m = parsed.data;
    line.onAgent(
      m.event === "media" ? { kind: "media", payload: m.media.payload } : m.event === "mark" ? { kind: "mark", name: m.mark.name } : { kind: "clear" },
    );
  });
  const closed = new Promise<void>((r) =>
    ws.on("close", (code) => {
      if (!line.isClosed) agentHungUp = true;
      line.closedWith(code);
      r();
    }),
  );
  await new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));
  send({ event: "connected", version: "1.0.0" });
  send({
    event: "start",
    sequence_number: String(++seq),
    stream_id: streamId,
    start: {
      user_id: randomUUID(),
      call_control_id: dial.callControlId,
      client_state: dial.client_state,
      from: dial.from,
      to: dial.to,
      custom_parameters: {},
      media_format: { encoding: "PCMU", sample_rate: 8000, channels: 1 },
    },
  });
  line.start();
  if (callee.carrierAmd && dial.answering_machine_detection && dial.answering_machine_detection !== "disabled")
    setTimeout(() => void hook("call.machine.detection.ended", { result: callee.carrierAmd }), 800);
  let openingMs = 0;
  try {
    openingMs = await calleeSpeaks(line, callee, log);
  } finally {
    line.stop();
    if (!line.isClosed) {
      send({ event: "stop", sequence_number: String(++seq), stream_id: streamId, stop: { user_id: randomUUID(), call_control_id: dial.callControlId } });
      await Promise.race([closed, sleep(3000)]);
      if (!line.isClosed) ws.close();
    }
  }
  await hangup("normal_clearing");
  return { ...line.result, providerCallId: dial.callControlId, openingMs, agentHungUp, log };
}
