import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import WebSocket from "ws";
import { z } from "zod";
import { telnyxOutboundSchema } from "@orbis/contracts";
import { CallerLine, type EmulatedCallResult, type EmulatedStep } from "./caller-line.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TelnyxAccount {
  apiKey: string;
  /** Base64 of the raw 32-byte Ed25519 public key, as Mission Control shows it. */
  publicKey: string;
  privateKey: KeyObject;
}

/** A Telnyx account: an API key for Call Control and the Ed25519 key pair webhooks are signed with. */
function telnyxAccount(): TelnyxAccount {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    apiKey: `KEY${randomBytes(16).toString("hex").toUpperCase()}`,
    publicKey: publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64"),
    privateKey,
  };
}

/** Posts a Call Control webhook signed like Telnyx: Ed25519 over `${timestamp}|${rawBody}` (docs/protocols.md). */
export async function postTelnyxWebhook(account: TelnyxAccount, localBase: string, body: object, o: { timestampSec?: number; path?: string } = {}) {
  const raw = JSON.stringify(body);
  const ts = String(o.timestampSec ?? Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(`${ts}|${raw}`), account.privateKey).toString("base64");
  const res = await fetch(`${localBase}${o.path ?? "/v1/telephony/telnyx/webhook"}`, {
    method: "POST",
    headers: { "content-type": "application/json", "telnyx-signature-ed25519": signature, "telnyx-timestamp": ts },
    body: raw,
  });
  return { status: res.status, body: await res.text() };
}

/** The `answer` command as we must send it: bidirectional RTP streaming, PCMU both ways, our media socket. */
const answerSchema = z
  .object({
    stream_url: z.string().regex(/^wss:\/\/[^/]+\/v1\/telephony\/telnyx\/media\?token=[^&]+$/),
    stream_track: z.enum(["inbound_track", "outbound_track", "both_tracks"]),
    stream_codec: z.literal("PCMU"),
    stream_bidirectional_mode: z.literal("rtp"),
    stream_bidirectional_codec: z.literal("PCMU"),
    client_state: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
    command_id: z.string().min(1),
  })
  .strict();
const transferSchema = z
  .object({
    to: z.string().regex(/^\+[1-9]\d{6,14}$/),
    command_id: z.string().min(1).optional(),
    client_state: z.string().optional(),
    from: z.string().optional(),
  })
  .loose();
/** An answer without a stream: a call we only speak to (a workspace over its plan hears a goodbye). */
const answerOnlySchema = z.object({ client_state: z.string().regex(/^[A-Za-z0-9+/]+=*$/), command_id: z.string().min(1) }).strict();
/** `streaming_start` for a call we dialled: the same bidirectional PCMU stream as an answer's. */
const streamingStartSchema = answerSchema.extend({
  client_state: z
    .string()
    .regex(/^[A-Za-z0-9+/]+=*$/)
    .optional(),
});
/** `POST /v2/calls` (dial) as we must send it. */
export const dialSchema = z
  .object({
    connection_id: z.string().min(1),
    to: z.string().regex(/^\+[1-9]\d{6,14}$/),
    from: z.string().regex(/^\+[1-9]\d{6,14}$/),
    webhook_url: z.string().regex(/^https:\/\/[^/]+\/v1\/telephony\/telnyx\/outbound\/webhook\?ws=[^&]+&call=[^&]+$/),
    client_state: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
    command_id: z.string().min(1),
    timeout_secs: z.number().int().min(5).max(600).optional(),
    answering_machine_detection: z.enum(["premium", "detect", "detect_beep", "detect_words", "greeting_end", "disabled"]).optional(),
  })
  .strict();
export type TelnyxDial = z.infer<typeof dialSchema> & { callControlId: string };
const commandSchemas: Record<string, z.ZodType> = {
  streaming_start: streamingStartSchema,
  answer: z.union([answerSchema, answerOnlySchema]),
  speak: z
    .object({
      payload: z.string().min(1).max(3000),
      voice: z.string().min(1),
      language: z.string().optional(),
      client_state: z.string().optional(),
      command_id: z.string().optional(),
    })
    .strict(),
  transfer: transferSchema,
  /** The practice line: ask for the code (Telnyx speaks the prompt and collects keys). */
  gather_using_speak: z
    .object({
      payload: z.string().min(1).max(3000),
      voice: z.string().min(1),
      language: z.string().optional(),
      minimum_digits: z.number().int().min(1).max(128),
      maximum_digits: z.number().int().min(1).max(128),
      maximum_tries: z.number().int().min(1).max(10).optional(),
      timeout_millis: z.number().int().min(1000).max(120_000).optional(),
      valid_digits: z
        .string()
        .regex(/^[0-9*#A-D]+$/)
        .optional(),
      client_state: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
      command_id: z.string().min(1),
    })
    .strict(),
  hangup: z.object({ command_id: z.string().optional(), client_state: z.string().optional() }).strict(),
};

/** `POST /v2/messages` as we must send it: an E.164 sender, an E.164 recipient and the text. */
const messageSchema = z
  .object({
    from: z.string().regex(/^\+[1-9]\d{6,14}$/),
    to: z.string(),
    text: z.string().min(1),
    messaging_profile_id: z.string().optional(),
    webhook_url: z.string().optional(),
    webhook_failover_url: z.string().optional(),
    use_profile_webhooks: z.boolean().optional(),
    type: z.enum(["SMS", "MMS"]).optional(),
  })
  .loose();

/** A message the emulated Messaging API accepted. */
export interface TelnyxSentMessage {
  id: string;
  from: string;
  to: string;
  text: string;
  body: Record<string, unknown>;
}

export interface TelnyxCommand {
  callControlId: string;
  action: string;
  authorization: string;
  body: Record<string, unknown>;
}

interface EmulatedCall {
  answered?: (body: z.infer<typeof answerSchema>) => void;
  /** A dialled call: our `streaming_start` after `call.answered`. */
  streamStarted?: (body: z.infer<typeof answerSchema>) => void;
  /** Every accepted command for this call, after its 200 (the practice line's gather follows them). */
  onCommand?: (action: string, body: Record<string, unknown>) => void;
  /** The carrier moved the call elsewhere (transfer) or dropped it (hangup): the media stream stops. */
  stopStream?: (reason: string) => void;
  ended: boolean;
}

/**
 * A loopback Telnyx Call Control API (`POST /v2/calls/{call_control_id}/actions/{action}`): checks the
 * Bearer API key and each command's body against what we must send, answers `{"data":{"result":"ok"}}`,
 * 401 for a wrong key, 422 (`90018`) for a call that has ended. Point TELNYX_API_URL at `apiUrl`.
 */
export class TelnyxEmulator {
  readonly commands: TelnyxCommand[] = [];
  /** Messaging (`POST /v2/messages`): what was accepted. */
  readonly messages: TelnyxSentMessage[] = [];
  /** Statuses the next message requests answer with (a 500 to exercise retries), consumed in order. */
  readonly failNextMessages: number[] = [];
  readonly shapeErrors: string[] = [];
  readonly calls = new Map<string, EmulatedCall>();
  /** Calls we dialled (`POST /v2/calls`); `onDial` decides what the callee does. */
  readonly dials: TelnyxDial[] = [];
  onDial: ((dial: TelnyxDial) => void) | undefined;
  /** The account's numbers and their Call Control connection (`GET /v2/phone_numbers`). */
  readonly numbers = new Map<string, string>();
  private constructor(
    readonly account: TelnyxAccount,
    private readonly server: Server,
    readonly apiUrl: string,
  ) {}

  static async start(account: TelnyxAccount = telnyxAccount()): Promise<TelnyxEmulator> {
    // The handler needs the instance, which needs the listening server's port.
    const self: { emu?: TelnyxEmulator } = {};
    const server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        const answer = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        if (req.method === "POST" && req.url === "/v2/messages" && self.emu) return self.emu.sendMessage(req.headers.authorization, raw, answer);
        if (req.method === "POST" && req.url === "/v2/calls" && self.emu) return self.emu.dial(req.headers.authorization, raw, answer);
        if (req.method === "GET" && req.url?.startsWith("/v2/phone_numbers") && self.emu)
          return self.emu.listNumbers(req.headers.authorization, req.url, answer);
        const m = /^\/v2\/calls\/([^/]+)\/actions\/([a-z_]+)$/.exec(req.url ?? "");
        if (req.method !== "POST" || !m || !self.emu) return answer(404, { errors: [{ code: "10005", title: "Resource not found" }] });
        if (req.headers.authorization !== `Bearer ${account.apiKey}`) return answer(401, { errors: [{ code: "10009", title: "Authentication failed" }] });
        const callControlId = decodeURIComponent(m[1]!);
        const action = m[2]!;
        let body: Record<string, unknown>;
        try {
          body = z.record(z.string(), z.unknown()).parse(JSON.parse(raw || "{}"));
        } catch {
          return answer(400, { errors: [{ code: "10015", title: "Bad request" }] });
        }
        self.emu.commands.push({ callControlId, action, authorization: req.headers.authorization, body });
        const schema = commandSchemas[action];
        const checked = schema?.safeParse(body);
        if (!checked?.success) self.emu.shapeErrors.push(`${action}: ${checked ? JSON.stringify(checked.error.issues[0]) : "unexpected command"}`);
        const call = self.emu.calls.get(callControlId);
        if (!call || call.ended)
          return answer(422, {
            errors: [{ code: "90018", title: "Call has already ended", detail: "This call is no longer active and can't receive commands." }],
          });
        answer(200, { data: { result: "ok" } });
        call.onCommand?.(action, body);
        if (action === "answer" && checked?.success && "stream_url" in (checked.data as object)) call.answered?.(checked.data as z.infer<typeof answerSchema>);
        if (action === "streaming_start" && checked?.success) call.streamStarted?.(checked.data as z.infer<typeof answerSchema>);
        if (action === "transfer" || action === "hangup") call.stopStream?.(action);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    const emu = (self.emu = new TelnyxEmulator(account, server, `http://127.0.0.1:${port}/v2`));
    return emu;
  }

  /**
   * Sending a message as Telnyx documents it: Bearer API key, JSON `{from, to, text}`; 200 with
   * `{data: {record_type: "message", direction: "outbound", id, type: "SMS", from: {…}, to: [{phone_number,
   * status: "queued"}], text, parts, encoding, …}}`; 422 with `errors[{code, title, detail, source}]` for a
   * bad body (40310 invalid `to`, 40305 invalid `from`, 10015 otherwise).
   */
  private sendMessage(authorization: string | undefined, raw: string, answer: (status: number, body: object) => void) {
    if (authorization !== `Bearer ${this.account.apiKey}`) return answer(401, { errors: [{ code: "10009", title: "Authentication failed" }] });
    const forced = this.failNextMessages.shift();
    if (forced) return answer(forced, { errors: [{ code: "10007", title: "Unexpected error", detail: "An unexpected error occurred." }] });
    let json: unknown;
    try {
      json = JSON.parse(raw || "{}");
    } catch {
      return answer(400, { errors: [{ code: "10015", title: "Bad request", detail: "The request body is not valid JSON." }] });
    }
    const parsed = messageSchema.safeParse(json);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? "");
      const code = field === "from" ? "40305" : "10015";
      return answer(422, { errors: [{ code, title: "Invalid parameter", detail: parsed.error.issues[0]?.message, source: { pointer: `/${field}` } }] });
    }
    const body = parsed.data;
    if (!/^\+[1-9]\d{6,14}$/.test(body.to))
      return answer(422, {
        errors: [{ code: "40310", title: "Invalid 'to' address", detail: "The 'to' address should be in E.164 format.", source: { pointer: "/to" } }],
      });
    const id = randomUUID();
    this.messages.push({ id, from: body.from, to: body.to, text: body.text, body: body as Record<string, unknown> });
    const now = new Date().toISOString();
    answer(200, {
      data: {
        record_type: "message",
        direction: "outbound",
        id,
        type: "SMS",
        messaging_profile_id: body.messaging_profile_id ?? "400176e7-1c63-4b1e-9a2d-5a9f4c8b7e21",
        organization_id: "b448f9cc-a842-4784-98e9-03c1a5872950",
        from: { phone_number: body.from, carrier: "Telnyx", line_type: "Wireless" },
        to: [{ phone_number: body.to, status: "queued", carrier: "T-MOBILE USA, INC.", line_type: "Wireless" }],
        cc: [],
        text: body.text,
        media: [],
        webhook_url: body.webhook_url ?? "",
        webhook_failover_url: body.webhook_failover_url ?? "",
        encoding: "GSM-7",
        parts: Math.max(1, Math.ceil(body.text.length / 160)),
        tags: [],
        cost: null,
        received_at: now,
        sent_at: null,
        completed_at: null,
        valid_until: new Date(Date.now() + 3600_000).toISOString(),
        errors: [],
      },
    });
  }

  /**
   * Dial as Telnyx documents it: Bearer key, JSON body checked against what we must send; 200 with
   * `{data: {call_control_id, call_leg_id, call_session_id, is_alive: false, record_type: "call"}}`,
   * 422 (10015) for a bad body. The callee then does what `onDial` makes it do.
   */
  private dial(authorization: string | undefined, raw: string, answer: (status: number, body: object) => void) {
    if (authorization !== `Bearer ${this.account.apiKey}`) return answer(401, { errors: [{ code: "10009", title: "Authentication failed" }] });
    let json: unknown;
    try {
      json = JSON.parse(raw || "{}");
    } catch {
      return answer(400, { errors: [{ code: "10015", title: "Bad request" }] });
    }
    const parsed = dialSchema.safeParse(json);
    if (!parsed.success) {
      this.shapeErrors.push(`dial: ${JSON.stringify(parsed.error.issues[0])}`);
      return answer(422, { errors: [{ code: "10015", title: "Invalid parameter", detail: parsed.error.issues[0]?.message }] });
    }
    const callControlId = `v3:${randomBytes(18).toString("base64url")}`;
    const dial = { ...parsed.data, callControlId };
    this.dials.push(dial);
    this.calls.set(callControlId, { ended: false });
    answer(200, {
      data: {
        call_control_id: callControlId,
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        is_alive: false,
        record_type: "call",
        client_state: dial.client_state,
      },
    });
    setImmediate(() => this.onDial?.(dial));
  }

  /** `GET /v2/phone_numbers?filter[phone_number]=…`: the account's numbers with their connection. */
  private listNumbers(authorization: string | undefined, url: string, answer: (status: number, body: object) => void) {
    if (authorization !== `Bearer ${this.account.apiKey}`) return answer(401, { errors: [{ code: "10009", title: "Authentication failed" }] });
    const wanted = new URL(url, "http://x").searchParams.get("filter[phone_number]");
    const data = [...this.numbers]
      .filter(([n]) => !wanted || n === wanted)
      .map(([phone_number, connection_id]) => ({ id: randomUUID(), record_type: "phone_number", phone_number, connection_id, status: "active" }));
    answer(200, { data, meta: { page_number: 1, page_size: 20, total_pages: 1, total_results: data.length } });
  }

  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A `message.received` webhook (an inbound SMS to a Telnyx number), as Telnyx posts it. */
export function telnyxMessageReceived(o: { from: string; to: string; text: string }) {
  return {
    data: {
      record_type: "event",
      event_type: "message.received",
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      payload: {
        record_type: "message",
        direction: "inbound",
        id: randomUUID(),
        type: "SMS",
        messaging_profile_id: "400176e7-1c63-4b1e-9a2d-5a9f4c8b7e21",
        from: { phone_number: o.from, carrier: "T-MOBILE USA, INC.", line_type: "Wireless" },
        to: [{ phone_number: o.to, status: "webhook_delivered", carrier: "Telnyx", line_type: "Wireless" }],
        cc: [],
        text: o.text,
        media: [],
        encoding: "GSM-7",
        parts: 1,
        tags: [],
        received_at: new Date().toISOString(),
        errors: [],
      },
    },
    meta: { attempt: 1, delivered_to: "https://voice.example.test/v1/telephony/telnyx/sms" },
  };
}

export interface TelnyxCallResult extends EmulatedCallResult {
  callControlId: string;
  answer?: z.infer<typeof answerSchema>;
  /** The practice line: what each gather prompt said, in order. */
  prompts?: string[];
  /** Why the media stream stopped: "caller" (we hung up), "transfer" or "hangup" (a command), "gateway" (socket closed by us). */
  stoppedBy: string;
}

/** One webhook body as Telnyx sends it (docs/protocols.md). */
export function telnyxEvent(eventType: string, payload: Record<string, unknown>) {
  return {
    data: { record_type: "event", event_type: eventType, id: randomUUID(), occurred_at: new Date().toISOString(), payload },
    meta: { attempt: 1, delivered_to: "https://voice.example.test/v1/telephony/telnyx/webhook" },
  };
}

/**
 * A loopback Telnyx call: `call.initiated` signed with the account's Ed25519 key → our `answer` command
 * arrives at the emulated Call Control API → `call.answered`, then the media WebSocket to the answer's
 * `stream_url` (connected/start/media with `chunk`/`sequence_number`, every 25th frame delivered after
 * its successor to exercise reordering), `streaming.started`; speech at real time, playback at real
 * time with marks echoed; finally `stop`, `streaming.stopped` and `call.hangup` (normal_clearing).
 */
export async function placeTelnyxCall(
  emu: TelnyxEmulator,
  o: {
    localBase: string;
    from: string;
    to: string;
    steps: EmulatedStep[];
    voice?: string;
    log?: (line: string) => void;
    hangUpAfterMs?: number;
    turnTimeoutMs?: number;
    /** Keys the caller presses at each `gather_using_speak` prompt, in order (a practice line's code). */
    gather?: readonly string[];
  },
): Promise<TelnyxCallResult> {
  const callControlId = `v3:${randomBytes(18).toString("base64url")}`;
  const ids = { call_control_id: callControlId, call_leg_id: randomUUID(), call_session_id: randomUUID(), connection_id: "1684641123236054244" };
  const call: EmulatedCall = { ended: false };
  emu.calls.set(callControlId, call);
  const answered = new Promise<z.infer<typeof answerSchema>>((r) => (call.answered = r));
  // The practice line's commands start with the answer to call.initiated: queue them from the start.
  const commands = o.gather ? commandQueue(call) : undefined;
  const startTime = new Date().toISOString();
  const initiated = await postTelnyxWebhook(
    emu.account,
    o.localBase,
    telnyxEvent("call.initiated", {
      ...ids,
      client_state: null,
      direction: "incoming",
      from: o.from,
      to: o.to,
      state: "parked",
      start_time: startTime,
      caller_id_name: o.from,
      custom_headers: [],
      sip_headers: [],
      offered_codecs: "PCMU,PCMA",
      tags: [],
    }),
  );
  const result = (line?: CallerLine, extra: Partial<TelnyxCallResult> = {}): TelnyxCallResult => ({
    ...(line?.result ?? { greetingMs: 0, turns: [], clears: 0, marksEchoed: 0, shapeErrors: [], frameTimes: [] }),
    callControlId,
    stoppedBy: "none",
    ...extra,
  });
  if (initiated.status !== 200) return result(undefined, { shapeErrors: [`call.initiated answered ${initiated.status}: ${initiated.body}`] });
  let answer: z.infer<typeof answerSchema> | undefined;
  const prompts: string[] = [];
  if (o.gather) {
    const gathered = await gatherThenStream(emu, call, commands!, { ...o, gather: o.gather, ids, startTime, prompts });
    if (!gathered.stream) return result(undefined, { prompts, stoppedBy: gathered.stoppedBy, shapeErrors: gathered.errors });
    answer = gathered.stream;
  } else {
    answer = await Promise.race([answered, sleep(10_000).then(() => undefined)]);
    if (!answer) return result(undefined, { shapeErrors: ["no valid answer command within 10 s"] });
    await postTelnyxWebhook(
      emu.account,
      o.localBase,
      telnyxEvent("call.answered", { ...ids, client_state: answer.client_state, from: o.from, to: o.to, state: "answered", start_time: startTime }),
    );
  }
  const state = { client_state: answer.client_state };

  const streamId = randomUUID();
  const ws = new WebSocket(answer.stream_url.replace(/^wss?:\/\/[^/]+/, o.localBase.replace(/^http/, "ws")));
  let seq = 0;
  const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  let held: object | undefined;
  const line = new CallerLine(
    {
      media: (chunk, payload) => {
        const frame = {
          event: "media",
          sequence_number: String(++seq),
          stream_id: streamId,
          media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload },
        };
        // RTP over the internet: "frame order is not guaranteed". Every 25th frame arrives after the next one.
        if (chunk % 25 === 0) return void (held = frame);
        send(frame);
        if (held) send(held);
        held = undefined;
      },
      dtmf: (digit) => send({ event: "dtmf", stream_id: streamId, occurred_at: new Date().toISOString(), sequence_number: String(++seq), dtmf: { digit } }),
      mark: (name) => send({ event: "mark", sequence_number: String(++seq), stream_id: streamId, mark: { name } }),
    },
    { ...(o.voice ? { voice: o.voice } : {}), ...(o.log ? { log: o.log } : {}), ...(o.turnTimeoutMs ? { turnTimeoutMs: o.turnTimeoutMs } : {}) },
  );
  let stoppedBy = "gateway";
  ws.on("message", (data: Buffer, isBinary) => {
    if (isBinary) return line.shapeError("binary frame");
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return line.shapeError("not JSON");
    }
    const parsed = telnyxOutboundSchema.safeParse(json);
    if (!parsed.success) return line.shapeError(data.toString().slice(0, 120));
    const m = parsed.data;
    line.onAgent(
      m.event === "media" ? { kind: "media", payload: m.media.payload } : m.event === "mark" ? { kind: "mark", name: m.mark.name } : { kind: "clear" },
    );
  });
  const closedP = new Promise<void>((r) => ws.on("close", (code) => (line.closedWith(code), r())));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const stopStream = () => {
    send({ event: "stop", sequence_number: String(++seq), stream_id: streamId, stop: { user_id: randomUUID(), call_control_id: callControlId } });
  };
  call.stopStream = (reason) => {
    stoppedBy = reason;
    o.log?.(`(${reason} command: the media stream stops)`);
    stopStream();
    setTimeout(() => ws.readyState === ws.OPEN && ws.close(1000), 200);
  };
  send({ event: "connected", version: "1.0.0" });
  send({
    event: "start",
    sequence_number: String(++seq),
    stream_id: streamId,
    start: {
      user_id: randomUUID(),
      call_control_id: callControlId,
      client_state: answer.client_state,
      from: o.from,
      to: o.to,
      custom_parameters: {},
      media_format: { encoding: "PCMU", sample_rate: 8000, channels: 1 },
    },
  });
  await postTelnyxWebhook(emu.account, o.localBase, telnyxEvent("streaming.started", { ...ids, ...state, stream_url: answer.stream_url }));
  line.start();
  try {
    await line.converse(o.steps, o.hangUpAfterMs);
  } finally {
    line.stop();
    if (!line.isClosed) {
      stoppedBy = "caller";
      stopStream();
      await Promise.race([closedP, sleep(3000)]);
      if (!line.isClosed) ws.close();
    }
  }
  call.ended = true;
  await postTelnyxWebhook(emu.account, o.localBase, telnyxEvent("streaming.stopped", { ...ids, ...state, stream_url: answer.stream_url }));
  await postTelnyxWebhook(
    emu.account,
    o.localBase,
    telnyxEvent("call.hangup", {
      ...ids,
      ...state,
      from: o.from,
      to: o.to,
      state: "hangup",
      hangup_cause: "normal_clearing",
      hangup_source: stoppedBy === "caller" ? "caller" : "callee",
      sip_hangup_cause: "200",
      start_time: startTime,
      end_time: new Date().toISOString(),
    }),
  );
  return result(line, { answer, stoppedBy, ...(o.gather ? { prompts } : {}) });
}

/** The commands a call receives, in order: `next()` waits up to 10 s for the next one. */
function commandQueue(call: EmulatedCall): () => Promise<{ action: string; body: Record<string, unknown> } | undefined> {
  const queue: { action: string; body: Record<string, unknown> }[] = [];
  let wake: (() => void) | undefined;
  call.onCommand = (action, body) => {
    queue.push({ action, body });
    wake?.();
  };
  return async () => {
    const until = Date.now() + 10_000;
    while (queue.length === 0 && Date.now() < until) await Promise.race([new Promise<void>((r) => (wake = r)), sleep(until - Date.now())]);
    return queue.shift();
  };
}

/**
 * The practice line's first part, as Telnyx runs it: our `answer` without a stream → `call.answered`;
 * each `gather_using_speak` → `call.gather.ended` with the caller's next keys (`valid` for six digits,
 * `invalid` for others, `timeout` for none); a `speak` → `call.speak.ended`; a `hangup` ends the call
 * (`call.hangup`); `streaming_start` hands over to the media stream (its body, checked like an answer's).
 */
async function gatherThenStream(
  emu: TelnyxEmulator,
  call: EmulatedCall,
  next: () => Promise<{ action: string; body: Record<string, unknown> } | undefined>,
  o: { localBase: string; from: string; to: string; gather: readonly string[]; ids: Record<string, string>; startTime: string; prompts: string[] },
): Promise<{ stream?: z.infer<typeof answerSchema>; stoppedBy: string; errors: string[] }> {
  const post = (type: string, payload: Record<string, unknown>) =>
    postTelnyxWebhook(emu.account, o.localBase, telnyxEvent(type, { ...o.ids, from: o.from, to: o.to, ...payload }));
  const entries = [...o.gather];
  for (;;) {
    const cmd = await next();
    if (!cmd) return { stoppedBy: "none", errors: ["no command within 10 s"] };
    const clientState = typeof cmd.body.client_state === "string" ? cmd.body.client_state : null;
    switch (cmd.action) {
      case "answer":
        await post("call.answered", { client_state: clientState, state: "answered", start_time: o.startTime });
        break;
      case "gather_using_speak": {
        o.prompts.push(String(cmd.body.payload));
        const digits = entries.shift() ?? "";
        await post("call.gather.ended", {
          client_state: clientState,
          digits,
          status: digits === "" ? "timeout" : /^\d{6}$/.test(digits) ? "valid" : "invalid",
        });
        break;
      }
      case "speak":
        o.prompts.push(String(cmd.body.payload));
        await post("call.speak.ended", { client_state: clientState, status: "completed" });
        break;
      case "hangup":
        call.ended = true;
        await post("call.hangup", {
          client_state: clientState,
          state: "hangup",
          hangup_cause: "normal_clearing",
          hangup_source: "callee",
          start_time: o.startTime,
        });
        return { stoppedBy: "hangup", errors: [] };
      case "streaming_start": {
        const parsed = answerSchema.safeParse(cmd.body);
        return parsed.success
          ? { stream: parsed.data, stoppedBy: "none", errors: [] }
          : { stoppedBy: "none", errors: [`streaming_start: ${parsed.error.message}`] };
      }
      default:
        return { stoppedBy: "none", errors: [`unexpected command ${cmd.action}`] };
    }
  }
}
