import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { AppError, twilioVoiceWebhookSchema, type TwilioVoiceWebhook } from "@orbis/contracts";
import type { Cache } from "@orbis/cache";
import type { TenantScope } from "@orbis/db";
import type { CredentialsService } from "@orbis/credentials";
import type { StreamTokens, TelephonyService } from "@orbis/telephony";
import { PRACTICE_LINE_WORDS, type PracticeLine } from "../../practice/practice-line.ts";
import { practiceAnswerTwiml, practiceGatherForm, practiceGatherQuery, practiceGatherTwiml } from "./twilio-practice-line.ts";

export interface TwilioRoutesOptions {
  telephony: TelephonyService;
  credentials: CredentialsService;
  streamTokens: StreamTokens;
  cache: Cache;
  /** The URL carriers reach us at (PUBLIC_BASE_URL): signatures are computed over it, not our bind address. */
  publicBaseUrl: () => string;
  /** Calls to a number marked `practice`: the rep keys a code, then streams to a practice session. */
  practiceLine: PracticeLine;
}

const SORRY_UNKNOWN = "Sorry, this number is not in service. Goodbye.";
const SORRY_BUSY = "Sorry, all our lines are busy right now. Please call again in a few minutes. Goodbye.";
/** A workspace whose plan allowance is spent: the caller hears no billing words. */
export const SORRY_UNAVAILABLE = "Thanks for calling. We can't take your call right now; please try again later. Goodbye.";
/** A signed request seen again within this window is a replay, not a retry. */
const REPLAY_WINDOW_SEC = 24 * 3600;

/** The longest duration a call row holds (an int4 column): a larger CallDuration is no real call's. */
const MAX_DURATION_SEC = 2_147_483_647;

/** CallDuration as seconds, when it is a whole number a call can last; otherwise none (kept raw in the event's detail). */
function durationOf(raw: string | undefined): { durationSec?: number } {
  if (!raw || !/^\d{1,10}$/.test(raw)) return {};
  const seconds = Number(raw);
  return seconds <= MAX_DURATION_SEC ? { durationSec: seconds } : {};
}

function sayAndHangUp(reply: FastifyReply, text: string) {
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.say(text);
  twiml.hangup();
  return reply.type("text/xml").send(twiml.toString());
}

/**
 * Twilio Programmable Voice (docs/protocols.md, Twilio): the voice webhook answers with a
 * bidirectional `<Connect><Stream>`, status callbacks close the call. Every request is checked against
 * X-Twilio-Signature with the workspace's auth token over the URL as Twilio saw it.
 */
export const twilioRoutes: FastifyPluginAsync<TwilioRoutesOptions> = async (app, o) => {
  // Twilio posts forms; parsed here only, so the rest of the API keeps JSON-only bodies.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const parseForm = (request: FastifyRequest): TwilioVoiceWebhook => {
    const parsed = twilioVoiceWebhookSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      throw new AppError("validation_failed", `body.${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  };

  /** Signature over PUBLIC_BASE_URL + path; then the account must match and the request must be new. */
  const verifyOrThrow = async (request: FastifyRequest, tenant: TenantScope, form: TwilioVoiceWebhook) => {
    const signature = request.headers["x-twilio-signature"];
    if (typeof signature !== "string" || !signature) throw new AppError("forbidden", "Missing X-Twilio-Signature");
    const creds = await o.credentials.read(tenant, "twilio");
    if (!creds) throw new AppError("forbidden", "Twilio is not configured for this number's workspace");
    const url = `${o.publicBaseUrl().replace(/\/$/, "")}${request.url}`;
    const params = request.body as Record<string, string>;
    if (!twilio.validateRequest(creds.authToken, signature, url, params)) throw new AppError("forbidden", "Invalid X-Twilio-Signature");
    if (form.AccountSid !== creds.accountSid) throw new AppError("forbidden", "Request is for another Twilio account");
    const seen = await o.cache.incr(
      `tw:sig:${createHash("sha256")
        .update(`${signature}|${url}|${JSON.stringify(params)}`)
        .digest("hex")}`,
      1,
      REPLAY_WINDOW_SEC,
    );
    if (seen > 1) throw new AppError("forbidden", "Replayed webhook");
  };

  app.post("/voice", { schema: { hide: true } }, async (request, reply) => {
    const form = parseForm(request);
    const resolved = await o.telephony.resolveNumber(form.To);
    if (!resolved || resolved.number.provider !== "twilio") {
      request.log.info({ to: form.To }, "twilio call to an unknown number");
      return sayAndHangUp(reply, SORRY_UNKNOWN);
    }
    await verifyOrThrow(request, resolved.tenant, form);
    // The workspace's sales practice line: not the agent's call. The rep keys the code of their session.
    if (resolved.number.purpose === "practice") {
      const base = o.publicBaseUrl().replace(/\/$/, "");
      if (await o.practiceLine.isLocked(resolved.number)) return sayAndHangUp(reply, PRACTICE_LINE_WORDS.locked);
      return reply.type("text/xml").send(practiceGatherTwiml(base, 1));
    }
    const decision = await o.telephony.startInbound(resolved, {
      provider: "twilio",
      providerCallId: form.CallSid,
      from: form.From,
      to: form.To,
      detail: { accountSid: form.AccountSid, callStatus: form.CallStatus, direction: form.Direction, from: form.From },
    });
    if (decision.kind === "no_agent") return sayAndHangUp(reply, SORRY_UNKNOWN);
    if (decision.kind === "over_limit") return sayAndHangUp(reply, SORRY_BUSY);
    if (decision.kind === "over_plan") {
      request.log.info({ workspaceId: decision.tenant.workspaceId, reason: decision.message }, "twilio call refused by the plan");
      return sayAndHangUp(reply, SORRY_UNAVAILABLE);
    }
    if (decision.kind === "unknown_number") return sayAndHangUp(reply, SORRY_UNKNOWN);
    const token = await o.streamTokens.issue({
      workspaceId: decision.tenant.workspaceId,
      agentId: decision.call.agentId!,
      callId: decision.call.id,
      provider: "twilio",
      providerCallId: form.CallSid,
    });
    const base = o.publicBaseUrl().replace(/\/$/, "");
    const twiml = new twilio.twiml.VoiceResponse();
    // No query string on the stream URL: Twilio rejects it (31920); the token travels as a <Parameter>.
    const stream = twiml.connect().stream({ url: `${base.replace(/^http/, "ws")}/v1/telephony/twilio/media` });
    stream.parameter({ name: "token", value: token });
    return reply.type("text/xml").send(twiml.toString());
  });

  /** The practice line's `<Gather>` action: the keyed code opens the rep's session, or the call gets another try or a goodbye. */
  app.post("/practice", { schema: { hide: true } }, async (request, reply) => {
    const form = parseForm(request);
    const resolved = await o.telephony.resolveNumber(form.To);
    if (!resolved || resolved.number.provider !== "twilio" || resolved.number.purpose !== "practice") {
      request.log.info({ to: form.To }, "twilio practice gather for a number that is not a practice line");
      return sayAndHangUp(reply, SORRY_UNKNOWN);
    }
    await verifyOrThrow(request, resolved.tenant, form);
    const attempt = practiceGatherQuery.parse(request.query ?? {}).try;
    const digits = practiceGatherForm.parse(request.body ?? {}).Digits;
    const check = await o.practiceLine.check(resolved, digits, { provider: "twilio", providerCallId: form.CallSid });
    return reply.type("text/xml").send(practiceAnswerTwiml(o.publicBaseUrl().replace(/\/$/, ""), attempt, check));
  });

  app.post("/status", { schema: { hide: true } }, async (request, reply) => {
    const form = parseForm(request);
    const resolved = await o.telephony.resolveNumber(form.To);
    if (!resolved) throw new AppError("not_found", "Number not found");
    await verifyOrThrow(request, resolved.tenant, form);
    const streamEvent =
      typeof (request.body as Record<string, string>).StreamEvent === "string" ? (request.body as Record<string, string>).StreamEvent : undefined;
    await o.telephony.carrierEvent(resolved.tenant, {
      provider: "twilio",
      providerCallId: form.CallSid,
      kind: streamEvent ?? `status:${form.CallStatus}`,
      ...(streamEvent ? {} : { carrierStatus: form.CallStatus }),
      providerEventId: `${form.CallSid}:${streamEvent ?? form.CallStatus}:${form.SequenceNumber ?? ""}`,
      ...(form.Timestamp && !Number.isNaN(Date.parse(form.Timestamp)) ? { occurredAt: new Date(form.Timestamp) } : {}),
      ...durationOf(form.CallDuration),
      detail: { callStatus: form.CallStatus, ...(form.CallDuration ? { callDuration: form.CallDuration } : {}) },
    });
    return reply.status(204).send();
  });
};
