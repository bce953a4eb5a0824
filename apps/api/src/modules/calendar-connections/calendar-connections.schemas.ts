import { z } from "zod";
import { idSchema } from "@orbis/contracts";
import { CALENDAR_PROVIDERS } from "@orbis/calendars";

const calendarIdSchema = z.string().trim().min(1).max(1024);
/** A staff member's id in the business config ("dr-lee"); null: the whole business. */
const staffIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a staff id from the business settings (lowercase letters, digits, dashes)")
  .nullable();

export const providerParamsSchema = z.object({ provider: z.enum(CALENDAR_PROVIDERS) });
export const connectionParamsSchema = z.object({ id: idSchema("calendarConnection") });

export const startConnectionBodySchema = z.strictObject({ staffId: staffIdSchema.optional() }).default({});
export const startConnectionResponseSchema = z.object({ authorizationUrl: z.string(), expiresAt: z.string() });

export const callbackQuerySchema = z.object({
  state: z.string().min(16).max(128),
  code: z.string().min(1).max(4096).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

export const updateConnectionBodySchema = z
  .strictObject({
    blockingCalendarIds: z.array(calendarIdSchema).max(50).optional(),
    bookingCalendarId: calendarIdSchema.nullable().optional(),
    staffId: staffIdSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "give blockingCalendarIds, bookingCalendarId or staffId");

const calendarChoiceSchema = z.object({ id: z.string(), name: z.string(), primary: z.boolean(), blocks: z.boolean() });
export const calendarConnectionSchema = z.object({
  id: z.string(),
  provider: z.enum(CALENDAR_PROVIDERS),
  accountEmail: z.string(),
  staffId: z.string().nullable(),
  status: z.enum(["active", "error"]),
  lastError: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
  calendars: z.array(calendarChoiceSchema),
  bookingCalendarId: z.string().nullable(),
  createdAt: z.string(),
});
export type CalendarConnectionDto = z.infer<typeof calendarConnectionSchema>;

export const connectionListSchema = z.object({
  providers: z.array(z.object({ id: z.enum(CALENDAR_PROVIDERS), name: z.string(), configured: z.boolean() })),
  connections: z.array(calendarConnectionSchema),
  /** The staff members a connection can be attached to: those in the business settings of the workspace's agents. */
  staff: z.array(z.object({ id: z.string(), name: z.string(), agents: z.array(z.string()) })),
});
export const calendarListSchema = z.object({ calendars: z.array(calendarChoiceSchema), bookingCalendarId: z.string().nullable() });
export const disconnectResponseSchema = z.object({ revoked: z.boolean() });
