import twilio from "twilio";

/**
 * Hands a live Twilio call to a person: updates the call through the REST API (official SDK) with TwiML
 * `<Dial>` to the escalation number, which ends our `<Connect><Stream>` and bridges the caller there.
 * `apiUrl` replaces https://api.twilio.com (TWILIO_API_URL; a loopback emulator in tests).
 */
export async function twilioTransfer(o: {
  accountSid: string;
  authToken: string;
  callSid: string;
  to: string;
  apiUrl?: string | undefined;
  timeoutMs?: number;
}): Promise<string> {
  const client = twilio(o.accountSid, o.authToken, { autoRetry: true, maxRetries: 2, timeout: o.timeoutMs ?? 10_000 });
  if (o.apiUrl) client.api.baseUrl = o.apiUrl.replace(/\/$/, "");
  const response = new twilio.twiml.VoiceResponse();
  response.dial(o.to);
  const twiml = response.toString();
  await client.calls(o.callSid).update({ twiml });
  return twiml;
}
