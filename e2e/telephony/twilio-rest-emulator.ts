import { createServer, type Server } from "node:http";
import type { TwilioAccount } from "./twilio-emulator.ts";

export interface TwilioCallUpdate {
  accountSid: string;
  callSid: string;
  /** The form fields as posted (Twiml, Url, Status, …). */
  form: Record<string, string>;
}

/**
 * A loopback Twilio REST API for live-call updates (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`):
 * checks HTTP Basic auth (account SID : auth token) and the form body, answers with a call resource
 * like Twilio (401 code 20003 for bad credentials, 404 code 20404 for an unknown call, 400 code 21220
 * for an update without TwiML or URL). A call registered with `onUpdate` is told when it is redirected
 * (the media stream then stops, as Twilio does when the TwiML moves on). Point TWILIO_API_URL at `url`.
 */
export class TwilioRestEmulator {
  readonly updates: TwilioCallUpdate[] = [];
  readonly rejected: { status: number; path: string }[] = [];
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

  /** A live call: `redirected` runs when its TwiML is replaced. */
  onUpdate(callSid: string, redirected: (update: TwilioCallUpdate) => void) {
    this.live.set(callSid, redirected);
  }

  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}
