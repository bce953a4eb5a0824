import { z } from "zod";
import { EXPORT_TABLES } from "@orbis/db";

/** The workspace's data-lifecycle settings. */
export const privacySettingsSchema = z.object({
  /** Call transcripts and recordings older than this many days are purged by the daily retention job. */
  retentionDays: z.number().int(),
});
export type PrivacySettingsDto = z.infer<typeof privacySettingsSchema>;

export const updatePrivacySettingsBodySchema = z.object({ retentionDays: z.number().int().min(1).max(3650) });

const exportTableSchema = z.enum(EXPORT_TABLES);

export const exportQuerySchema = z
  .object({
    format: z.enum(["json", "csv"]).default("json"),
    table: exportTableSchema.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.format === "csv" && !q.table) ctx.addIssue({ code: "custom", path: ["table"], message: "is required with format=csv (one table per CSV file)" });
  });
export type ExportQuery = z.infer<typeof exportQuerySchema>;

export const eraseCallerBodySchema = z.object({
  /** The caller's number, E.164 (`+14155550100`); spaces, dashes, dots and brackets are ignored, `00` counts as `+`. */
  phone: z.string().trim().min(1).max(40),
});

export const callerErasureSchema = z.object({
  phone: z.string(),
  removed: z.object({
    calls: z.number().int(),
    turns: z.number().int(),
    callEvents: z.number().int(),
    recordings: z.number().int(),
    appointments: z.number().int(),
    messages: z.number().int(),
    smsMessages: z.number().int(),
    events: z.number().int(),
    emails: z.number().int(),
    /** Campaign contacts with the number (any campaign), deleted. */
    campaignContacts: z.number().int(),
  }),
  /** What stays on purpose: the do-not-call entry (its reason cleared), so the number is never called again. */
  kept: z.object({ doNotCall: z.number().int() }),
});
export type CallerErasureDto = z.infer<typeof callerErasureSchema>;

export const deleteWorkspaceBodySchema = z.object({
  /** The workspace's name, typed again. */
  confirm: z.string().max(200),
});

export const deleteAccountBodySchema = z.object({ password: z.string().min(1).max(1024) });

export const accountDeletedSchema = z.object({
  /** Workspaces deleted with the account (it was their only member). */
  deletedWorkspaces: z.array(z.string()),
});
