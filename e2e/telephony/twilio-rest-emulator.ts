import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { TwilioAccount } from "./twilio-emulator.ts";

export interface TwilioCallUpdate {
  accountSid: string;
  callSid: string;
  /** The form fields as posted (Twiml, Url, Status, …). */
  form: Record<string, string>;
}

/** A message as the emulated Messaging API accepted it (`POST …/Messages.json`). */
export interface TwilioSentMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  /** The form fields as posted (To, From, Body, StatusCallback, …). */
  form: Record<string, string>;
}

/** A call placed through the REST API (`POST …/Calls.json`), as Twilio accepted it. */
export interface TwilioPlacedCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  /** The form fields as posted (Url, StatusCallback, MachineDetection, AsyncAmd, …). */
  form: Record<string, string>;
  /** `StatusCallbackEvent`, which the SDK repeats once per event. */
  statusCallbackEvents: string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;
const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");
const hex32 = () => Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");

/**
 * A loopback Twilio REST API for live-call updates (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`):
 * checks HTTP Basic auth (account SID : auth token) and the form body, answers with a call resource
 * like Twilio (401 code 20003 for bad credentials, 404 code 20404 for an unknown call, 400 code 21220
 * for an update without TwiML or URL). A call registered with `onUpdate` is told when it is redirected
 * (the media stream then stops, as Twilio does when the TwiML moves on). Point TWILIO_API_URL at `url`.
 */
export class TwilioRestEmulator {
  readonly updates: TwilioCallUpdate[] = [];
  /** Programmable Messaging (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`): what was accepted. */
  readonly messages: TwilioSentMessage[] = [];
  /** Numbers that texted STOP to the account: Twilio refuses to send to them (400, code 21610). */
  readonly unsubscribed = new Set<string>();
  /** Statuses the next Messages requests answer with (a 500 to exercise retries), consumed in order. */
  readonly failNextMessages: number[] = [];
  readonly rejected: { status: number; path: string }[] = [];
  /** Outbound calls placed (`POST …/Calls.json`); `onPlaced` decides what the callee does. */
  readonly placed: TwilioPlacedCall[] = [];
  onPlaced: ((call: TwilioPlacedCall) => void) | undefined;
  private readonly live = new Map<string, (update: TwilioCallUpdate) => void>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(account: TwilioAccount): Promise<TwilioRestEmulator> {
    // The handler needs the instance, which needs the listening server's port.
    const self: { emu?: TwilioRestEmulator } = {};
    const server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        const reply = (status: number, body: object) => {
          if (status >= 300) self.emu?.rejected.push({ status, path: req.url ?? "" });
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        };
        const msg = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/.exec(req.url ?? "");
        if (msg && self.emu && req.method === "POST") return self.emu.createMessage(account, msg[1]!, req.headers, raw, reply);
        const placing = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Calls\.json$/.exec(req.url ?? "");
        if (placing && self.emu && req.method === "POST") return self.emu.placeCall(account, placing[1]!, req.headers, raw, reply);
        const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Calls\/(CA[0-9a-fA-F]{32})\.json$/.exec(req.url ?? "");
        if (!self.emu || req.method !== "POST" || !m) return reply(404, { code: 20404, message: "The requested resource was not found", status: 404 });
        const expected = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`;
        if (req.headers.authorization !== expected || m[1] !== account.accountSid) return reply(401, { code: 20003, message: "Authenticate", status: 401 });
        if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
          return reply(400, { code: 20001, message: "Form body expected", status: 400 });
        const form = Object.fromEntries(new URLSearchParams(raw));
        if (!form.Twiml && !form.Url && !form.Status) return reply(400, { code: 21220, message: "Invalid call state or no TwiML, Url or Status", status: 400 });
        const callSid = m[2]!;
        const notify = self.emu.live.get(callSid);
        if (!notify)
          return reply(404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${m[1]}/Calls/${callSid}.json was not found`, status: 404 });
        const update = { accountSid: m[1]!, callSid, form };
        self.emu.updates.push(update);
        reply(200, {
          sid: callSid,
          account_sid: m[1],
          status: "in-progress",
          api_version: "2010-04-01",
          direction: "inbound",
          uri: `/2010-04-01/Accounts/${m[1]}/Calls/${callSid}.json`,
        });
        setImmediate(() => notify(update));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    const emu = (self.emu = new TwilioRestEmulator(server, `http://127.0.0.1:${port}`));
    return emu;
  }

  /**
   * Message creation as Twilio documents it: Basic auth, a form with `To`, `From` (or
   * `MessagingServiceSid`) and `Body` (or `MediaUrl`); 201 with the Message resource (`sid` SM + 32 hex,
   * `status` queued); 400 with code 21604 / 21603 / 21602 for a missing To / From / Body, 21211 for a
   * To that is not a phone number, 21610 for a recipient who replied STOP.
   */
  private createMessage(account: TwilioAccount, accountSid: string, headers: IncomingHttpHeaders, raw: string, reply: (status: number, body: object) => void) {
    const expected = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`;
    if (headers.authorization !== expected || accountSid !== account.accountSid) return reply(401, { code: 20003, message: "Authenticate", status: 401 });
    if (!String(headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      return reply(400, { code: 20001, message: "Form body expected", status: 400 });
    const form = Object.fromEntries(new URLSearchParams(raw));
    const error = (code: number, message: string) => reply(400, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
    const forced = this.failNextMessages.shift();
    if (forced) return reply(forced, { code: 20500, message: "Internal Server Error", more_info: "https://www.twilio.com/docs/errors/20500", status: forced });
    if (!form.To) return error(21604, "A 'To' phone number is required.");
    if (!form.From && !form.MessagingServiceSid) return error(21603, "A 'From' phone number is required.");
    if (!form.Body && !form.MediaUrl) return error(21602, "Message body is required.");
    if (!E164.test(form.To)) return error(21211, `Invalid 'To' Phone Number: ${form.To}`);
    if (this.unsubscribed.has(form.To)) return error(21610, "Attempt to send to unsubscribed recipient");
    const sid = `SM${hex32()}`;
    const now = rfc2822(new Date());
    this.messages.push({ sid, accountSid, from: form.From ?? "", to: form.To, body: form.Body ?? "", form });
    reply(201, {
      account_sid: accountSid,
      api_version: "2010-04-01",
      body: form.Body ?? "",
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_media: "0",
      num_segments: String(Math.max(1, Math.ceil((form.Body ?? "").length / 160))),
      price: null,
      price_unit: "USD",
      sid,
      status: "queued",
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to: form.To,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  }

  /**
   * Call creation as Twilio documents it: Basic auth, a form with `To`, `From` and `Url` (or `Twiml`);
   * 201 with the Call resource (`sid` CA + 32 hex, `status` queued, `direction` outbound-api); 400 with
   * 21201 / 21213 / 21205 for a missing To / From / Url, 21217 for a To that is not a phone number.
   * The call then does what `onPlaced` makes it do (ring, answer and stream, be busy…).
   */
  private placeCall(account: TwilioAccount, accountSid: string, headers: IncomingHttpHeaders, raw: string, reply: (status: number, body: object) => void) {
    const expected = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`;
    if (headers.authorization !== expected || accountSid !== account.accountSid) return reply(401, { code: 20003, message: "Authenticate", status: 401 });
    if (!String(headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      return reply(400, { code: 20001, message: "Form body expected", status: 400 });
    const params = new URLSearchParams(raw);
    const form = Object.fromEntries(params);
    const error = (code: number, message: string) => reply(400, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
    if (!form.To) return error(21201, "No 'To' number is specified");
    if (!form.From) return error(21213, "No 'From' number is specified");
    if (!form.Url && !form.Twiml) return error(21205, "Url parameter is required");
    if (!E164.test(form.To)) return error(21217, "Phone number does not appear to be valid");
    const sid = `CA${hex32()}`;
    const call: TwilioPlacedCall = { sid, accountSid, to: form.To, from: form.From, form, statusCallbackEvents: params.getAll("StatusCallbackEvent") };
    this.placed.push(call);
    const now = rfc2822(new Date());
    reply(201, {
      sid,
      account_sid: accountSid,
      to: form.To,
      from: form.From,
      status: "queued",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: now,
      date_updated: now,
      start_time: null,
      end_time: null,
      duration: null,
      price: null,
      answered_by: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
    });
    setImmediate(() => this.onPlaced?.(call));
  }

  /** A live call: `redirected` runs when its TwiML is replaced. */
  onUpdate(callSid: string, redirected: (update: TwilioCallUpdate) => void) {
    this.live.set(callSid, redirected);
  }

  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}
