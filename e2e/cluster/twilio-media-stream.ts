import { randomBytes } from "node:crypto";
import twilio from "twilio";
import WebSocket from "ws";
import { twilioOutboundSchema } from "@orbis/contracts";
import type { TwilioAccount } from "../telephony/twilio-emulator.ts";

/**
 * Twilio's side of a media stream, reduced to what a cluster test needs: follows the `<Connect><Stream>`
 * of a voice webhook's TwiML to the given process (`localWsBase`, wherever the proxy sends it), opens the
 * socket signed as Twilio signs it, sends `connected` and `start` with the TwiML's token, and reports the
 * agent's first audio. No caller speech (e2e/telephony/twilio-emulator.ts has the full caller).
 */
export async function openTwilioMediaStream(account: TwilioAccount, o: { twiml: string; localWsBase: string; callSid: string }) {
  const publicUrl = /<Stream url="([^"]+)"/.exec(o.twiml)?.[1];
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(o.twiml)?.[1];
  if (!publicUrl || !token) throw new Error(`no <Stream> in the TwiML: ${o.twiml}`);
  const streamSid = `MZ${randomBytes(16).toString("hex")}`;
  const ws = new WebSocket(publicUrl.replace(/^wss?:\/\/[^/]+/, o.localWsBase), {
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(account.authToken, publicUrl, {}) },
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  const firstAudio = new Promise<boolean>((resolve) => {
    ws.on("message", (data: Buffer) => {
      const parsed = twilioOutboundSchema.safeParse(JSON.parse(data.toString()));
      if (parsed.success && parsed.data.event === "media" && parsed.data.streamSid === streamSid) resolve(true);
    });
    void closed.then(() => resolve(false));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let seq = 0;
  const send = (m: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
  send({ event: "connected", protocol: "Call", version: "1.0.0" });
  send({
    event: "start",
    sequenceNumber: String(++seq),
    streamSid,
    start: {
      accountSid: account.accountSid,
      streamSid,
      callSid: o.callSid,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token },
    },
  });
  return {
    /** True once the agent's first audio (its greeting) arrived on this stream; false if it closed first. */
    firstAudio,
    /** The caller hung up: Twilio sends `stop` and closes. */
    async stop(): Promise<number> {
      send({ event: "stop", sequenceNumber: String(++seq), streamSid, stop: { accountSid: account.accountSid, callSid: o.callSid } });
      setTimeout(() => ws.readyState === WebSocket.OPEN && ws.close(1000), 500).unref();
      return closed;
    },
  };
}
