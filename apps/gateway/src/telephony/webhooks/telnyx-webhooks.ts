import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { AppError, idSchema, telnyxWebhookSchema, type TelnyxWebhook } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { CredentialsService } from "@orbis/credentials";
import type { Cache } from "@orbis/cache";
import { telnyxCalls, verifyTelnyxSignature, type StreamTokens, type TelephonyService } from "@orbis/telephony";
import type { PracticeLine } from "../../practice/practice-line.ts";
import { practiceStateSchemas, telnyxPracticeLine, type PracticeLineState } from "./telnyx-practice-line.ts";
import { SORRY_UNAVAILABLE } from "./twilio-webhooks.ts";

export interface TelnyxRoutesOptions {
  telephony: TelephonyService;
  credentials: CredentialsService;
  streamTokens: StreamTokens;
  publicBaseUrl: () => string;
  /** Call Control REST base (https://api.telnyx.com/v2, or an emulator); commands go through the `telnyx` SDK. */
  apiUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Calls to a number marked `practice`: the rep keys a code, then streams to a practice session. */
  practiceLine: PracticeLine;
  cache: Cache;
}

/**
 * Our client_state, echoed by Telnyx on every later webhook (base64 as Telnyx requires): the call it
 * belongs to, or — for a call the plan refused, which has no call row — that it is only being told goodbye.
 */
type CallState = { workspaceId: string; callId: string } | { workspaceId: string; refused: "over_plan" | "practice_line" } | PracticeLineState;
const encodeState = (s: CallState) => Buffer.from(JSON.stringify(s)).toString("base64");
const stateSchema = z.union([
  z.object({ workspaceId: idSchema("workspace"), callId: idSchema("call") }),
  z.object({ workspaceId: idSchema("workspace"), refused: z.enum(["over_plan", "practice_line"]) }),
  ...practiceStateSchemas,
]);
/** Anything but ids of the form we wrote is ignored (docs/protocols.md): it never reaches a query. */
function decodeState(value: string | null | undefined): CallState | undefined {
  if (!value) return undefined;
  try {
    const v = stateSchema.safeParse(JSON.parse(Buffer.from(value, "base64").toString("utf8")));
    return v.success ? v.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Telnyx Call Control v2: `call.initiated` → answer with bidirectional RTP streaming (PCMU) to our
 * media socket; `call.answered` / `streaming.*` / `call.hangup` → call events and the call row. Retried
 * deliveries (same event id) are acknowledged and not applied twice.
 */
export const telnyxRoutes: FastifyPluginAsync<TelnyxRoutesOptions> = async (app, o) => {
  const now = o.now ?? Date.now;
  // The signature covers the exact bytes: keep the raw body, parse it ourselves.
  app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  const calls = (apiKey: string) => telnyxCalls({ apiKey, apiUrl: o.apiUrl, ...(o.fetch ? { fetch: o.fetch } : {}) });
  const practice = telnyxPracticeLine({ calls, practiceLine: o.practiceLine, cache: o.cache, publicBaseUrl: o.publicBaseUrl, encode: encodeState });

  app.post("/webhook", { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === "string" ? request.body : "";
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request", "Body is not JSON");
    }
    const parsed = telnyxWebhookSchema.safeParse(json);
    if (!parsed.success)
      throw new AppError("validation_failed", `body.${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const event: TelnyxWebhook = parsed.data;
    const p = event.data.payload;

    // Which workspace's key verifies this: the dialled number on call.initiated, our client_state afterwards.
    const state = decodeState(p.client_state);
    const resolved = event.data.event_type === "call.initiated" || !state ? (p.to ? await o.telephony.resolveNumber(p.to) : undefined) : undefined;
    const tenant: TenantScope | undefined = resolved?.tenant ?? (state ? await o.telephony.tenantOf(state.workspaceId) : undefined);
    if (!tenant) throw new AppError("not_found", "Number not found");
    const creds = await o.credentials.read(tenant, "telnyx");
    if (!creds || !verifyTelnyxSignature(raw, request.headers, creds.publicKey, now())) throw new AppError("forbidden", "Invalid Telnyx signature");

    // A call the plan refused: answered only to say goodbye, hung up once that has been said.
    if (state && "refused" in state) {
      if (event.data.event_type === "call.speak.ended") {
        await calls(creds.apiKey)
          .hangup(p.call_control_id, { command_id: `hangup-refused-${event.data.id}` })
          .catch((err: unknown) => request.log.info({ err }, "telnyx hangup after the goodbye failed (the caller may have gone)"));
      }
      return reply.status(200).send({ ok: true });
    }
    // The practice line's calls: the code gather, then a practice session's stream (no call row).
    if (state && ("practiceLine" in state || "practiceSessionId" in state)) {
      await practice.event(creds.apiKey, event, state, tenant, request.log);
      return reply.status(200).send({ ok: true });
    }

    const occurredAt = Number.isNaN(Date.parse(event.data.occurred_at)) ? new Date(now()) : new Date(event.data.occurred_at);
    if (event.data.event_type === "call.initiated") {
      if (!resolved || resolved.number.provider !== "telnyx" || p.direction === "outgoing") return reply.status(200).send({ ok: true });
      if (resolved.number.purpose === "practice") {
        await practice.initiated(creds.apiKey, p.call_control_id, event.data.id, resolved, request.log);
        return reply.status(200).send({ ok: true });
      }
      const decision = await o.telephony.startInbound(resolved, {
        provider: "telnyx",
        providerCallId: p.call_control_id,
        from: p.from ?? "",
        to: p.to ?? "",
        providerEventId: event.data.id,
        detail: { callLegId: p.call_leg_id, callSessionId: p.call_session_id, from: p.from ?? "" },
      });
      if (decision.kind === "over_plan") {
        request.log.info({ workspaceId: tenant.workspaceId, reason: decision.message }, "telnyx call refused by the plan");
        // The caller hears a polite goodbye, no billing words: answered without a media stream, Telnyx speaks,
        // and call.speak.ended (marked by client_state) hangs up. Command ids make a retried webhook a no-op.
        const refusedState = encodeState({ workspaceId: tenant.workspaceId, refused: "over_plan" });
        const cc = calls(creds.apiKey);
        try {
          await cc.answer(p.call_control_id, { client_state: refusedState, command_id: `answer-refused-${event.data.id}` });
          await cc.speak(p.call_control_id, {
            payload: SORRY_UNAVAILABLE,
            voice: "female",
            language: "en-US",
            client_state: refusedState,
            command_id: `speak-refused-${event.data.id}`,
          });
        } catch (err) {
          request.log.warn({ err }, "telnyx goodbye to a call the plan refused failed");
          await cc
            .hangup(p.call_control_id)
            .catch((hangupErr: unknown) => request.log.info({ err: hangupErr }, "telnyx hangup after a failed goodbye failed too"));
        }
        return reply.status(200).send({ ok: true });
      }
      if (decision.kind !== "answer") {
        // Not ours to take (no agent, over the limit): a failed hang-up is logged; a retry would decide the same.
        await calls(creds.apiKey)
          .hangup(p.call_control_id)
          .catch((err: unknown) => request.log.warn({ err }, "telnyx hangup of a call not taken failed"));
        return reply.status(200).send({ ok: true });
      }
      // A retried call.initiated for a call we already answered: acknowledge only.
      if (decision.call.status !== "ringing" || (await o.telephony.answered(tenant, decision.call.id)))
        return reply.status(200).send({ ok: true, duplicate: true });
      const token = await o.streamTokens.issue({
        workspaceId: tenant.workspaceId,
        agentId: decision.call.agentId!,
        callId: decision.call.id,
        provider: "telnyx",
        providerCallId: p.call_control_id,
      });
      const base = o.publicBaseUrl().replace(/\/$/, "");
      try {
        await calls(creds.apiKey).answer(p.call_control_id, {
          stream_url: `${base.replace(/^http/, "ws")}/v1/telephony/telnyx/media?token=${encodeURIComponent(token)}`,
          stream_track: "inbound_track",
          stream_codec: "PCMU",
          stream_bidirectional_mode: "rtp",
          stream_bidirectional_codec: "PCMU",
          client_state: encodeState({ workspaceId: tenant.workspaceId, callId: decision.call.id }),
          command_id: `answer-${decision.call.id}`,
        });
      } catch (err) {
        // Telnyx retries a webhook that is not answered 2xx; a retried call.initiated would find this call
        // closed and stop there. So: the call ends as failed (its reason kept), the caller is hung up on
        // (best effort: the call may be gone already), and Telnyx gets its 200.
        request.log.warn({ err, callId: decision.call.id }, "telnyx answer failed");
        await o.telephony.carrierEvent(tenant, {
          provider: "telnyx",
          providerCallId: p.call_control_id,
          kind: "answer_failed",
          carrierStatus: "failed",
          providerEventId: `answer-failed:${decision.call.id}`,
          detail: { error: err instanceof Error ? err.message.slice(0, 300) : String(err) },
        });
        await calls(creds.apiKey)
          .hangup(p.call_control_id)
          .catch((hangupErr: unknown) => request.log.info({ err: hangupErr }, "telnyx hangup after a failed answer failed too"));
        return reply.status(200).send({ ok: false, reason: "answer_failed" });
      }
      await o.telephony.markAnswerSent(tenant, decision.call.id);
      return reply.status(200).send({ ok: true });
    }

    const status =
      event.data.event_type === "call.hangup" ? (p.hangup_cause ?? "normal_clearing") : event.data.event_type === "call.answered" ? "answered" : undefined;
    const result = await o.telephony.carrierEvent(tenant, {
      provider: "telnyx",
      providerCallId: p.call_control_id,
      kind: event.data.event_type,
      ...(status ? { carrierStatus: status } : {}),
      providerEventId: event.data.id,
      occurredAt,
      detail: {
        ...(p.hangup_cause ? { hangupCause: p.hangup_cause } : {}),
        ...(p.failure_reason ? { failureReason: p.failure_reason } : {}),
        ...(p.stream_url ? { streamUrl: p.stream_url } : {}),
      },
    });
    return reply.status(200).send({ ok: true, ...(result.duplicate ? { duplicate: true } : {}) });
  });
};
