import { z } from "zod";
import { idSchema } from "./ids.ts";
import { e164Schema } from "./telephony.ts";

/** Outbound campaigns: an agent calls a list of contacts inside calling windows (docs/campaigns.md). */

export const CAMPAIGN_TYPES = ["standard", "appointment_reminder"] as const;
export const CAMPAIGN_STATUSES = ["draft", "running", "paused", "completed", "cancelled"] as const;
export const CONTACT_STATUSES = ["pending", "calling", "done", "failed", "skipped_dnc", "skipped_no_consent"] as const;
export const CONTACT_OUTCOMES = ["booked", "rescheduled", "cancelled", "message", "voicemail", "no_answer", "busy", "declined", "failed", "completed"] as const;
export const DNC_SOURCES = ["manual", "call", "sms", "import"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** Never earlier or later than this, local time, unless a campaign sets `allowOutsideQuietHours` (the operator's responsibility). */
export const QUIET_HOURS = { notBefore: "08:00", notAfter: "21:00" } as const;

/** The opening of an appointment-reminder campaign that names none. */
export const REMINDER_OPENING = "Hi {{name}}, this is {{business}} reminding you of your {{service}} appointment tomorrow at {{time}}. Can you still make it?";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a time like 09:00");
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export function isIanaZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
}

export const campaignWindowSchema = z
  .object({
    /** Local time of each contact, `HH:MM`; calls start at or after `start` and before `end`. */
    start: hhmm.default("09:00"),
    end: hhmm.default("20:00"),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .default([1, 2, 3, 4, 5])
      .transform((d) => [...new Set(d)].sort()),
  })
  .refine((w) => minutesOf(w.start) < minutesOf(w.end), { message: "must end after it starts", path: ["end"] });
export type CampaignWindow = z.infer<typeof campaignWindowSchema>;

export const retryPolicySchema = z.object({
  /** Calls per contact at most (the first one included). */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Wait before the second attempt; doubled for each further one (no answer, busy, failed, a machine hung up on). */
  backoffMinutes: z.number().int().min(1).max(10_080).default(60),
});

const variableName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "must be a name like firstName");

const campaignFields = z.object({
  name: z.string().trim().min(1).max(120),
  agentId: idSchema("agent"),
  /** Caller id: one of the workspace's numbers. */
  fromNumber: e164Schema,
  type: z.enum(CAMPAIGN_TYPES).default("standard"),
  window: campaignWindowSchema.default({ start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] }),
  /** Let the window reach outside 08:00–21:00 local: the operator answers for the rules that apply to them. */
  allowOutsideQuietHours: z.boolean().default(false),
  maxConcurrent: z.number().int().min(1).max(100).default(5),
  retry: retryPolicySchema.default({ maxAttempts: 3, backoffMinutes: 60 }),
  machineDetection: z.enum(["hangup", "voicemail", "off"]).default("hangup"),
  voicemailMessage: z.string().trim().min(1).max(1000).nullable().default(null),
  /** What the agent says first, `{{variable}}` placeholders filled from each contact; null: the agent's own (reminders: `REMINDER_OPENING`). */
  opening: z.string().trim().min(1).max(1000).nullable().default(null),
});

/** The rules a campaign must keep whatever way it was written (create, or a patch merged over it). */
function campaignRules<T extends z.ZodType<z.output<typeof campaignFields>>>(schema: T) {
  return schema
    .refine(
      (c) =>
        c.allowOutsideQuietHours ||
        (minutesOf(c.window.start) >= minutesOf(QUIET_HOURS.notBefore) && minutesOf(c.window.end) <= minutesOf(QUIET_HOURS.notAfter)),
      {
        message: `must stay within ${QUIET_HOURS.notBefore}–${QUIET_HOURS.notAfter} local time unless allowOutsideQuietHours is true`,
        path: ["window"],
      },
    )
    .refine((c) => c.machineDetection !== "voicemail" || c.voicemailMessage !== null, {
      message: "required when machineDetection is voicemail",
      path: ["voicemailMessage"],
    });
}

export const createCampaignBodySchema = campaignRules(campaignFields);
export type CreateCampaignBody = z.infer<typeof createCampaignBodySchema>;

export const updateCampaignBodySchema = z
  .object({
    name: campaignFields.shape.name,
    agentId: campaignFields.shape.agentId,
    fromNumber: campaignFields.shape.fromNumber,
    window: campaignWindowSchema,
    allowOutsideQuietHours: z.boolean(),
    maxConcurrent: campaignFields.shape.maxConcurrent,
    retry: retryPolicySchema,
    machineDetection: z.enum(["hangup", "voicemail", "off"]),
    voicemailMessage: z.string().trim().min(1).max(1000).nullable(),
    opening: z.string().trim().min(1).max(1000).nullable(),
  })
  .partial();
export type UpdateCampaignBody = z.infer<typeof updateCampaignBodySchema>;

export const outboundCampaignSchema = z.object({
  id: idSchema("campaign"),
  name: z.string(),
  agentId: z.string(),
  fromNumber: z.string(),
  type: z.enum(CAMPAIGN_TYPES),
  status: z.enum(CAMPAIGN_STATUSES),
  window: z.object({ start: z.string(), end: z.string(), days: z.array(z.number()) }),
  allowOutsideQuietHours: z.boolean(),
  maxConcurrent: z.number(),
  retry: z.object({ maxAttempts: z.number(), backoffMinutes: z.number() }),
  machineDetection: z.enum(["hangup", "voicemail", "off"]),
  voicemailMessage: z.string().nullable(),
  opening: z.string().nullable(),
  /** Why the scheduler paused it (plan limit, agent unpublished…); null when nothing went wrong. */
  lastError: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CampaignDto = z.infer<typeof outboundCampaignSchema>;

export const listCampaignsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});

export const campaignProgressSchema = z.object({
  total: z.number(),
  /** Contacts no longer pending or being called. */
  finished: z.number(),
  percent: z.number(),
  byStatus: z.record(z.enum(CONTACT_STATUSES), z.number()),
  byOutcome: z.record(z.enum(CONTACT_OUTCOMES), z.number()),
});
export type CampaignProgressDto = z.infer<typeof campaignProgressSchema>;

export const campaignContactSchema = z.object({
  id: idSchema("campaignContact"),
  campaignId: z.string(),
  phone: z.string(),
  name: z.string(),
  timezone: z.string(),
  variables: z.record(z.string(), z.string()),
  consent: z.boolean(),
  consentSource: z.string(),
  status: z.enum(CONTACT_STATUSES),
  outcome: z.enum(CONTACT_OUTCOMES).nullable(),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastCallId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CampaignContactDto = z.infer<typeof campaignContactSchema>;

export const listContactsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  status: z.enum(CONTACT_STATUSES).optional(),
  outcome: z.enum(CONTACT_OUTCOMES).optional(),
});

const dryRunQuery = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** Which CSV column holds what; every other column becomes a variable named after its header. */
export const csvMappingSchema = z.object({
  phone: z.string().trim().min(1).max(100).default("phone"),
  name: z.string().trim().min(1).max(100).optional(),
  timezone: z.string().trim().min(1).max(100).optional(),
  consent: z.string().trim().min(1).max(100).default("consent"),
  consentSource: z.string().trim().min(1).max(100).optional(),
});

export const importContactsQuerySchema = z.object({
  dryRun: dryRunQuery,
  /** With a `text/csv` body: the mapping, one query parameter per field (`phoneColumn=Mobile`). */
  phoneColumn: z.string().trim().min(1).max(100).optional(),
  nameColumn: z.string().trim().min(1).max(100).optional(),
  timezoneColumn: z.string().trim().min(1).max(100).optional(),
  consentColumn: z.string().trim().min(1).max(100).optional(),
  consentSourceColumn: z.string().trim().min(1).max(100).optional(),
  /** The consent source of every row without a consent-source column ("web form 2026-11"). */
  consentSource: z.string().trim().min(1).max(200).optional(),
});

export const importCsvBodySchema = z.object({
  csv: z.string().min(1).max(2_000_000),
  mapping: csvMappingSchema.default({ phone: "phone", consent: "consent" }),
  consentSource: z.string().trim().min(1).max(200).optional(),
});
export type ImportCsvBody = z.infer<typeof importCsvBodySchema>;

export const newContactSchema = z.object({
  phone: z.string().trim().min(1).max(40),
  name: z.string().trim().max(120).default(""),
  /** IANA zone; default the workspace's. */
  timezone: z.string().trim().max(64).optional(),
  variables: z.record(variableName, z.string().max(200)).default({}),
  consent: z.boolean(),
  consentSource: z.string().trim().min(1).max(200),
});

export const addContactsBodySchema = z.object({
  contacts: z.array(newContactSchema).min(1).max(1000),
});
export type AddContactsBody = z.infer<typeof addContactsBodySchema>;

export const contactRowErrorSchema = z.object({
  /** Spreadsheet numbering: the CSV's header is row 1, its first contact row 2 (JSON: the array index + 1). */
  row: z.number(),
  column: z.string(),
  message: z.string(),
});
export type ContactRowError = z.infer<typeof contactRowErrorSchema>;

export const importContactsResultSchema = z.object({
  dryRun: z.boolean(),
  /** Contact rows read. */
  rows: z.number(),
  /** Rows without an error (imported unless `dryRun`). */
  valid: z.number(),
  imported: z.number(),
  errors: z.array(contactRowErrorSchema),
  /** The first valid rows as they would be stored (at most 20). */
  preview: z.array(
    z.object({
      row: z.number(),
      phone: z.string(),
      name: z.string(),
      timezone: z.string(),
      variables: z.record(z.string(), z.string()),
      consentSource: z.string(),
    }),
  ),
});
export type ImportContactsResult = z.infer<typeof importContactsResultSchema>;

export const doNotCallSchema = z.object({
  id: idSchema("doNotCall"),
  phone: z.string(),
  reason: z.string(),
  source: z.enum(DNC_SOURCES),
  createdAt: z.string(),
});
export type DoNotCallDto = z.infer<typeof doNotCallSchema>;

export const addDoNotCallBodySchema = z.object({
  phone: e164Schema,
  reason: z.string().trim().max(200).default(""),
});

export const importDoNotCallBodySchema = z.object({
  phones: z.array(e164Schema).min(1).max(10_000),
  reason: z.string().trim().max(200).default(""),
});

export const listDoNotCallQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  phone: e164Schema.optional(),
});
