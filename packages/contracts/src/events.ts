import { z } from "zod";
import { idSchema } from "./ids.ts";

/**
 * Domain events: what happened, written in the same transaction as the change (the `domain_events`
 * outbox) and the single source for webhooks, emails, text messages, analytics and referral
 * attribution. Each type has a versioned payload schema; a breaking change to a payload is a new
 * version, and an endpoint keeps receiving the version it was built for.
 */
const instant = z.iso.datetime({ offset: true });

/** What a call achieved, stored on the call when it ends (issue list: booked … no action). */
/** What a call achieved. `do_not_call`: the person asked never to be called again (their number goes on the do-not-call list). */
export const callResultSchema = z.enum(["booked", "rescheduled", "cancelled", "message", "transferred", "do_not_call", "no_action"]);
export type CallResult = z.infer<typeof callResultSchema>;

const appointmentEvent = z.object({
  appointmentId: idSchema("appointment"),
  agentId: idSchema("agent").nullable(),
  callId: idSchema("call").nullable(),
  serviceId: z.string(),
  staffId: z.string().nullable(),
  start: instant,
  end: instant,
  timezone: z.string(),
  customerName: z.string(),
  customerPhone: z.string(),
  customerEmail: z.string(),
  source: z.enum(["agent", "dashboard", "api"]),
});

const subscriptionEvent = z.object({
  planId: z.string(),
  status: z.string(),
  stripeSubscriptionId: z.string().nullable(),
  currentPeriodEnd: instant.nullable(),
  cancelAtPeriodEnd: z.boolean(),
});

export const EVENT_PAYLOADS = {
  "user.created": z.object({ userId: idSchema("user"), email: z.string(), name: z.string() }),
  "workspace.created": z.object({ workspaceId: idSchema("workspace"), name: z.string(), ownerUserId: idSchema("user") }),
  /** The workspace's first real call (not a dashboard test call) has ended. */
  "user.activated": z.object({ workspaceId: idSchema("workspace"), callId: idSchema("call"), channel: z.enum(["web", "twilio", "telnyx"]) }),
  "agent.published": z.object({ agentId: idSchema("agent"), versionId: idSchema("agentVersion"), version: z.number().int() }),
  "call.started": z.object({
    callId: idSchema("call"),
    agentId: idSchema("agent").nullable(),
    channel: z.enum(["web", "twilio", "telnyx"]),
    direction: z.enum(["inbound", "outbound"]),
    caller: z.string().nullable(),
    startedAt: instant,
  }),
  "call.ended": z.object({
    callId: idSchema("call"),
    agentId: idSchema("agent").nullable(),
    channel: z.enum(["web", "twilio", "telnyx"]),
    status: z.string(),
    durationSec: z.number().int().nullable(),
    endReason: z.string().nullable(),
    outcome: callResultSchema.nullable(),
    summary: z.string().nullable(),
    endedAt: instant,
  }),
  "appointment.booked": appointmentEvent,
  "appointment.rescheduled": appointmentEvent.extend({ previousStart: instant }),
  "appointment.cancelled": appointmentEvent.extend({ reason: z.string().nullable() }),
  "message.taken": z.object({
    messageId: idSchema("message"),
    agentId: idSchema("agent").nullable(),
    callId: idSchema("call").nullable(),
    callerName: z.string(),
    callbackNumber: z.string(),
    text: z.string(),
    urgency: z.enum(["low", "normal", "high"]),
  }),
  "member.invited": z.object({ invitationId: idSchema("invitation"), email: z.string(), role: z.string(), invitedByUserId: idSchema("user").nullable() }),
  "member.joined": z.object({ userId: idSchema("user"), role: z.string() }),
  /** A webhook endpoint was switched off after sustained failure (the owners are emailed). */
  "webhook_endpoint.disabled": z.object({ endpointId: idSchema("webhookEndpoint"), url: z.string(), reason: z.string() }),
  /** A paid subscription began (Stripe Checkout completed, or created in the Stripe dashboard). */
  "subscription.created": subscriptionEvent,
  /** The plan, status or period of the subscription changed (renewal, upgrade, past_due, canceled). */
  "subscription.updated": subscriptionEvent.extend({ previousPlanId: z.string().nullable(), previousStatus: z.string().nullable() }),
  "invoice.paid": z.object({
    invoiceId: z.string(),
    stripeSubscriptionId: z.string().nullable(),
    amountPaidUsd: z.number(),
    currency: z.string(),
    periodStart: instant.nullable(),
    periodEnd: instant.nullable(),
    paidAt: instant,
  }),
  "invoice.payment_failed": z.object({
    invoiceId: z.string(),
    stripeSubscriptionId: z.string().nullable(),
    amountDueUsd: z.number(),
    currency: z.string(),
    attemptCount: z.number().int(),
    nextAttemptAt: instant.nullable(),
  }),
  /** Stripe refunded (part of) a paid invoice, or the payment was disputed: commissions on it are reversed. */
  "invoice.refunded": z.object({ invoiceId: z.string(), amountRefundedUsd: z.number(), reason: z.enum(["refund", "dispute"]) }),
  /** The new workspace was attributed to a referral link at signup (first- or last-touch, within the window). */
  "referral.signed_up": z.object({
    linkId: idSchema("referralLink"),
    referrerUserId: idSchema("user").nullable(),
    referrerAffiliateId: idSchema("affiliate").nullable(),
    flagged: z.array(z.string()),
  }),
  /** The billing period's call allowance reached 80 % or 100 % (the owners are emailed once per period and threshold). */
  "usage.threshold_reached": z.object({
    periodStart: instant,
    threshold: z.union([z.literal(80), z.literal(100)]),
    callsUsed: z.number().int(),
    callsIncluded: z.number().int(),
    planId: z.string(),
  }),
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export const eventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

/** The current payload version of every type (all 1 so far). */
export const EVENT_VERSION = 1;

/** The body a webhook endpoint receives (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface WebhookEventBody<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  timestamp: string;
  workspaceId: string;
  data: EventPayload<T>;
}
