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
export const callResultSchema = z.enum(["booked", "rescheduled", "cancelled", "message", "transferred", "no_action"]);
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
