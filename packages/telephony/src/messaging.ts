import Telnyx, { APIError } from "telnyx";
import twilio from "twilio";
import type { Carrier } from "./call-lifecycle.ts";

/** A text message the carrier refused or could not be reached for; `retryable` says whether trying again may help. */
export class SmsSendError extends Error {
  override readonly name = "SmsSendError";
  constructor(
    readonly carrier: Carrier,
    /** The carrier's HTTP status; undefined when no answer came (network error, timeout). */
    readonly status: number | undefined,
    /** The carrier's own error code (Twilio 21211, Telnyx "40310"), when it gave one. */
    readonly code: string | undefined,
    readonly retryable: boolean,
    detail: string,
  ) {
    super(`${carrier === "twilio" ? "Twilio" : "Telnyx"} refused the text message: ${status ?? "no response"}${code ? ` (${code})` : ""} ${detail}`.trim());
  }
}

/** No answer, a timeout, rate limiting or a server error may pass; any other 4xx (invalid number, opted out) will not. */
const retryableStatus = (status: number | undefined) => status === undefined || status === 408 || status === 429 || status >= 500;

export type SmsCredentials = { carrier: "twilio"; accountSid: string; authToken: string } | { carrier: "telnyx"; apiKey: string };

export interface SmsRequest {
  from: string;
  to: string;
  body: string;
  /** Replaces https://api.twilio.com (TWILIO_API_URL) or https://api.telnyx.com/v2 (TELNYX_API_URL). */
  apiUrl?: string | undefined;
  timeoutMs?: number;
}

/**
 * Sends one SMS through the workspace's carrier with its official SDK — Twilio Messaging
 * (`messages.create`, form POST to /2010-04-01/Accounts/{sid}/Messages.json) or Telnyx Messaging
 * (`messages.send`, JSON POST to /v2/messages) — and returns the carrier's message id (`SM…` or a
 * UUID). No retries here: the caller's job retries when `SmsSendError.retryable`.
 */
export async function sendSms(credentials: SmsCredentials, message: SmsRequest): Promise<string> {
  const timeout = message.timeoutMs ?? 10_000;
  if (credentials.carrier === "twilio") {
    const client = twilio(credentials.accountSid, credentials.authToken, { autoRetry: false, timeout });
    if (message.apiUrl) client.api.baseUrl = message.apiUrl.replace(/\/$/, "");
    try {
      const sent = await client.messages.create({ from: message.from, to: message.to, body: message.body });
      return sent.sid;
    } catch (err) {
      if (err instanceof twilio.RestException) {
        throw new SmsSendError(
          "twilio",
          err.status,
          err.code === undefined ? undefined : String(err.code),
          retryableStatus(err.status),
          err.message.slice(0, 200),
        );
      }
      throw new SmsSendError("twilio", undefined, undefined, true, err instanceof Error ? err.message.slice(0, 200) : String(err));
    }
  }
  const client = new Telnyx({ apiKey: credentials.apiKey, maxRetries: 0, timeout, ...(message.apiUrl ? { baseURL: message.apiUrl.replace(/\/$/, "") } : {}) });
  let id: string | undefined;
  try {
    const sent = await client.messages.send({ from: message.from, to: message.to, text: message.body });
    id = sent.data?.id;
  } catch (err) {
    if (err instanceof APIError) {
      const first = (err.error as { errors?: { code?: string; title?: string; detail?: string }[] } | undefined)?.errors?.[0];
      const detail = first ? `${first.title ?? ""}${first.detail ? `: ${first.detail}` : ""}` : err.message;
      throw new SmsSendError("telnyx", err.status, first?.code, retryableStatus(err.status), detail.slice(0, 200));
    }
    throw new SmsSendError("telnyx", undefined, undefined, true, err instanceof Error ? err.message.slice(0, 200) : String(err));
  }
  if (!id) throw new SmsSendError("telnyx", 200, undefined, true, "the answer carried no message id");
  return id;
}
