import { EVENT_PAYLOADS, createId, idSchema } from "@orbis/contracts";
import { calendarSyncSystemRepository, tenantScope, type Database, type DomainEventRow, type Tx } from "@orbis/db";
import { CalendarApiError, CalendarAuthError, connectionWantsAppointment, syncEventLink, type CalendarConnections } from "@orbis/calendars";
import type { Job } from "@orbis/jobs";
import type { EventConsumer, PendingJob } from "../consumer.ts";

export const CALENDAR_SYNC_QUEUE = "calendar.sync";
/** How long one run holds a link while it talks to the provider. */
const CLAIM_MS = 2 * 60_000;
/** Pending links untouched this long and held by no one lost their job: the sweep enqueues them again. */
const SWEEP_GRACE_MS = 5 * 60_000;

export interface CalendarSyncConsumerDeps {
  db: Database;
  /** `createCalendarConnections` of @orbis/calendars: providers, sealed tokens. */
  calendars: CalendarConnections;
  clock?: { now(): Date };
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

const linkIdSchema = idSchema("calendarEventLink");
interface CalendarSyncJob {
  linkId: string;
}

/**
 * Our bookings in the workspace's connected calendars: every `appointment.*` event marks the
 * appointment's link to each connection that should hold it (or held it) pending, and a job brings
 * their event in line with the appointment as it is then — created, moved, or deleted. Retried with
 * backoff; the event id is kept on the link, so a job that runs twice writes one event.
 */
export function calendarSyncConsumer(deps: CalendarSyncConsumerDeps): EventConsumer {
  const now = () => deps.clock?.now() ?? new Date();

  async function fanOut(event: DomainEventRow, tx: Tx): Promise<PendingJob[]> {
    if (event.type !== "appointment.booked" && event.type !== "appointment.rescheduled" && event.type !== "appointment.cancelled") return [];
    const parsed = EVENT_PAYLOADS[event.type].safeParse(event.payload);
    if (!parsed.success) return [];
    const p = parsed.data;
    const system = calendarSyncSystemRepository(tx);
    const connections = await system.connectionsOf(event.workspaceId);
    if (connections.length === 0) return [];
    const existing = await system.linksOf(event.workspaceId, p.appointmentId);
    const status = event.type === "appointment.cancelled" ? "cancelled" : "booked";
    const targets = connections.filter(
      (c) => existing.some((l) => l.connectionId === c.id && l.externalEventId) || connectionWantsAppointment(c, { status, staffId: p.staffId }),
    );
    const links = await system.markPending(
      targets.map((c) => ({ id: createId("calendarEventLink"), workspaceId: event.workspaceId, appointmentId: p.appointmentId, connectionId: c.id })),
    );
    return links.map((l) => ({ queue: CALENDAR_SYNC_QUEUE, data: { linkId: l.id } satisfies CalendarSyncJob }));
  }

  async function sync(job: Job<CalendarSyncJob>): Promise<void> {
    const linkId = linkIdSchema.parse(job.data.linkId);
    const link = await calendarSyncSystemRepository(deps.db.system).claim(linkId, now(), CLAIM_MS);
    if (!link) return; // done, removed, or held by another run
    const tenant = tenantScope(deps.db, link.workspaceId);
    const [appointment, connection] = await Promise.all([tenant.appointments.get(link.appointmentId), tenant.calendarConnections.get(link.connectionId)]);
    if (!connection) return; // disconnected: the link went with it
    try {
      const outcome = await syncEventLink(deps.calendars, tenant, link, appointment, connection);
      await tenant.calendarConnections.update(connection.id, { lastSyncedAt: now(), lastError: null, status: "active" });
      deps.log?.info({ workspaceId: link.workspaceId, linkId, appointmentId: link.appointmentId, outcome }, "calendar event synced");
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const retryable = !(err instanceof CalendarAuthError) && (!(err instanceof CalendarApiError) || err.retryable);
      const last = !retryable || job.retryCount >= job.retryLimit;
      await tenant.calendarConnections.updateLink(linkId, {
        lastError: error.slice(0, 500),
        claimedUntil: null,
        ...(last ? { status: "failed" as const } : {}),
      });
      await tenant.calendarConnections.update(connection.id, { lastError: error.slice(0, 500) });
      deps.log?.warn({ workspaceId: link.workspaceId, linkId, error, last }, "calendar event sync failed");
      if (!last) throw err; // the queue retries with backoff
    }
  }

  return {
    name: "calendars",
    queues: [
      {
        definition: { name: CALENDAR_SYNC_QUEUE, retryLimit: 5, retryDelaySec: 15, retryBackoff: true, expireInSeconds: 120 },
        handler: sync as (job: Job<never>) => Promise<void>,
      },
    ],
    fanOut,
    async sweep(db) {
      const stranded = await calendarSyncSystemRepository(db.system).stranded(now(), SWEEP_GRACE_MS);
      return stranded.map((r) => ({ queue: CALENDAR_SYNC_QUEUE, data: { linkId: r.id } satisfies CalendarSyncJob }));
    },
  };
}
