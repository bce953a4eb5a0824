import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import { AppError, idSchema, telnyxWebhookSchema } from "@orbis/contracts";
import type { Cache } from "@orbis/cache";
import type { TenantScope } from "@orbis/db";
import type { CredentialsService } from "@orbis/credentials";
import {
  createOutboundCalls,
  createTelephonyService,
  telnyxStartStreaming,
  verifyTelnyxSignature,
  type OutboundCalls,
  type StreamTokens,
  type TelephonyService,
} from "@orbis/telephony";
import type { GatewayRuntime } from "../gateway.ts";
import { carrierAmdResult } from "./outbound-session.ts";

interface OutboundRoutesOptions {
  telephony: TelephonyService;
  outbound: OutboundCalls;
  credentials: CredentialsService;
  streamTokens: StreamTokens;
  cache: Cache;
  publicBaseUrl: () => string;
  telnyxApiUrl: string;
  now?: () => number;
}

/** `?ws=…&call=…` of every outbound callback URL: ids of the form we wrote, or the request is refused. */
const callbackQuery = z.object({ ws: idSchema("workspace"), call: idSchema("call") });
const REPLAY_WINDOW_SEC = 24 * 3600;
const twilioForm = z.object({ AccountSid: z.string().min(1), CallSid: z.string().min(1) }).loose();

function callbackOf(request: FastifyRequest) {
  const q = callbackQuery.safeParse(request.query);
  if (!q.success) throw new AppError("forbidden", "Not a callback URL we issued");
  return q.data;
}

const durationOf = (raw: unknown) => (typeof raw === "string" && /^\d{1,9}$/.test(raw) ? { durationSec: Number(raw) } : {});

/**
 * Twilio's callbacks for the calls we place (`/v1/telephony/twilio/outbound/{voice,status,amd}`): each
 * signed with the workspace's auth token over PUBLIC_BASE_URL + path + query (the query names the
 * workspace and the call, so a forged one fails the signature), account checked, replays refused.
 */
const twilioOutboundRoutes: FastifyPluginAsync<OutboundRoutesOptions> = async (app, o) => {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const verified = async (request: FastifyRequest) => {
    const { ws, call } = callbackOf(request);
    const params = (request.body ?? {}) as Record<string, string>;
    const form = twilioForm.safeParse(params);
    if (!form.success) throw new AppError("bad_request", "Not a Twilio callback");
    const signature = request.headers["x-twilio-signature"];
    if (typeof signature !== "string" || !signature) throw new AppError("forbidden", "Missing X-Twilio-Signature");
    const tenant = o.outbound.tenantOf(ws);
    const creds = await o.credentials.read(tenant, "twilio").catch(() => undefined);
    const url = `${o.publicBaseUrl().replace(/\/$/, "")}${request.url}`;
    if (!creds || !twilio.validateRequest(creds.authToken, signature, url, params)) throw new AppError("forbidden", "Invalid X-Twilio-Signature");
    if (form.data.AccountSid !== creds.accountSid) throw new AppError("forbidden", "Request is for another Twilio account");
    const key = createHash("sha256")
      .update(`${signature}|${url}|${JSON.stringify(params)}`)
      .digest("hex");
    if ((await o.cache.incr(`tw:out:${key}`, 1, REPLAY_WINDOW_SEC)) > 1) throw new AppError("forbidden", "Replayed webhook");
    return { tenant, callId: call, params, callSid: form.data.CallSid };
  };

  const hangUp = (reply: FastifyReply) => {
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.hangup();
    return reply.type("text/xml").send(twiml.toString());
  };

  // The callee picked up: connect the media stream (the token names this call and Twilio's CallSid).
  app.post("/voice", { schema: { hide: true } }, async (request, reply) => {
    const { tenant, callId, callSid, params } = await verified(request);
    const call = await o.outbound.status(o.telephony, tenant, callId, {
      provider: "twilio",
      providerCallId: callSid,
      kind: "outbound_answered",
      carrierStatus: "in-progress",
      providerEventId: `${callSid}:voice`,
      detail: { callStatus: params.CallStatus ?? "", ...(params.AnsweredBy ? { answeredBy: params.AnsweredBy } : {}) },
    });
    if (!call || !call.agentId || call.status !== "in_progress") return hangUp(reply);
    const token = await o.streamTokens.issue({ workspaceId: tenant.workspaceId, agentId: call.agentId, callId, provider: "twilio", providerCallId: callSid });
    const twiml = new twilio.twiml.VoiceResponse();
    const stream = twiml.connect().stream({ url: `${o.publicBaseUrl().replace(/\/$/, "").replace(/^http/, "ws")}/v1/telephony/twilio/media` });
    stream.parameter({ name: "token", value: token });
    return reply.type("text/xml").send(twiml.toString());
  });

  app.post("/status", { schema: { hide: true } }, async (request, reply) => {
    const { tenant, callId, callSid, params } = await verified(request);
    const status = params.CallStatus ?? "";
    await o.outbound.status(o.telephony, tenant, callId, {
      provider: "twilio",
      providerCallId: callSid,
      kind: `status:${status}`,
      carrierStatus: status,
      providerEventId: `${callSid}:${status}:${params.SequenceNumber ?? ""}`,
      ...(params.Timestamp && !Number.isNaN(Date.parse(params.Timestamp)) ? { occurredAt: new Date(params.Timestamp) } : {}),
      ...durationOf(params.CallDuration),
      detail: { callStatus: status, ...(params.CallDuration ? { callDuration: params.CallDuration } : {}) },
    });
    return reply.status(204).send();
  });

  // Twilio's async AMD verdict: recorded, and handed to the call's detector if it runs in this process.
  app.post("/amd", { schema: { hide: true } }, async (request, reply) => {
    const { tenant, callId, callSid, params } = await verified(request);
    const answeredBy = params.AnsweredBy ?? "unknown";
    await o.outbound.status(o.telephony, tenant, callId, {
      provider: "twilio",
      providerCallId: callSid,
      kind: "amd",
      carrierStatus: answeredBy,
      providerEventId: `${callSid}:amd:${answeredBy}`,
      detail: { answeredBy, ...(params.MachineDetectionDuration ? { durationMs: params.MachineDetectionDuration } : {}) },
    });
    carrierAmdResult(callId, twilioVerdict(answeredBy));
    return reply.status(204).send();
  });
};

/** Twilio's AnsweredBy: human, machine_start, machine_end_beep|silence|other, fax, unknown. */
function twilioVerdict(answeredBy: string): { result: "human" | "machine" | "unknown"; beep?: boolean } {
  if (answeredBy === "human") return { result: "human" };
  if (answeredBy.startsWith("machine_end")) return { result: "machine", beep: true };
  if (answeredBy === "machine_start" || answeredBy === "fax") return { result: "machine" };
  return { result: "unknown" };
}

const telnyxState = z.object({ workspaceId: idSchema("workspace"), callId: idSchema("call") });

/**
 * Telnyx Call Control webhooks for the calls we dial (`/v1/telephony/telnyx/outbound/webhook`): Ed25519
 * with the workspace's public key (the workspace from the URL, which must match our `client_state`);
 * `call.initiated` → ringing, `call.answered` → in progress and `streaming_start` to our media socket,
 * `call.machine.*` → the AMD verdict, `call.hangup` → the final status by its cause.
 */
const telnyxOutboundRoutes: FastifyPluginAsync<OutboundRoutesOptions> = async (app, o) => {
  const now = o.now ?? Date.now;
  app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  app.post("/webhook", { schema: { hide: true } }, async (request, reply) => {
    const { ws, call: callId } = callbackOf(request);
    const raw = typeof request.body === "string" ? request.body : "";
    const tenant: TenantScope = o.outbound.tenantOf(ws);
    const creds = await o.credentials.read(tenant, "telnyx").catch(() => undefined);
    if (!creds || !verifyTelnyxSignature(raw, request.headers, creds.publicKey, now())) throw new AppError("forbidden", "Invalid Telnyx signature");
    let parsed;
    try {
      parsed = telnyxWebhookSchema.safeParse(JSON.parse(raw));
    } catch {
      throw new AppError("bad_request", "Body is not JSON");
    }
    if (!parsed.success) throw new AppError("validation_failed", "body: not a Telnyx webhook");
    const { event_type: type, id: eventId, occurred_at: occurred, payload: p } = parsed.data.data;
    let state: z.infer<typeof telnyxState> | undefined;
    try {
      state = telnyxState.parse(JSON.parse(Buffer.from(p.client_state ?? "", "base64").toString("utf8")));
    } catch {
      state = undefined;
    }
    if (!state || state.workspaceId !== ws || state.callId !== callId) throw new AppError("forbidden", "client_state does not name this call");
    const occurredAt = Number.isNaN(Date.parse(occurred)) ? new Date(now()) : new Date(occurred);
    const extra = p as Record<string, unknown>;
    const carrierStatus =
      type === "call.initiated"
        ? "ringing"
        : type === "call.answered"
          ? "answered"
          : type === "call.hangup"
            ? (p.hangup_cause ?? "normal_clearing")
            : type.startsWith("call.machine.")
              ? String(extra.result ?? "not_sure")
              : undefined;
    const call = await o.outbound.status(o.telephony, tenant, callId, {
      provider: "telnyx",
      providerCallId: p.call_control_id,
      kind: type,
      ...(carrierStatus ? { carrierStatus } : {}),
      providerEventId: eventId,
      occurredAt,
      detail: {
        ...(p.hangup_cause ? { hangupCause: p.hangup_cause } : {}),
        ...(extra.result ? { result: extra.result } : {}),
        ...(p.failure_reason ? { failureReason: p.failure_reason } : {}),
      },
    });
    if (!call) return reply.status(200).send({ ok: false });
    if (type === "call.machine.detection.ended")
      carrierAmdResult(callId, { result: extra.result === "human" ? "human" : extra.result === "machine" ? "machine" : "unknown" });
    if (type === "call.machine.greeting.ended" && extra.result === "beep_detected") carrierAmdResult(callId, { result: "machine", beep: true });
    if (type === "call.answered" && call.status === "in_progress" && call.agentId && !call.gatewayId) {
      const token = await o.streamTokens.issue({
        workspaceId: ws,
        agentId: call.agentId,
        callId,
        provider: "telnyx",
        providerCallId: p.call_control_id,
      });
      const base = o.publicBaseUrl().replace(/\/$/, "").replace(/^http/, "ws");
      await telnyxStartStreaming({ apiKey: creds.apiKey, apiUrl: o.telnyxApiUrl }, p.call_control_id, {
        stream_url: `${base}/v1/telephony/telnyx/media?token=${encodeURIComponent(token)}`,
        stream_track: "inbound_track",
        stream_codec: "PCMU",
        stream_bidirectional_mode: "rtp",
        stream_bidirectional_codec: "PCMU",
        client_state: p.client_state ?? undefined,
        command_id: `stream-${callId}`,
      }).catch((err: unknown) => request.log.warn({ err, callId }, "telnyx streaming_start for an outbound call failed"));
    }
    return reply.status(200).send({ ok: true });
  });
};

/** Mounts the outbound callbacks: `/v1/telephony/twilio/outbound/*` and `/v1/telephony/telnyx/outbound/*`. */
export async function registerOutboundWebhooks(
  app: FastifyInstance,
  o: { runtime: GatewayRuntime; credentials: CredentialsService; streamTokens: StreamTokens; publicBaseUrl: () => string },
) {
  const { runtime } = o;
  const now = runtime.now;
  const telephony = createTelephonyService({
    db: runtime.db,
    cache: runtime.cache,
    maxCallsPerWorkspace: runtime.config.maxCallsPerWorkspace,
    metrics: runtime.metrics,
    ...(now ? { now } : {}),
  });
  const outbound = createOutboundCalls({
    db: runtime.db,
    cache: runtime.cache,
    maxCallsPerWorkspace: runtime.config.maxCallsPerWorkspace,
    credentials: (tenant, provider) => o.credentials.read(tenant, provider),
    publicBaseUrl: o.publicBaseUrl,
    twilioApiUrl: runtime.config.twilioApiUrl,
    telnyxApiUrl: runtime.config.telnyxApiUrl,
    ...(now ? { now } : {}),
  });
  const options: OutboundRoutesOptions = {
    telephony,
    outbound,
    credentials: o.credentials,
    streamTokens: o.streamTokens,
    cache: runtime.cache,
    publicBaseUrl: o.publicBaseUrl,
    telnyxApiUrl: runtime.config.telnyxApiUrl,
    ...(now ? { now: () => now().getTime() } : {}),
  };
  await app.register(twilioOutboundRoutes, { prefix: "/v1/telephony/twilio/outbound", ...options });
  await app.register(telnyxOutboundRoutes, { prefix: "/v1/telephony/telnyx/outbound", ...options });
}
