import { z } from "zod";
import { idSchema } from "./ids.ts";
import { isoDateSchema, slugSchema } from "./business.ts";

/** An instant with its offset: "2026-03-10T14:00:00.000-04:00" or "…Z". */
export const isoInstantSchema = z.iso.datetime({ offset: true });

export const appointmentStatusSchema = z.enum(["booked", "cancelled", "completed", "no_show"]);
export type AppointmentStatus = z.infer<typeof appointmentStatusSchema>;

export const appointmentSourceSchema = z.enum(["agent", "dashboard", "api"]);

export const appointmentSchema = z.object({
  id: idSchema("appointment"),
  agentId: idSchema("agent").nullable(),
  callId: idSchema("call").nullable(),
  serviceId: slugSchema,
  /** null when the service has no staff (the business is the one resource). */
  staffId: slugSchema.nullable(),
  start: isoInstantSchema,
  /** start + service duration. */
  end: isoInstantSchema,
  /**
   * end + the service's buffer: the interval [start, busyEnd) is what may not overlap another
   * booked appointment of the same staff (or of the business, when staffId is null).
   */
  busyEnd: isoInstantSchema,
  status: appointmentStatusSchema,
  customerName: z.string().max(200),
  customerPhone: z.string().max(32),
  customerEmail: z.string().max(200).default(""),
  notes: z.string().max(2000).default(""),
  source: appointmentSourceSchema,
  createdAt: isoInstantSchema,
  updatedAt: isoInstantSchema,
});
export type AppointmentDto = z.infer<typeof appointmentSchema>;

export const createAppointmentBodySchema = z.object({
  agentId: idSchema("agent"),
  serviceId: slugSchema,
  staffId: slugSchema.nullable().optional(),
  start: isoInstantSchema,
  customerName: z.string().trim().min(1).max(200),
  customerPhone: z.string().trim().min(3).max(32),
  customerEmail: z.string().max(200).optional(),
  notes: z.string().max(2000).optional(),
});
export type CreateAppointmentBody = z.infer<typeof createAppointmentBodySchema>;

export const updateAppointmentBodySchema = z
  .object({
    start: isoInstantSchema,
    staffId: slugSchema.nullable(),
    serviceId: slugSchema,
    customerName: z.string().trim().min(1).max(200),
    customerPhone: z.string().trim().min(3).max(32),
    notes: z.string().max(2000),
    status: z.enum(["completed", "no_show"]),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "nothing to update");
export type UpdateAppointmentBody = z.infer<typeof updateAppointmentBodySchema>;

export const cancelAppointmentBodySchema = z.object({ reason: z.string().max(500).optional() });

export const listAppointmentsQuerySchema = z.object({
  /** One business-local day, or a range with from/to. */
  day: isoDateSchema.optional(),
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
  agentId: idSchema("agent").optional(),
  status: appointmentStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type ListAppointmentsQuery = z.infer<typeof listAppointmentsQuerySchema>;

export const availabilityQuerySchema = z.object({
  serviceId: slugSchema,
  staffId: slugSchema.optional(),
  from: isoInstantSchema,
  to: isoInstantSchema,
  slotStepMin: z.coerce.number().int().min(5).max(240).optional(),
});
export type AvailabilityQuery = z.infer<typeof availabilityQuerySchema>;

export const slotSchema = z.object({
  start: isoInstantSchema,
  end: isoInstantSchema,
  staffId: slugSchema.nullable(),
});
export type SlotDto = z.infer<typeof slotSchema>;

export const availabilitySchema = z.object({ timezone: z.string(), slots: z.array(slotSchema) });

export const messageUrgencySchema = z.enum(["low", "normal", "high"]);
export type MessageUrgency = z.infer<typeof messageUrgencySchema>;

/** A message the agent took for the business ("please call me back about…"). */
export const messageSchema = z.object({
  id: z.string(),
  agentId: idSchema("agent").nullable(),
  callId: idSchema("call").nullable(),
  callerName: z.string().max(200),
  callbackNumber: z.string().max(32),
  text: z.string().max(4000),
  urgency: messageUrgencySchema,
  status: z.enum(["new", "read", "done"]),
  createdAt: isoInstantSchema,
});
export type MessageDto = z.infer<typeof messageSchema>;

export const updateMessageBodySchema = z.object({ status: z.enum(["new", "read", "done"]) });
