import { z } from "zod";
import { DateTime } from "luxon";
import { AppError, isoDateSchema } from "@orbis/contracts";
import type { BusinessConfig } from "@orbis/contracts";
import { computeAvailability, findService } from "../availability.ts";
import type { Slot } from "../availability.ts";
import { bookAppointment, rescheduleAppointment } from "../calendar.ts";
import type { Appointment } from "@orbis/ports";
import { answerQuestion } from "../knowledge.ts";
import type { InfoTopic } from "../knowledge.ts";
import { defineTool } from "./tool.ts";
import type { AnyTool, ToolContext } from "./tool.ts";

const PARTS_OF_DAY = { morning: [0, 12], afternoon: [12, 17], evening: [17, 24], any: [0, 24] } as const;
export type PartOfDay = keyof typeof PARTS_OF_DAY;

function serviceOrThrow(business: BusinessConfig, serviceId: string) {
  const s = findService(business, serviceId);
  if (!s) throw new AppError("not_found", `no service ${serviceId}; known: ${business.services.map((x) => x.id).join(", ")}`);
  return s;
}

/** Free slots on a business-local date (or from it onwards), optionally within a part of the day. */
export async function findSlots(
  ctx: ToolContext,
  q: {
    serviceId: string;
    date?: string;
    days?: number;
    staffId?: string;
    partOfDay?: PartOfDay;
    after?: string;
    limit?: number;
    excludeAppointmentId?: string;
    localTime?: string;
  },
): Promise<Slot[]> {
  const { business } = ctx;
  const zone = business.timezone;
  const now = DateTime.fromJSDate(ctx.clock.now(), { zone });
  const fromDay = q.date ? DateTime.fromISO(q.date, { zone }) : now.startOf("day");
  const toDay = fromDay.plus({ days: q.days ?? 1 });
  const busy = await ctx.calendar.listBusy({ from: fromDay.toISO() as string, to: toDay.plus({ days: 1 }).toISO() as string });
  const [lo, hi] = PARTS_OF_DAY[q.partOfDay ?? "any"];
  const exact = q.localTime ? Number(q.localTime.slice(0, 2)) * 60 + Number(q.localTime.slice(3, 5)) : null;
  const after = q.after ? DateTime.fromISO(q.after, { setZone: true }).toMillis() : -Infinity;
  const all = computeAvailability({
    business,
    serviceId: q.serviceId,
    ...(q.staffId ? { staffId: q.staffId } : {}),
    from: fromDay.toISO() as string,
    to: toDay.toISO() as string,
    existing: busy
      .filter((b) => q.excludeAppointmentId === undefined || b.appointmentId !== q.excludeAppointmentId)
      .map((b) => ({ start: b.start, end: b.end, staffId: b.staffId })),
    now: ctx.clock.now(),
    localWindow: exact === null ? { fromMin: lo * 60, toMin: hi * 60 } : { fromMin: Math.max(exact, lo * 60), toMin: Math.min(exact + 1, hi * 60) },
    ...(q.after ? {} : { limit: q.limit ?? 20 }),
  });
  return all.filter((s) => after === -Infinity || DateTime.fromISO(s.start, { setZone: true }).toMillis() > after).slice(0, q.limit ?? 20);
}

function appointmentView(a: Appointment, business: BusinessConfig) {
  const t = DateTime.fromISO(a.start, { zone: business.timezone });
  return {
    id: a.id,
    service: findService(business, a.serviceId)?.name ?? a.serviceId,
    serviceId: a.serviceId,
    staffId: a.staffId,
    start: a.start,
    end: a.end,
    when: t.toFormat("cccc, LLLL d 'at' h:mm a"),
    customerName: a.customerName,
    status: a.status,
  };
}

const partOfDaySchema = z.enum(["morning", "afternoon", "evening", "any"]);

export const checkAvailabilityTool = defineTool({
  name: "check_availability",
  description: "List free appointment start times for a service on a date (business time zone).",
  args: z.object({
    serviceId: z.string().describe("service id from the business config"),
    date: isoDateSchema.describe("business-local date YYYY-MM-DD; omit for today onwards").optional(),
    days: z.number().int().min(1).max(31).default(1).describe("how many days from date to search"),
    staffId: z.string().optional(),
    partOfDay: partOfDaySchema.default("any"),
    limit: z.number().int().min(1).max(50).default(6),
  }),
  async run(args, ctx) {
    serviceOrThrow(ctx.business, args.serviceId);
    const slots = await findSlots(ctx, args);
    return { timezone: ctx.business.timezone, slots };
  },
});

export const bookAppointmentTool = defineTool({
  name: "book_appointment",
  description: "Book an appointment for the caller at a start time returned by check_availability.",
  args: z.object({
    serviceId: z.string(),
    start: z.iso.datetime({ offset: true }),
    staffId: z.string().nullable().optional(),
    customerName: z.string().trim().min(1).max(200),
    customerPhone: z.string().trim().min(3).max(32),
    notes: z.string().max(2000).optional(),
  }),
  async run(args, ctx) {
    const a = await bookAppointment(
      { business: ctx.business, calendar: ctx.calendar, clock: ctx.clock },
      { ...args, agentId: ctx.agentId, callId: ctx.callId, source: "agent" },
    );
    return { appointment: appointmentView(a, ctx.business) };
  },
});

export const findAppointmentsTool = defineTool({
  name: "find_appointments",
  description: "Find the caller's upcoming booked appointments by phone number.",
  args: z.object({ customerPhone: z.string().trim().min(3).max(32) }),
  async run(args, ctx) {
    const list = await ctx.calendar.listAppointments({ customerPhone: args.customerPhone, status: "booked", from: ctx.clock.now().toISOString() });
    return { appointments: list.map((a) => appointmentView(a, ctx.business)) };
  },
});

export const rescheduleAppointmentTool = defineTool({
  name: "reschedule_appointment",
  description: "Move a booked appointment to a new start time.",
  args: z.object({ appointmentId: z.string(), start: z.iso.datetime({ offset: true }), staffId: z.string().nullable().optional() }),
  async run(args, ctx) {
    const a = await rescheduleAppointment({ business: ctx.business, calendar: ctx.calendar, clock: ctx.clock }, args);
    return { appointment: appointmentView(a, ctx.business) };
  },
});

export const cancelAppointmentTool = defineTool({
  name: "cancel_appointment",
  description: "Cancel a booked appointment.",
  args: z.object({ appointmentId: z.string(), reason: z.string().max(500).optional() }),
  async run(args, ctx) {
    const a = await ctx.calendar.cancelAppointment(args.appointmentId, args.reason);
    return { appointment: appointmentView(a, ctx.business) };
  },
});

export const businessInfoTool = defineTool({
  name: "business_info",
  description: "Answer a question about the business: hours, prices, location, services, contact or an FAQ.",
  args: z.object({
    topic: z.enum(["hours", "prices", "location", "services", "contact", "faq"]),
    query: z.string().max(500).default(""),
  }),
  async run(args, ctx) {
    const answer = answerQuestion(ctx.business, args.topic as InfoTopic, args.query);
    return { answer: answer ?? "I don't have that information.", found: answer !== null };
  },
});

export const takeMessageTool = defineTool({
  name: "take_message",
  description: "Leave a message for the business to call the caller back.",
  args: z.object({
    callerName: z.string().trim().min(1).max(200),
    callbackNumber: z.string().trim().min(3).max(32),
    text: z.string().trim().min(1).max(4000),
    urgency: z.enum(["low", "normal", "high"]).default("normal"),
  }),
  async run(args, ctx) {
    const m = await ctx.messages.saveMessage({ ...args, agentId: ctx.agentId, callId: ctx.callId });
    return { messageId: m.id };
  },
});

export const transferCallTool = defineTool({
  name: "transfer_call",
  description: "Transfer the caller to a person at the business.",
  args: z.object({ reason: z.string().max(500).default("caller asked for a person") }),
  async run(args, ctx) {
    const to = ctx.business.escalationPhone;
    if (!to) throw new AppError("unavailable", "no escalation number configured; take a message instead");
    if (ctx.channel === "web") {
      throw new AppError("unavailable", `a website call cannot be transferred: tell the caller they can ring ${to}, or take a message for a call back`);
    }
    return { to, reason: args.reason };
  },
});

/**
 * The person asked never to be called again ("take me off your list"): recorded on the turn, the call's
 * outcome becomes `do_not_call` and the worker puts the other party's number on the workspace's
 * do-not-call list, which campaigns honour.
 */
const doNotCallTool = defineTool({
  name: "do_not_call",
  description: "The person asked not to be called again: put their number on the do-not-call list, then say goodbye and end the call.",
  args: z.object({ reason: z.string().max(200).default("asked not to be called") }),
  async run(args) {
    return { reason: args.reason };
  },
});

export const endCallTool = defineTool({
  name: "end_call",
  description: "End the call after saying goodbye.",
  args: z.object({ reason: z.string().max(200).default("completed") }),
  async run(args) {
    return { reason: args.reason };
  },
});

export function builtinTools(): AnyTool[] {
  return [
    checkAvailabilityTool,
    bookAppointmentTool,
    findAppointmentsTool,
    rescheduleAppointmentTool,
    cancelAppointmentTool,
    businessInfoTool,
    takeMessageTool,
    transferCallTool,
    doNotCallTool,
    endCallTool,
  ] as AnyTool[];
}
