import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelnyxEmulator } from "../../../e2e/telephony/telnyx-emulator.ts";
import { twilioAccount } from "../../../e2e/telephony/phone-harness.ts";
import { TwilioRestEmulator } from "../../../e2e/telephony/twilio-rest-emulator.ts";
import { sendSms, SmsSendError } from "../src/messaging.ts";

const account = twilioAccount();
let twilioEmu: TwilioRestEmulator;
let telnyxEmu: TelnyxEmulator;
const twilioCreds = () => ({ carrier: "twilio" as const, accountSid: account.accountSid, authToken: account.authToken });
const telnyxCreds = () => ({ carrier: "telnyx" as const, apiKey: telnyxEmu.account.apiKey });
const from = "+14155550100";

beforeAll(async () => {
  twilioEmu = await TwilioRestEmulator.start(account);
  telnyxEmu = await TelnyxEmulator.start();
});
afterAll(async () => {
  await twilioEmu?.close();
  await telnyxEmu?.close();
});

async function refusal(p: Promise<unknown>): Promise<SmsSendError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SmsSendError);
  return err as SmsSendError;
}

describe("sendSms through the official SDKs", () => {
  it("Twilio: posts the form with Basic auth and returns the message SID", async () => {
    const sid = await sendSms(twilioCreds(), { from, to: "+16505550101", body: "Hi Jane", apiUrl: twilioEmu.url });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilioEmu.messages.at(-1)).toMatchObject({
      sid,
      from,
      to: "+16505550101",
      body: "Hi Jane",
      form: { From: from, To: "+16505550101", Body: "Hi Jane" },
    });
  });

  it("Twilio: an invalid or unsubscribed number is final, a server error or a wrong token says so", async () => {
    const invalid = await refusal(sendSms(twilioCreds(), { from, to: "12345", body: "x", apiUrl: twilioEmu.url }));
    expect(invalid).toMatchObject({ carrier: "twilio", status: 400, code: "21211", retryable: false });
    twilioEmu.unsubscribed.add("+16505550102");
    expect(await refusal(sendSms(twilioCreds(), { from, to: "+16505550102", body: "x", apiUrl: twilioEmu.url }))).toMatchObject({
      code: "21610",
      retryable: false,
    });
    twilioEmu.failNextMessages.push(503);
    expect(await refusal(sendSms(twilioCreds(), { from, to: "+16505550103", body: "x", apiUrl: twilioEmu.url }))).toMatchObject({
      status: 503,
      retryable: true,
    });
    const wrong = { ...twilioCreds(), authToken: "not-the-token-0123456789" };
    expect(await refusal(sendSms(wrong, { from, to: "+16505550103", body: "x", apiUrl: twilioEmu.url }))).toMatchObject({ status: 401, retryable: false });
  });

  it("Telnyx: posts JSON with the Bearer key and returns the message id", async () => {
    const id = await sendSms(telnyxCreds(), { from, to: "+16505550104", body: "Hi Jane", apiUrl: telnyxEmu.apiUrl });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(telnyxEmu.messages.at(-1)).toMatchObject({ id, from, to: "+16505550104", text: "Hi Jane" });
  });

  it("Telnyx: an invalid number is final (422, 40310), a server error may pass, nothing listening may pass", async () => {
    const invalid = await refusal(sendSms(telnyxCreds(), { from, to: "555", body: "x", apiUrl: telnyxEmu.apiUrl }));
    expect(invalid).toMatchObject({ carrier: "telnyx", status: 422, code: "40310", retryable: false });
    expect(invalid.message).toMatch(/Invalid 'to' address/);
    telnyxEmu.failNextMessages.push(500);
    expect(await refusal(sendSms(telnyxCreds(), { from, to: "+16505550105", body: "x", apiUrl: telnyxEmu.apiUrl }))).toMatchObject({
      status: 500,
      retryable: true,
    });
    const closed = await refusal(sendSms(telnyxCreds(), { from, to: "+16505550105", body: "x", apiUrl: "http://127.0.0.1:9/v2", timeoutMs: 2000 }));
    expect(closed).toMatchObject({ status: undefined, retryable: true });
  });
});
