import { DateTime } from "luxon";
import type { Billing } from "@orbis/billing";
import { EVENT_PAYLOADS, notificationPreferencesOf, type EventPayload, type EventType, type NotificationKind } from "@orbis/contracts";
import { emailAudience, emailStore, tenantScopeOn, type Database, type DomainEventRow, type EmailRecipientRow, type Executor, type Tx } from "@orbis/db";
import { EMAIL_SEND_QUEUE, unsubscribeUrl, type EmailMessage, type EmailService } from "@orbis/email";
import type { Job } from "@orbis/jobs";
import type { EventConsumer, PendingJob } from "../consumer.ts";

const DAILY_SUMMARY_QUEUE = "email.daily-summary";
/** 07:00 UTC: yesterday's (UTC) calls, bookings and messages. */
const DAILY_SUMMARY_CRON = "0 7 * * *";
/** A queued row older than this that was never attempted lost its job. */
const LOST_AFTER_SEC = 120;

export interface EmailConsumerDeps {
  db: Database;
  email: EmailService;
  /** Links in emails: PUBLIC_BASE_URL, or http://localhost:<PORT> when unset. */
  publicBaseUrl: string;
  /** Signs the one-click unsubscribe links (the api verifies them with the same secret: the JWT secret). */
  unsubscribeSecret: string;
  now?: () => Date;
  /** Retries of `email.send` (default 5, the first after 30 s, doubling). */
  retry?: { limit?: number; delaySec?: number };
  /** Seconds before a send held by a worker that died is taken over (JOB_LEASE_SEC, default 60): the email service's lease too. */
  leaseSec?: number;
  /** The plans and grace period, for billing emails (allowance alerts, failed payments); without it they are not sent. */
  billing?: Pick<Billing, "plans" | "graceDays">;
}

/**
 * Email as a consequence of domain events: a message taken or an appointment booked or cancelled
 * emails the workspace's owners and admins (and the caller, for an appointment with their address),
 * a disabled webhook endpoint emails the owners; each recipient only for what they did not switch off.
 * Billing emails (an allowance threshold reached, a failed payment) go to the owners whatever their
 * preferences: they are about the account itself, like a password reset.
 * The emails are written on the relay's transaction and sent by `email.send` jobs (idempotent on the
 * row). A daily summary goes to those who opted in.
 */
export function emailConsumer(deps: EmailConsumerDeps): EventConsumer {
  const base = deps.publicBaseUrl.replace(/\/+$/, "");
  const now = deps.now ?? (() => new Date());
  const unsubscribe = (userId: string, kind: NotificationKind, workspaceId: string) =>
    unsubscribeUrl(base, deps.unsubscribeSecret, { userId, kind, workspaceId });
  const wants = (r: EmailRecipientRow, kind: NotificationKind) => notificationPreferencesOf(r.notificationPrefs)[kind];

  async function business(
    tx: Executor,
    event: DomainEventRow,
    kind: NotificationKind,
    roles: EmailRecipientRow["role"][],
    make: (r: EmailRecipientRow, workspaceName: string, unsubscribeUrl: string) => Omit<EmailMessage, "to" | "idempotencyKey" | "workspaceId" | "userId">,
  ): Promise<string[]> {
    const audience = emailAudience(tx);
    const workspace = await audience.workspace(event.workspaceId);
    if (!workspace) return [];
    const ids: string[] = [];
    for (const r of await audience.recipients(event.workspaceId, roles)) {
      if (!wants(r, kind)) continue;
      const content = make(r, workspace.name, unsubscribe(r.userId, kind, event.workspaceId));
      ids.push(
        await deps.email.draft(tx, {
          ...content,
          to: r.email,
          idempotencyKey: `event:${event.id}:${r.userId}`,
          workspaceId: event.workspaceId,
          userId: r.userId,
        } as EmailMessage),
      );
    }
    return ids;
  }

  /** The workspace's owners, each email without unsubscribe link: mail about the account is always sent. */
  async function owners(
    tx: Executor,
    event: DomainEventRow,
    make: (workspace: { name: string; timezone: string }) => Omit<EmailMessage, "to" | "idempotencyKey" | "workspaceId" | "userId">,
  ): Promise<string[]> {
    const audience = emailAudience(tx);
    const workspace = await audience.workspace(event.workspaceId);
    if (!workspace) return [];
    const content = make(workspace);
    const ids: string[] = [];
    for (const r of await audience.recipients(event.workspaceId, ["owner"])) {
      ids.push(
        await deps.email.draft(tx, {
          ...content,
          to: r.email,
          idempotencyKey: `event:${event.id}:${r.userId}`,
          workspaceId: event.workspaceId,
          userId: r.userId,
        } as EmailMessage),
      );
    }
    return ids;
  }

  async function usageThreshold(tx: Executor, event: DomainEventRow): Promise<string[]> {
    const p = payloadOf(event, "usage.threshold_reached");
    const plans = deps.billing?.plans;
    if (!p || !plans) return [];
    const plan = plans.get(p.planId);
    // Periods are monthly: a subscription's from its anchor, the default plan's the calendar month.
    const periodEnd = DateTime.fromISO(p.periodStart, { zone: "UTC" }).plus({ months: 1 }).toISO()!;
    return owners(tx, event, (ws) => ({
      template: "usage_threshold",
      data: {
        workspaceName: ws.name,
        planName: plan?.name ?? p.planId,
        threshold: p.threshold,
        callsUsed: p.callsUsed,
        callsIncluded: p.callsIncluded,
        periodEnd,
        timezone: ws.timezone,
        overagePerCallUsd: plan?.overage?.perCallUsd ?? null,
        url: `${base}/dashboard/billing`,
      },
    }));
  }

  async function paymentFailed(tx: Tx, event: DomainEventRow): Promise<string[]> {
    const p = payloadOf(event, "invoice.payment_failed");
    const billing = deps.billing;
    if (!p || !billing) return [];
    // Grace counts from when the subscription went past_due (the webhook may not have said so yet: from now).
    const row = await tenantScopeOn(tx, event.workspaceId).billing.subscription();
    const since = row?.pastDueSince ?? event.occurredAt;
    const graceEndsAt = new Date(since.getTime() + billing.graceDays * 24 * 3600_000).toISOString();
    return owners(tx, event, (ws) => ({
      template: "payment_failed",
      data: {
        workspaceName: ws.name,
        amountDueUsd: p.amountDueUsd,
        currency: p.currency,
        nextAttemptAt: p.nextAttemptAt,
        graceEndsAt,
        fallbackPlanName: billing.plans.default.name,
        timezone: ws.timezone,
        url: `${base}/dashboard/billing`,
      },
    }));
  }

  function payloadOf<T extends EventType>(event: DomainEventRow, type: T): EventPayload<T> | undefined {
    const parsed = EVENT_PAYLOADS[type].safeParse(event.payload);
    return parsed.success ? (parsed.data as EventPayload<T>) : undefined;
  }

  async function appointment(tx: Executor, event: DomainEventRow, booked: boolean): Promise<string[]> {
    const p = booked ? payloadOf(event, "appointment.booked") : payloadOf(event, "appointment.cancelled");
    if (!p) return [];
    const reason = "reason" in p ? (p.reason ?? null) : null;
    const common = {
      serviceName: p.serviceId,
      start: p.start,
      end: p.end,
      timezone: p.timezone,
      customerName: p.customerName,
      customerPhone: p.customerPhone,
      customerEmail: p.customerEmail,
    };
    const url = `${base}/dashboard/appointments`;
    const ids = await business(tx, event, "appointments", ["owner", "admin"], (_r, workspaceName, unsubscribeUrl) =>
      booked
        ? { template: "appointment_booked", data: { ...common, workspaceName, url, unsubscribeUrl } }
        : { template: "appointment_cancelled", data: { ...common, workspaceName, reason, url, unsubscribeUrl } },
    );
    if (p.customerEmail && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(p.customerEmail)) {
      const workspace = await emailAudience(tx).workspace(event.workspaceId);
      if (workspace) {
        ids.push(
          await deps.email.draft(tx, {
            ...(booked
              ? { template: "appointment_booked_caller" as const, data: { ...common, workspaceName: workspace.name } }
              : { template: "appointment_cancelled_caller" as const, data: { ...common, workspaceName: workspace.name, reason } }),
            to: p.customerEmail,
            idempotencyKey: `event:${event.id}:caller`,
            workspaceId: event.workspaceId,
            userId: null,
          } as EmailMessage),
        );
      }
    }
    return ids;
  }

  async function fanOut(event: DomainEventRow, tx: Tx): Promise<string[]> {
    switch (event.type) {
      case "message.taken": {
        const p = payloadOf(event, "message.taken");
        if (!p) return [];
        return business(tx, event, "messageTaken", ["owner", "admin"], (_r, workspaceName, unsubscribeUrl) => ({
          template: "message_taken",
          data: {
            workspaceName,
            callerName: p.callerName,
            callbackNumber: p.callbackNumber,
            text: p.text,
            urgency: p.urgency,
            url: `${base}/dashboard/messages`,
            unsubscribeUrl,
          },
        }));
      }
      case "appointment.booked":
        return appointment(tx, event, true);
      case "appointment.cancelled":
        return appointment(tx, event, false);
      case "webhook_endpoint.disabled": {
        const p = payloadOf(event, "webhook_endpoint.disabled");
        if (!p) return [];
        return business(tx, event, "webhookAlerts", ["owner"], (_r, workspaceName, unsubscribeUrl) => ({
          template: "webhook_disabled",
          data: { workspaceName, endpointUrl: p.url, reason: p.reason, url: `${base}/dashboard/webhooks`, unsubscribeUrl },
        }));
      }
      case "usage.threshold_reached":
        return usageThreshold(tx, event);
      case "invoice.payment_failed":
        return paymentFailed(tx, event);
      default:
        return [];
    }
  }

  /** Yesterday (UTC) per workspace with any activity, to each member who turned the summary on. */
  async function dailySummary(): Promise<void> {
    const today = new Date(now());
    today.setUTCHours(0, 0, 0, 0);
    const yesterday = new Date(today.getTime() - 24 * 3600 * 1000);
    const date = yesterday.toISOString().slice(0, 10);
    const audience = emailAudience(deps.db.system);
    for (const day of await audience.activity(yesterday, today)) {
      const workspace = await audience.workspace(day.workspaceId);
      if (!workspace) continue;
      for (const r of await audience.recipients(day.workspaceId)) {
        if (!wants(r, "dailySummary")) continue;
        await deps.email.send({
          template: "daily_summary",
          data: {
            workspaceName: workspace.name,
            date,
            calls: day.calls,
            bookings: day.bookings,
            messages: day.messages,
            url: `${base}/dashboard`,
            unsubscribeUrl: unsubscribe(r.userId, "dailySummary", day.workspaceId),
          },
          to: r.email,
          idempotencyKey: `summary:${day.workspaceId}:${date}:${r.userId}`,
          workspaceId: day.workspaceId,
          userId: r.userId,
        });
      }
    }
  }

  const job = (emailId: string): PendingJob => ({ queue: EMAIL_SEND_QUEUE, data: { emailId } });

  return {
    name: "email",
    queues: [
      {
        // 5 retries with exponential backoff from 30 s (about 16 minutes in all), then the row is `failed`.
        definition: {
          name: EMAIL_SEND_QUEUE,
          retryLimit: deps.retry?.limit ?? 5,
          retryDelaySec: deps.retry?.delaySec ?? 30,
          retryBackoff: true,
          expireInSeconds: deps.leaseSec ?? 60,
        },
        handler: (async (j: Job<{ emailId: string }>) => {
          await deps.email.deliver(j.data.emailId, { final: j.retryCount >= j.retryLimit });
        }) as never,
      },
    ],
    async fanOut(event, tx) {
      return (await fanOut(event, tx)).map(job);
    },
    schedules: [{ queue: DAILY_SUMMARY_QUEUE, cron: DAILY_SUMMARY_CRON, handler: (async () => dailySummary()) as never }],
    async sweep(db) {
      return (await emailStore(db.system).unattempted(LOST_AFTER_SEC)).map(job);
    },
  };
}
