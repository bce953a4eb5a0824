import { randomBytes } from "node:crypto";
import Telnyx, { APIError as TelnyxApiError } from "telnyx";
import twilio from "twilio";
import { z } from "zod";
import { AppError, createId, e164Schema, idSchema } from "@orbis/contracts";
import { callSlotKeys, type Cache } from "@orbis/cache";
import { tenantScope, type CallRow, type Database, type TenantScope } from "@orbis/db";
import { callStatusOf, type Carrier, type TelephonyService } from "./call-lifecycle.ts";

const MACHINE_DETECTION_MODES = ["hangup", "voicemail", "off"] as const;
type MachineDetectionMode = (typeof MACHINE_DETECTION_MODES)[number];

/** Placeholders an opening may use without the call naming them: filled from the agent when the call connects. */
const BUILT_IN_VARIABLES = ["business", "agent"] as const;
const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,39})\s*\}\}/g;

/** `POST /v1/calls`: an outbound call from one of the workspace's numbers, placed by its agent. */
export const placeCallBodySchema = z
  .object({
    agentId: idSchema("agent"),
    to: e164Schema,
    from: e164Schema,
    variables: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "must be a name like firstName"), z.string().max(200)).default({}),
    /** What the agent says first, with `{{variable}}` placeholders; default the agent's outbound opening. */
    opening: z.string().trim().min(1).max(1000).optional(),
    machineDetection: z.enum(MACHINE_DETECTION_MODES).default("hangup"),
    /** Left after the beep when `machineDetection` is `voicemail` (placeholders allowed). */
    voicemailMessage: z.string().trim().min(1).max(1000).optional(),
  })
  .refine((b) => Object.keys(b.variables).length <= 20, { message: "at most 20 variables", path: ["variables"] })
  .refine((b) => b.machineDetection !== "voicemail" || b.voicemailMessage !== undefined, {
    message: "required when machineDetection is voicemail",
    path: ["voicemailMessage"],
  });
export type PlaceCallBody = z.input<typeof placeCallBodySchema>;

/** What an outbound call carries in `calls.metadata.outbound` (read by the gateway when the stream connects). */
export const outboundPlanSchema = z.object({
  opening: z.string().optional(),
  variables: z.record(z.string(), z.string()),
  machineDetection: z.enum(MACHINE_DETECTION_MODES),
  voicemailMessage: z.string().optional(),
});
export type OutboundPlan = z.infer<typeof outboundPlanSchema>;

/** The agent's opening when the call names none (`business.outboundOpening` in the agent's config overrides it). */
export const DEFAULT_OPENING = "Hi, this is {{business}} calling.";

/** `text` with every `{{name}}` replaced from `values`; unknown names are left out (never read aloud as braces). */
export function renderTemplate(text: string, values: Record<string, string>): string {
  return text
    .replace(PLACEHOLDER, (_m, name: string) => values[name] ?? "")
    .replace(/\s+([,.!?])/g, "$1")
    .replace(/\s{2,}/g, " ")
    .trim();
}

/** Placeholders of `text` that neither `variables` nor the built-ins fill. */
function missingVariables(text: string | undefined, variables: Record<string, string>): string[] {
  if (!text) return [];
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !(n in variables) && !(BUILT_IN_VARIABLES as readonly string[]).includes(n));
}

/** A campaign's call: kept in `calls.metadata.campaign` (which campaign and contact, and the consent it was placed under). */
export interface CampaignCallRef {
  campaignId: string;
  contactId: string;
  consentSource: string;
}

type AdmitCall = (tenant: TenantScope, carrier: Carrier) => Promise<{ ok: true; concurrentCalls: number | null } | { ok: false; message: string }>;
type CarrierCreds = { twilio: { accountSid: string; authToken: string }; telnyx: { apiKey: string; publicKey: string } };

export interface OutboundCallsDeps {
  db: Database;
  cache: Cache;
  maxCallsPerWorkspace: number;
  /** The workspace's carrier credentials (decrypted). */
  credentials: (tenant: TenantScope, provider: Carrier) => Promise<CarrierCreds[Carrier] | undefined>;
  /** The plan check every call passes (the billing gate); absent, no plan limits. */
  admit?: AdmitCall;
  /** The URL carriers reach (PUBLIC_BASE_URL): TwiML, status callbacks and webhooks point there. */
  publicBaseUrl: () => string;
  twilioApiUrl?: string | undefined;
  telnyxApiUrl: string;
  now?: () => Date;
}

/**
 * How long a placed call's slot lease lives without a renewal: the carrier's ring timeout (30 s) plus
 * the answer, the TwiML fetch and the media stream's connection. Each ringing/answered callback renews
 * it; once the stream connects, the gateway's limiter holds the same lease (member = the call id) and
 * renews it with its heartbeat.
 */
const PLACED_LEASE_MS = 60_000;
const TERMINAL_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "busy", "no_answer"]);

const eventId = () => `cev_${randomBytes(10).toString("hex")}`;

/** Where a carrier reaches us about one outbound call: the workspace and call travel in the (signed) URL. */
function outboundCallbackUrl(base: string, carrier: Carrier, what: "voice" | "status" | "amd" | "webhook", tenant: string, callId: string) {
  return `${base.replace(/\/$/, "")}/v1/telephony/${carrier}/outbound/${what}?ws=${encodeURIComponent(tenant)}&call=${encodeURIComponent(callId)}`;
}

/**
 * Outbound calls: checks (number, agent, plan, concurrency, credentials), the call row (`queued`,
 * direction outbound) and the carrier's REST call through its official SDK — Twilio `calls.create`
 * (TwiML URL that connects the media stream, status callbacks, async AMD), Telnyx `calls.dial` (webhook
 * URL, AMD). One function a campaign runner can call (`place`), and the status transitions the
 * carrier's signed callbacks drive (`status`).
 */
export function createOutboundCalls(deps: OutboundCallsDeps) {
  const now = deps.now ?? (() => new Date());

  const slotKey = (tenant: TenantScope) => callSlotKeys.workspace(tenant.workspaceId);
  /** Frees a placed call's slot (the call ended before a gateway took it over, or never reached the carrier). */
  const dropSlot = (tenant: TenantScope, callId: string) => deps.cache.dropLease([slotKey(tenant)], callId);

  const fail = async (tenant: TenantScope, call: CallRow, err: unknown) => {
    const message = err instanceof Error ? err.message.slice(0, 300) : String(err);
    await tenant.transaction(async (t) => {
      await t.calls.update(call.id, { status: "failed", endedAt: now(), endReason: "carrier_refused", durationSec: 0 });
      await t.callEvents.record({
        id: eventId(),
        callId: call.id,
        provider: call.channel,
        kind: "outbound_failed",
        status: "failed",
        providerCallId: null,
        providerEventId: `outbound-failed:${call.id}`,
        occurredAt: now(),
        detail: { error: message },
      });
    });
    return message;
  };

  return {
    /**
     * Places one call. Throws 422 (number not the workspace's, agent not published, unknown placeholder,
     * carrier not configured), 404 (no such agent), 402 (plan allowance spent), 409 (concurrent calls at
     * the limit), 503 (the carrier refused: the call row is kept, `failed`, its id in `details.callId`).
     */
    async place(tenant: TenantScope, input: PlaceCallBody, options: { campaign?: CampaignCallRef } = {}): Promise<CallRow> {
      const body = placeCallBodySchema.parse(input);
      const number = (await tenant.phoneNumbers.list()).find((n) => n.number === body.from);
      if (!number) throw new AppError("validation_failed", "body.from: must be one of this workspace's phone numbers", { path: "body.from" });
      if (body.to === body.from) throw new AppError("validation_failed", "body.to: cannot call the number it is placed from", { path: "body.to" });
      const agent = await tenant.agents.get(body.agentId);
      if (!agent) throw new AppError("not_found", "Agent not found");
      if (agent.publishedVersion === null)
        throw new AppError("validation_failed", "body.agentId: the agent must be published to place calls", { path: "body.agentId" });
      const missing = [...missingVariables(body.opening, body.variables), ...missingVariables(body.voicemailMessage, body.variables)];
      if (missing.length)
        throw new AppError("validation_failed", `body.variables: no value for ${[...new Set(missing)].join(", ")}`, { path: "body.variables", missing });
      const carrier: Carrier = number.provider;
      const creds = await deps.credentials(tenant, carrier);
      if (!creds)
        throw new AppError("validation_failed", `body.from: ${carrier} is not configured for this workspace (PUT /v1/credentials/${carrier})`, {
          path: "body.from",
        });
      const admitted = deps.admit ? await deps.admit(tenant, carrier) : { ok: true as const, concurrentCalls: null };
      if (!admitted.ok) throw new AppError("plan_limit", admitted.message);
      // The call takes one of the workspace's lines now, atomically (requests arriving together at the
      // limit cannot all pass), and holds it while it is queued and ringing: the lease's member is the
      // call id, which the gateway's limiter takes again when the media stream connects (the same lease,
      // not a second one) and drops when the call ends. A call that ends unanswered drops it in `status`.
      const callId = createId("call");
      const limit = Math.min(deps.maxCallsPerWorkspace, admitted.concurrentCalls ?? Infinity);
      const slot = await deps.cache.takeLease([{ key: slotKey(tenant), limit }], callId, PLACED_LEASE_MS);
      if (!slot.ok) throw new AppError("conflict", "This workspace is at its limit of concurrent calls; try again when a call has ended");

      const plan: OutboundPlan = {
        ...(body.opening ? { opening: body.opening } : {}),
        variables: body.variables,
        machineDetection: body.machineDetection,
        ...(body.voicemailMessage ? { voicemailMessage: body.voicemailMessage } : {}),
      };
      const at = now();
      const call = await tenant
        .transaction(async (t) => {
          const row = await t.calls.insert({
            id: callId,
            agentId: agent.id,
            channel: carrier,
            direction: "outbound",
            caller: number.number,
            callee: body.to,
            status: "queued",
            startedAt: at,
            metadata: { phoneNumberId: number.id, outbound: plan, ...(options.campaign ? { campaign: options.campaign } : {}) },
          });
          await t.callEvents.record({
            id: eventId(),
            callId: row.id,
            provider: carrier,
            kind: "outbound",
            status: "queued",
            providerCallId: null,
            providerEventId: `outbound:${row.id}`,
            occurredAt: at,
            detail: { to: body.to, from: number.number, machineDetection: body.machineDetection },
          });
          await t.events.record("call.started", {
            callId: row.id,
            agentId: row.agentId,
            channel: row.channel,
            direction: row.direction,
            caller: row.caller,
            startedAt: row.startedAt.toISOString(),
          });
          return row;
        })
        .catch(async (err: unknown) => {
          await dropSlot(tenant, callId);
          throw err;
        });

      const base = deps.publicBaseUrl();
      let providerCallId: string;
      try {
        providerCallId =
          carrier === "twilio"
            ? await dialTwilio(creds as CarrierCreds["twilio"], { ...deps, base, tenant, call, to: body.to, from: number.number, mode: body.machineDetection })
            : await dialTelnyx(creds as CarrierCreds["telnyx"], { ...deps, base, tenant, call, to: body.to, from: number.number, mode: body.machineDetection });
      } catch (err) {
        await dropSlot(tenant, call.id);
        const message = await fail(tenant, call, err);
        if (err instanceof AppError && err.code === "validation_failed") throw err;
        throw new AppError("unavailable", `The carrier did not place the call: ${message}`, { callId: call.id });
      }
      // A status callback may have come first and set it already (same value).
      await tenant.calls.update(call.id, { providerCallId });
      return { ...call, providerCallId };
    },

    /**
     * A carrier status for an outbound call (named by our id in the signed callback URL): recorded once
     * as a call event; `queued → ringing → in_progress` here, terminal statuses through the inbound
     * lifecycle (`completed | busy | no_answer | failed`, duration, `call.ended` for calls no session ran).
     */
    async status(
      telephony: TelephonyService,
      tenant: TenantScope,
      callId: string,
      input: {
        provider: Carrier;
        providerCallId: string;
        kind: string;
        carrierStatus?: string;
        providerEventId: string;
        occurredAt?: Date;
        durationSec?: number;
        detail?: Record<string, unknown>;
      },
    ): Promise<CallRow | undefined> {
      const call = await tenant.calls.get(callId);
      if (!call || call.direction !== "outbound" || call.channel !== input.provider) return undefined;
      if (!call.providerCallId) await tenant.calls.update(call.id, { providerCallId: input.providerCallId });
      else if (call.providerCallId !== input.providerCallId) return undefined;
      const status = input.carrierStatus ? callStatusOf(input.carrierStatus) : undefined;
      // From queued, the first steps are ours to take (the inbound lifecycle starts at ringing).
      if (call.status === "queued" && (status === "ringing" || status === "in_progress"))
        await tenant.calls.update(call.id, { status, ...(status === "in_progress" ? { answeredAt: input.occurredAt ?? now() } : {}) });
      await telephony.carrierEvent(tenant, input);
      const after = await tenant.calls.get(call.id);
      // The call's slot: ended (busy, no answer, failed, or completed with or without a stream) → freed
      // (a gateway still running its session holds the same member and drops it again as it ends);
      // still ringing or just answered → renewed until the stream connects.
      if (after && TERMINAL_STATUSES.has(after.status)) await dropSlot(tenant, call.id);
      else if (after && (status === "ringing" || status === "in_progress"))
        await deps.cache.renewLeases([{ key: slotKey(tenant), member: call.id }], PLACED_LEASE_MS);
      return after;
    },

    /** The tenant of a callback URL's `ws`, for checking its signature with that workspace's secret. */
    tenantOf: (workspaceId: string): TenantScope => tenantScope(deps.db, workspaceId),
  };
}
export type OutboundCalls = ReturnType<typeof createOutboundCalls>;

interface DialArgs {
  base: string;
  tenant: TenantScope;
  call: CallRow;
  to: string;
  from: string;
  mode: MachineDetectionMode;
  twilioApiUrl?: string | undefined;
  telnyxApiUrl: string;
}

/**
 * Twilio `calls.create`: the TwiML URL answers with `<Connect><Stream>` once the callee picks up;
 * status callbacks for every step; async AMD (the call connects at once, Twilio's verdict arrives on
 * its own callback while our detector listens too). Answering machines are detected only when asked.
 */
async function dialTwilio(creds: CarrierCreds["twilio"], a: DialArgs): Promise<string> {
  const client = twilio(creds.accountSid, creds.authToken, { autoRetry: true, maxRetries: 1, timeout: 10_000 });
  if (a.twilioApiUrl) client.api.baseUrl = a.twilioApiUrl.replace(/\/$/, "");
  const url = (what: "voice" | "status" | "amd") => outboundCallbackUrl(a.base, "twilio", what, a.tenant.workspaceId, a.call.id);
  const created = await client.calls.create({
    to: a.to,
    from: a.from,
    url: url("voice"),
    method: "POST",
    statusCallback: url("status"),
    statusCallbackMethod: "POST",
    statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
    timeout: 30,
    ...(a.mode === "off"
      ? {}
      : {
          machineDetection: a.mode === "voicemail" ? "DetectMessageEnd" : "Enable",
          asyncAmd: "true",
          asyncAmdStatusCallback: url("amd"),
          asyncAmdStatusCallbackMethod: "POST",
        }),
  });
  return created.sid;
}

/**
 * Telnyx `calls.dial` on the number's Call Control connection (looked up through the SDK): our
 * outbound webhook URL, `client_state` naming the call, Telnyx's AMD (`detect_beep` for voicemail).
 * The media stream is started on `call.answered`, when the call control id its token names is known.
 */
async function dialTelnyx(creds: CarrierCreds["telnyx"], a: DialArgs): Promise<string> {
  const client = new Telnyx({ apiKey: creds.apiKey, baseURL: a.telnyxApiUrl.replace(/\/$/, ""), maxRetries: 1, timeout: 10_000 });
  try {
    const page = await client.phoneNumbers.list({ filter: { phone_number: a.from } });
    const connectionId = page.data.find((n) => n.phone_number === a.from)?.connection_id;
    if (!connectionId) throw new AppError("validation_failed", `body.from: ${a.from} is on no Telnyx Call Control connection`, { path: "body.from" });
    const dialed = await client.calls.dial({
      connection_id: connectionId,
      to: a.to,
      from: a.from,
      webhook_url: outboundCallbackUrl(a.base, "telnyx", "webhook", a.tenant.workspaceId, a.call.id),
      client_state: Buffer.from(JSON.stringify({ workspaceId: a.tenant.workspaceId, callId: a.call.id })).toString("base64"),
      command_id: `dial-${a.call.id}`,
      timeout_secs: 30,
      answering_machine_detection: a.mode === "off" ? "disabled" : a.mode === "voicemail" ? "detect_beep" : "detect",
    });
    const id = dialed.data?.call_control_id;
    if (!id) throw new Error("Telnyx dial answered without a call_control_id");
    return id;
  } catch (err) {
    if (err instanceof TelnyxApiError) throw new Error(`Telnyx ${err.status ?? "no response"} ${err.message.slice(0, 200)}`);
    throw err;
  }
}

/** Telnyx `streaming_start` (official SDK): the media stream of an answered outbound call. */
export async function telnyxStartStreaming(
  o: { apiKey: string; apiUrl: string },
  callControlId: string,
  body: Parameters<Telnyx["calls"]["actions"]["startStreaming"]>[1],
): Promise<void> {
  const client = new Telnyx({ apiKey: o.apiKey, baseURL: o.apiUrl.replace(/\/$/, ""), maxRetries: 1, timeout: 10_000 });
  await client.calls.actions.startStreaming(callControlId, body);
}
