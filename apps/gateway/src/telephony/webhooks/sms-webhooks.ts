import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import { AppError } from "@orbis/contracts";
import type { Cache } from "@orbis/cache";
import type { TenantScope } from "@orbis/db";
import type { CredentialsService } from "@orbis/credentials";
import { verifyTelnyxSignature, type TelephonyService } from "@orbis/telephony";

/** Carrier keywords (CTIA): these stop every message from the sender… */
const STOP_WORDS = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
/** …and these start them again. */
const START_WORDS = new Set(["START", "UNSTOP"]);
/** A signed request seen again within this window is a replay, not a retry. */
const REPLAY_WINDOW_SEC = 24 * 3600;

type SmsKeyword = "stop" | "start";
/** The keyword a whole message is (case and surrounding spaces and punctuation ignored), if any. */
function keywordOf(text: string): SmsKeyword | undefined {
  const word = text
    .trim()
    .replace(/[.!\s]+$/, "")
    .toUpperCase();
  return STOP_WORDS.has(word) ? "stop" : START_WORDS.has(word) ? "start" : undefined;
}

/** Records a STOP (opt-out) or START (opt back in) of `phone` for the workspace, with its audit row. */
async function applyKeyword(tenant: TenantScope, keyword: SmsKeyword, phone: string, carrier: "twilio" | "telnyx") {
  await tenant.transaction(async (t) => {
    if (keyword === "stop") await t.sms.optOut(phone);
    else if (!(await t.sms.optIn(phone))) return;
    await t.audit.record({ action: keyword === "stop" ? "sms.opted_out" : "sms.opted_in", targetType: "phone", targetId: phone, metadata: { carrier } });
  });
}

const twilioSmsSchema = z
  .object({
    AccountSid: z.string().min(1),
    MessageSid: z.string().min(1),
    From: z.string().min(1),
    To: z.string().min(1),
    Body: z.string().default(""),
  })
  .loose();

export interface SmsWebhookOptions {
  telephony: TelephonyService;
  credentials: CredentialsService;
  publicBaseUrl: () => string;
}

/**
 * Twilio Messaging's inbound webhook (`POST /v1/telephony/twilio/sms`, the number's "A message comes
 * in" URL): STOP-type keywords opt the sender out of the workspace's text messages, START/UNSTOP opt
 * back in. Checked like the voice webhooks: X-Twilio-Signature with the workspace's auth token over the
 * public URL, the account, and no replay. Answers empty TwiML (Twilio sends its own STOP reply).
 */
export const twilioSmsRoutes: FastifyPluginAsync<SmsWebhookOptions & { cache: Cache }> = async (app, o) => {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const verifyOrThrow = async (request: FastifyRequest, tenant: TenantScope, accountSid: string) => {
    const signature = request.headers["x-twilio-signature"];
    if (typeof signature !== "string" || !signature) throw new AppError("forbidden", "Missing X-Twilio-Signature");
    const creds = await o.credentials.read(tenant, "twilio");
    if (!creds) throw new AppError("forbidden", "Twilio is not configured for this number's workspace");
    const url = `${o.publicBaseUrl().replace(/\/$/, "")}${request.url}`;
    const params = request.body as Record<string, string>;
    if (!twilio.validateRequest(creds.authToken, signature, url, params)) throw new AppError("forbidden", "Invalid X-Twilio-Signature");
    if (accountSid !== creds.accountSid) throw new AppError("forbidden", "Request is for another Twilio account");
    const seen = await o.cache.incr(
      `tw:sig:${createHash("sha256")
        .update(`${signature}|${url}|${JSON.stringify(params)}`)
        .digest("hex")}`,
      1,
      REPLAY_WINDOW_SEC,
    );
    if (seen > 1) throw new AppError("forbidden", "Replayed webhook");
  };

  app.post("/sms", { schema: { hide: true } }, async (request, reply) => {
    const parsed = twilioSmsSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      throw new AppError("validation_failed", `body.${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const form = parsed.data;
    const resolved = await o.telephony.resolveNumber(form.To);
    if (!resolved || resolved.number.provider !== "twilio") throw new AppError("not_found", "Number not found");
    await verifyOrThrow(request, resolved.tenant, form.AccountSid);
    const keyword = keywordOf(form.Body);
    if (keyword) {
      await applyKeyword(resolved.tenant, keyword, form.From, "twilio");
      request.log.info({ workspaceId: resolved.tenant.workspaceId, keyword }, "sms keyword received");
    }
    return reply.type("text/xml").send(new twilio.twiml.MessagingResponse().toString());
  });
};

const telnyxMessageSchema = z
  .object({
    data: z
      .object({
        event_type: z.string(),
        id: z.string(),
        payload: z
          .object({
            direction: z.string().optional(),
            text: z.string().nullish(),
            from: z.object({ phone_number: z.string() }).loose(),
            to: z.array(z.object({ phone_number: z.string() }).loose()).min(1),
          })
          .loose(),
      })
      .loose(),
  })
  .loose();

/**
 * Telnyx Messaging webhooks (`POST /v1/telephony/telnyx/sms`, the messaging profile's webhook URL):
 * `message.received` with a STOP-type or START keyword changes the sender's opt-out; other events
 * (`message.sent`, `message.finalized`) are acknowledged. Ed25519-signed like the call webhooks.
 */
export const telnyxSmsRoutes: FastifyPluginAsync<SmsWebhookOptions & { now?: () => number }> = async (app, o) => {
  const now = o.now ?? Date.now;
  app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  app.post("/sms", { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === "string" ? request.body : "";
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request", "Body is not JSON");
    }
    const type = (json as { data?: { event_type?: unknown } } | null)?.data?.event_type;
    if (type !== "message.received") return reply.status(200).send({ ok: true });
    const parsed = telnyxMessageSchema.safeParse(json);
    if (!parsed.success)
      throw new AppError("validation_failed", `body.${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const p = parsed.data.data.payload;
    const resolved = await o.telephony.resolveNumber(p.to[0]!.phone_number);
    if (!resolved || resolved.number.provider !== "telnyx") throw new AppError("not_found", "Number not found");
    const creds = await o.credentials.read(resolved.tenant, "telnyx");
    if (!creds || !verifyTelnyxSignature(raw, request.headers, creds.publicKey, now())) throw new AppError("forbidden", "Invalid Telnyx signature");
    const keyword = keywordOf(p.text ?? "");
    if (keyword) {
      await applyKeyword(resolved.tenant, keyword, p.from.phone_number, "telnyx");
      request.log.info({ workspaceId: resolved.tenant.workspaceId, keyword }, "sms keyword received");
    }
    return reply.status(200).send({ ok: true });
  });
};
