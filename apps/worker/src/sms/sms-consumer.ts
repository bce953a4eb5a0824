import { EVENT_PAYLOADS, createId, idSchema, type CarrierCredentials, type TelephonyProvider } from "@orbis/contracts";
import { smsSystemRepository, tenantScope, type Database, type DomainEventRow, type NewSmsMessageRow, type TenantScope, type Tx } from "@orbis/db";
import type { Job } from "@orbis/jobs";
import { SmsSendError, sendSms, type SmsCredentials } from "@orbis/telephony";
import type { EventConsumer, PendingJob } from "../consumer.ts";
import { businessCopyOf, fillTemplate, formatWhen, localeOf, withStopNotice, zoneOf } from "./format.ts";

export const SMS_QUEUE = "sms.send";
const HOUR = 3600_000;
/** The reminder goes out this long before the appointment… */
const REMINDER_LEAD_MS = 24 * HOUR;
/** …and only for bookings at least this far ahead (a booking for tomorrow morning has its confirmation). */
const REMINDER_MIN_AHEAD_MS = 25 * HOUR;
/** How long one run holds a message while it talks to the carrier. */
const CLAIM_MS = 2 * 60_000;
/** A job may run this much before its message's time (clock skew between hosts). */
const EARLY_MS = 60_000;
/** Queued messages this late and held by no one lost their job: the sweep enqueues them again. */
const SWEEP_GRACE_MS = 5 * 60_000;
/** Sends tried at most this many times (the queue's retries plus any sweep). */
const MAX_ATTEMPTS = 6;
const E164 = /^\+[1-9]\d{6,14}$/;

interface SmsConsumerDeps {
  db: Database;
  /**
   * Opens the workspace's sealed carrier credentials: the `CredentialsService` of `@orbis/credentials`
   * (`createCredentialsService(config.encryptionKey)`), as the gateway's carrier webhooks use it.
   */
  credentials: { read<P extends TelephonyProvider>(tenant: TenantScope, provider: P): Promise<CarrierCredentials<P> | undefined> };
  /** TWILIO_API_URL (unset: https://api.twilio.com). */
  twilioApiUrl?: string | undefined;
  /** TELNYX_API_URL (https://api.telnyx.com/v2, or an emulator). */
  telnyxApiUrl?: string | undefined;
  /** Seconds before a job held by a worker that died runs again (JOB_LEASE_SEC, default 60). */
  leaseSec?: number;
  /** What time it is (tests move it to run a reminder early). */
  clock?: { now(): Date };
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

const smsIdSchema = idSchema("sms");
interface SmsJob {
  smsId: string;
}

/**
 * Text messages to callers: a booking's confirmation at once and a reminder 24 h before it, through the
 * workspace's own carrier (Twilio or Telnyx) from its number routed to the booking's agent. Written at
 * fan-out, re-checked when sent: a reminder of a cancelled or moved booking, a number that answered
 * STOP, a workspace that switched text messages off — each is `skipped`, with the reason.
 */
export function smsConsumer(deps: SmsConsumerDeps): EventConsumer {
  const now = () => deps.clock?.now() ?? new Date();

  async function fanOut(event: DomainEventRow, tx: Tx): Promise<PendingJob[]> {
    if (event.type !== "appointment.booked" && event.type !== "appointment.rescheduled") return [];
    const parsed = EVENT_PAYLOADS[event.type].safeParse(event.payload);
    if (!parsed.success) return [];
    const p = parsed.data;
    const to = p.customerPhone.replace(/[\s().-]/g, "");
    if (!E164.test(to)) return [];
    const system = smsSystemRepository(tx);
    const ctx = await system.context(event.workspaceId, p.agentId);
    if (!ctx?.workspace.smsEnabled) return [];
    const from = (p.agentId ? ctx.numbers.find((n) => n.agentId === p.agentId) : undefined) ?? ctx.numbers[0];
    if (!from) return [];

    const at = now();
    const start = new Date(p.start);
    const copy = businessCopyOf(ctx.agent?.business, ctx.workspace.name);
    const when = formatWhen(start, zoneOf(ctx.workspace.timezone, p.timezone), localeOf(ctx.agent?.language, copy.country));
    const values = { name: p.customerName.trim().split(/\s+/)[0] || p.customerName, service: copy.serviceName(p.serviceId), business: copy.business, ...when };
    const row = (kind: "confirmation" | "reminder", template: string, sendAt: Date, idempotencyKey: string): NewSmsMessageRow => ({
      id: createId("sms"),
      workspaceId: event.workspaceId,
      appointmentId: p.appointmentId,
      kind,
      provider: from.provider,
      toNumber: to,
      fromNumber: from.number,
      body: fillTemplate(template, values),
      idempotencyKey,
      sendAt,
    });
    const rows: NewSmsMessageRow[] = [];
    if (event.type === "appointment.booked") rows.push(row("confirmation", copy.copy.smsConfirmation, at, `sms:${p.appointmentId}:confirmation`));
    if (start.getTime() - at.getTime() >= REMINDER_MIN_AHEAD_MS) {
      rows.push(row("reminder", copy.copy.smsReminder, new Date(start.getTime() - REMINDER_LEAD_MS), `sms:${p.appointmentId}:reminder:${start.toISOString()}`));
    }
    if (rows[0] && !(await system.hasMessagedNumber(event.workspaceId, to))) rows[0].body = withStopNotice(rows[0].body);
    const inserted = await system.insert(rows);
    return inserted.map((r) => ({ queue: SMS_QUEUE, data: { smsId: r.id } satisfies SmsJob, ...(r.sendAt > at ? { startAfter: r.sendAt } : {}) }));
  }

  /** Why a claimed message must not go out, or undefined when it may. */
  async function reasonToSkip(tenant: TenantScope, sms: { kind: string; toNumber: string; appointmentId: string | null; sendAt: Date }) {
    const ws = await tenant.workspace.get();
    if (!ws?.smsEnabled) return "text messages are switched off for the workspace";
    if (await tenant.sms.isOptedOut(sms.toNumber)) return "the number opted out (STOP)";
    if (!sms.appointmentId) return undefined;
    const appointment = await tenant.appointments.get(sms.appointmentId);
    if (!appointment) return "the appointment was deleted";
    if (appointment.status !== "booked") return `the appointment is ${appointment.status}`;
    if (sms.kind === "reminder") {
      if (appointment.startAt.getTime() !== sms.sendAt.getTime() + REMINDER_LEAD_MS) return "the appointment was moved";
      if (appointment.startAt.getTime() <= now().getTime()) return "the appointment has passed";
    }
    return undefined;
  }

  async function credentialsFor(tenant: TenantScope, provider: TelephonyProvider): Promise<SmsCredentials | undefined> {
    if (provider === "twilio") {
      const c = await deps.credentials.read(tenant, "twilio");
      return c && { carrier: "twilio", accountSid: c.accountSid, authToken: c.authToken };
    }
    const c = await deps.credentials.read(tenant, "telnyx");
    return c && { carrier: "telnyx", apiKey: c.apiKey };
  }

  async function send(job: Job<SmsJob>): Promise<void> {
    const smsId = smsIdSchema.parse(job.data.smsId);
    const at = now();
    const sms = await smsSystemRepository(deps.db.system).claim(smsId, at, CLAIM_MS, new Date(at.getTime() + EARLY_MS));
    if (!sms) return; // sent, skipped, failed, not due yet, or held by another run
    const tenant = tenantScope(deps.db, sms.workspaceId);
    const skip = await reasonToSkip(tenant, sms);
    if (skip) {
      await tenant.sms.markSkipped(sms.id, skip);
      deps.log?.info({ smsId: sms.id, workspaceId: sms.workspaceId, reason: skip }, "text message skipped");
      return;
    }
    let creds: SmsCredentials | undefined;
    try {
      creds = await credentialsFor(tenant, sms.provider);
    } catch (err) {
      // Sealed with another ENCRYPTION_KEY, or no longer valid: nothing a retry changes.
      deps.log?.warn({ smsId: sms.id, err: err instanceof Error ? err.message : String(err) }, "carrier credentials unreadable");
    }
    if (!creds) {
      await tenant.sms.markFailed(sms.id, `no readable ${sms.provider} credentials for the workspace`);
      return;
    }
    try {
      const messageId = await sendSms(creds, {
        from: sms.fromNumber,
        to: sms.toNumber,
        body: sms.body,
        apiUrl: sms.provider === "twilio" ? deps.twilioApiUrl : deps.telnyxApiUrl,
      });
      await tenant.sms.markSent(sms.id, messageId, now());
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const retry = (!(err instanceof SmsSendError) || err.retryable) && job.retryCount < job.retryLimit && sms.attempts < MAX_ATTEMPTS;
      if (!retry) {
        await tenant.sms.markFailed(sms.id, error);
        deps.log?.warn({ smsId: sms.id, workspaceId: sms.workspaceId, error }, "text message failed");
        return;
      }
      await tenant.sms.release(sms.id, error);
      throw err; // the queue retries with backoff
    }
  }

  return {
    name: "sms",
    queues: [
      {
        definition: { name: SMS_QUEUE, retryLimit: 4, retryDelaySec: 30, retryBackoff: true, expireInSeconds: deps.leaseSec ?? 60 },
        handler: send as (job: Job<never>) => Promise<void>,
      },
    ],
    fanOut,
    async sweep(db) {
      const overdue = await smsSystemRepository(db.system).overdue(now(), SWEEP_GRACE_MS);
      return overdue.map((r) => ({ queue: SMS_QUEUE, data: { smsId: r.id } satisfies SmsJob }));
    },
  };
}
