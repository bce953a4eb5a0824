import { z } from "zod";
import { emailSchema } from "./auth.ts";
import { idSchema } from "./ids.ts";

/**
 * Which optional emails a user receives. Transactional mail (verify address, password reset,
 * invitation, a caller's own booking) is always sent; these four can be switched off, each with a
 * one-click unsubscribe link in the email itself. Stored in `users.notification_prefs`; a missing key
 * takes its default (the daily summary is opt-in, the rest opt-out).
 */
export const NOTIFICATION_KINDS = ["messageTaken", "appointments", "dailySummary", "webhookAlerts"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);

export const notificationPreferencesSchema = z.object({
  messageTaken: z.boolean(),
  appointments: z.boolean(),
  dailySummary: z.boolean(),
  webhookAlerts: z.boolean(),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  messageTaken: true,
  appointments: true,
  dailySummary: false,
  webhookAlerts: true,
};

/** The stored jsonb (anything) as complete preferences: unknown keys dropped, missing or non-boolean ones defaulted. */
export function notificationPreferencesOf(stored: unknown): NotificationPreferences {
  const out = { ...DEFAULT_NOTIFICATION_PREFERENCES };
  if (stored && typeof stored === "object") {
    for (const kind of NOTIFICATION_KINDS) {
      const v = (stored as Record<string, unknown>)[kind];
      if (typeof v === "boolean") out[kind] = v;
    }
  }
  return out;
}

export const updateNotificationPreferencesBodySchema = notificationPreferencesSchema.partial().strict();

export const forgotPasswordBodySchema = z.object({ email: emailSchema });
export const verifyEmailBodySchema = z.object({ token: z.string().min(20).max(200) });
export const unsubscribeQuerySchema = z.object({ token: z.string().min(10).max(500) });
const EMAIL_STATUSES = ["queued", "sent", "failed", "outbox"] as const;

/** An email as the dev outbox shows it (only when no SMTP server is configured). */
export const outboxEmailSchema = z.object({
  id: idSchema("email"),
  template: z.string(),
  to: z.string(),
  subject: z.string(),
  status: z.enum(EMAIL_STATUSES),
  attempts: z.number().int(),
  error: z.string().nullable(),
  /** Null for a user's own mail (verify address, password reset), which belongs to no workspace. */
  workspaceId: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxEmailDto = z.infer<typeof outboxEmailSchema>;
export const outboxEmailDetailSchema = outboxEmailSchema.extend({ html: z.string(), text: z.string(), messageId: z.string().nullable() });
export type OutboxEmailDetailDto = z.infer<typeof outboxEmailDetailSchema>;
