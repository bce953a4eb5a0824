import { randomBytes } from "node:crypto";
import { createId, type CallStatus } from "@orbis/contracts";
import { callSlotKeys, type Cache } from "@orbis/cache";
import type { Registry } from "prom-client";
import { findPhoneNumberByE164, tenantScope, type CallRow, type Database, type PhoneNumberRow, type TenantScope } from "@orbis/db";
import { phoneCallsCounter } from "./metrics.ts";

export type Carrier = "twilio" | "telnyx";

const eventId = () => `cev_${randomBytes(10).toString("hex")}`;

/** Carrier call states onto ours; unknown or transitional ones (queued, initiated) change nothing. */
export function callStatusOf(carrierStatus: string): CallStatus | undefined {
  switch (carrierStatus) {
    case "ringing":
      return "ringing";
    case "in-progress":
    case "answered":
      return "in_progress";
    case "completed":
    case "canceled":
    case "normal_clearing":
    case "originator_cancel":
      return "completed";
    case "busy":
    case "user_busy":
      return "busy";
    case "no-answer":
    case "no_answer":
    case "timeout":
      return "no_answer";
    case "failed":
    case "call_rejected":
    case "not_found":
      return "failed";
    default:
      return undefined;
  }
}
/**
 * The caller's number when the carrier has one: withheld caller IDs arrive as "anonymous", "restricted",
 * "unknown" or Twilio's keypad spelling of ANONYMOUS (+266696687); none of those is a number to call back.
 */
export function callerIdOf(from: string): string | null {
  return /^\+[1-9]\d{6,14}$/.test(from) && from !== "+266696687" ? from : null;
}

const TERMINAL: ReadonlySet<CallStatus> = new Set(["completed", "failed", "busy", "no_answer"]);

export type InboundDecision =
  | { kind: "unknown_number" }
  | { kind: "no_agent"; number: PhoneNumberRow; tenant: TenantScope }
  | { kind: "over_limit"; number: PhoneNumberRow; tenant: TenantScope }
  /** The workspace's plan allowance is spent: the message is for its users (logs), never for the caller. */
  | { kind: "over_plan"; number: PhoneNumberRow; tenant: TenantScope; message: string }
  | { kind: "answer"; number: PhoneNumberRow; tenant: TenantScope; call: CallRow };

/**
 * Call lifecycle for carrier calls, authoritative in our database: the inbound webhook creates the
 * call (ringing), the media stream moves it to in_progress, carrier status events close it; every
 * change is a call_events row with the provider's ids.
 */
/** The plan check a call passes as it starts (the billing gate): refused, or admitted with the plan's concurrency (null: none). */
type AdmitCall = (tenant: TenantScope, carrier: Carrier) => Promise<{ ok: true; concurrentCalls: number | null } | { ok: false; message: string }>;

export function createTelephonyService(deps: {
  db: Database;
  cache: Cache;
  maxCallsPerWorkspace: number;
  now?: () => Date;
  metrics?: Registry;
  /** Absent: no plan limits (only maxCallsPerWorkspace). */
  admit?: AdmitCall;
}) {
  const now = deps.now ?? (() => new Date());
  const phoneCalls = deps.metrics ? phoneCallsCounter(deps.metrics) : undefined;
  return {
    /** The number's tenant; undefined for a number no workspace connected. */
    async resolveNumber(number: string): Promise<{ number: PhoneNumberRow; tenant: TenantScope } | undefined> {
      const row = await findPhoneNumberByE164(deps.db.system, number);
      return row && { number: row, tenant: tenantScope(deps.db, row.workspaceId) };
    },

    async startInbound(
      resolved: { number: PhoneNumberRow; tenant: TenantScope },
      input: { provider: Carrier; providerCallId: string; from: string; to: string; providerEventId?: string; detail?: Record<string, unknown> },
    ): Promise<InboundDecision> {
      const { number, tenant } = resolved;
      const agent = number.agentId ? await tenant.agents.get(number.agentId) : undefined;
      // An agent never published takes no calls: the line is "not in service" until it is.
      if (!agent || agent.publishedVersion === null) return { kind: "no_agent", number, tenant };
      // A retried webhook for a call already created is answered as before: the plan was checked then
      // (checking again would count this very call against the allowance).
      const existing = await tenant.callEvents.findCall(input.provider, input.providerCallId);
      if (existing) return { kind: "answer", number, tenant, call: existing };
      const admitted = deps.admit ? await deps.admit(tenant, input.provider) : { ok: true as const, concurrentCalls: null };
      if (!admitted.ok) return { kind: "over_plan", number, tenant, message: admitted.message };
      // The live call-slot leases the gateways' limiter takes when a call starts (expired ones, of a
      // process that died, no longer count), against the lower of the process's and the plan's limit.
      const live = await deps.cache.countLeases(callSlotKeys.workspace(tenant.workspaceId));
      if (live >= Math.min(deps.maxCallsPerWorkspace, admitted.concurrentCalls ?? Infinity)) return { kind: "over_limit", number, tenant };
      const at = now();
      const call = await tenant.transaction(async (t) => {
        const call = await t.calls.insert({
          id: createId("call"),
          agentId: agent.id,
          channel: input.provider,
          caller: callerIdOf(input.from),
          callee: input.to,
          providerCallId: input.providerCallId,
          status: "ringing",
          startedAt: at,
          metadata: { phoneNumberId: number.id },
        });
        await t.callEvents.record({
          id: eventId(),
          callId: call.id,
          provider: input.provider,
          kind: "inbound",
          status: "ringing",
          providerCallId: input.providerCallId,
          providerEventId: input.providerEventId ?? null,
          occurredAt: at,
          detail: input.detail ?? {},
        });
        await t.events.record("call.started", {
          callId: call.id,
          agentId: call.agentId,
          channel: call.channel,
          direction: call.direction,
          caller: call.caller,
          startedAt: call.startedAt.toISOString(),
        });
        return call;
      });
      return { kind: "answer", number, tenant, call };
    },

    tenantOf: async (workspaceId: string): Promise<TenantScope> => tenantScope(deps.db, workspaceId),

    async answered(tenant: TenantScope, callId: string): Promise<boolean> {
      return (await tenant.callEvents.list(callId)).some((e) => e.kind === "answer_sent");
    },
    async markAnswerSent(tenant: TenantScope, callId: string): Promise<void> {
      const call = await tenant.calls.get(callId);
      await tenant.callEvents.record({
        id: eventId(),
        callId,
        provider: call?.channel ?? "telnyx",
        kind: "answer_sent",
        status: null,
        providerCallId: call?.providerCallId ?? null,
        providerEventId: `answer:${callId}`,
        occurredAt: now(),
        detail: {},
      });
    },

    /** A carrier status event: recorded once (by provider event id), then applied to the call row. */
    async carrierEvent(
      tenant: TenantScope,
      input: {
        provider: Carrier;
        providerCallId: string;
        kind: string;
        carrierStatus?: string;
        providerEventId?: string;
        occurredAt?: Date;
        durationSec?: number;
        detail?: Record<string, unknown>;
      },
    ): Promise<{ call?: CallRow; duplicate: boolean }> {
      const call = await tenant.callEvents.findCall(input.provider, input.providerCallId);
      if (!call) return { duplicate: false };
      const status = input.carrierStatus ? callStatusOf(input.carrierStatus) : undefined;
      const at = input.occurredAt ?? now();
      const fresh = await tenant.callEvents.record({
        id: eventId(),
        callId: call.id,
        provider: input.provider,
        kind: input.kind,
        status: status ?? input.carrierStatus ?? null,
        providerCallId: input.providerCallId,
        providerEventId: input.providerEventId ?? null,
        occurredAt: at,
        detail: input.detail ?? {},
      });
      if (!fresh) return { call, duplicate: true };
      if (status && TERMINAL.has(status)) {
        const open = !TERMINAL.has(call.status);
        // A call a gateway session ran is counted there when the session ends.
        if (open && !call.gatewayId) phoneCalls?.inc({ carrier: input.provider, status });
        const usage = input.durationSec ?? (call.answeredAt ? Math.max(0, Math.round((at.getTime() - call.answeredAt.getTime()) / 1000)) : 0);
        const durationSec = input.durationSec ?? (open ? usage : call.durationSec);
        await tenant.transaction(async (t) => {
          await t.calls.update(call.id, {
            ...(open ? { status, endedAt: at, endReason: input.kind } : {}),
            // The carrier's billed seconds win over our own clock when it reports them.
            durationSec,
          });
          // A call no gateway session ran (unanswered, busy) ends here; a session writes its own `call.ended`.
          if (open && !call.gatewayId) {
            await t.events.record("call.ended", {
              callId: call.id,
              agentId: call.agentId,
              channel: call.channel,
              status,
              durationSec,
              endReason: input.kind,
              outcome: null,
              summary: null,
              endedAt: at.toISOString(),
            });
          }
        });
      } else if (status === "in_progress" && call.status === "ringing") {
        await tenant.calls.update(call.id, { status, answeredAt: call.answeredAt ?? at });
      }
      return { call, duplicate: false };
    },
  };
}
export type TelephonyService = ReturnType<typeof createTelephonyService>;
