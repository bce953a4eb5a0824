import { DateTime } from "luxon";
import { AppError } from "@orbis/contracts";
import type { AppointmentDto, AvailabilityQuery, BusinessConfig, CreateAppointmentBody, ListAppointmentsQuery, UpdateAppointmentBody } from "@orbis/contracts";
import { systemWallClock as systemClock, type AppointmentPatch, type CalendarProvider, type WallClock as Clock } from "@orbis/ports";
import { bookAppointment, computeAvailability, findService, REJECTION_TEXT, validateSlot } from "@orbis/brain";
import type { AppointmentQuery, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { invalid } from "../../lib/validation.ts";
import { getAgentOrThrow } from "../agents/agents.service.ts";
import { businessCalendar, businessOfAgent, fallbackBusiness, toAppointmentDto, type ExternalBusySource } from "@orbis/agent-runtime";

const DAY_MS = 24 * 3600_000;
/** Longest availability window one request may ask for. */
const MAX_AVAILABILITY_DAYS = 62;

export interface AppointmentsServiceOptions {
  clock?: Clock;
  /** Connected Google / Microsoft calendars: their busy times block availability and bookings (docs/calendars.md). */
  externalCalendars?: ExternalBusySource;
}

export function createAppointmentsService(options: AppointmentsServiceOptions = {}) {
  const clock = options.clock ?? systemClock;

  async function agentBusiness(tenant: TenantScope, agentId: string | null): Promise<BusinessConfig> {
    if (agentId) return (await businessOfAgent(tenant, await getAgentOrThrow(tenant, agentId))).business;
    const ws = await tenant.workspace.get();
    return fallbackBusiness(ws ?? { name: "our office", timezone: "UTC" });
  }

  const calendarFor = (tenant: TenantScope, business: BusinessConfig) => businessCalendar(tenant, business, { clock, external: options.externalCalendars });

  /**
   * The calendar a member books through: each insert is written with its audit row in one transaction
   * (one per attempt: a booking that loses a race retries another staff member in a new one). The
   * audit row holds what was booked, not who the customer is.
   */
  const auditedBookingCalendar = (tenant: TenantScope, business: BusinessConfig, actor: Actor): CalendarProvider => {
    const calendar = calendarFor(tenant, business);
    return {
      listBusy: (range) => calendar.listBusy(range),
      listAppointments: (filter) => calendar.listAppointments(filter),
      getAppointment: (id) => calendar.getAppointment(id),
      updateAppointment: (id, patch) => calendar.updateAppointment(id, patch),
      cancelAppointment: (id, reason) => calendar.cancelAppointment(id, reason),
      createAppointment: (input) =>
        tenant.transaction(async (t) => {
          const created = await calendarFor(t, business).createAppointment(input);
          await t.audit.record({
            ...auditedBy(actor),
            action: "appointment.created",
            targetType: "appointment",
            targetId: created.id,
            metadata: { agentId: created.agentId, serviceId: created.serviceId, start: created.start, source: input.source },
          });
          return created;
        }),
    };
  };

  const getRowOrThrow = async (tenant: TenantScope, id: string) => found(await tenant.appointments.get(id), "Appointment");

  return {
    /** By business-local day (agent's zone, else the workspace's), or by [from, to) on the start. */
    async list(tenant: TenantScope, q: ListAppointmentsQuery) {
      const query: AppointmentQuery = { limit: q.limit + 1 };
      if (q.agentId) query.agentId = q.agentId;
      if (q.status) query.status = q.status;
      if (q.cursor) {
        const after = decodeCursor(q.cursor);
        query.after = { startAt: after.date, id: after.id };
      }
      if (q.day) {
        if (q.from || q.to) throw invalid("query.day", "use either day or from/to");
        const zone = q.agentId ? (await agentBusiness(tenant, q.agentId)).timezone : ((await tenant.workspace.get())?.timezone ?? "UTC");
        const start = DateTime.fromISO(q.day, { zone }).startOf("day");
        query.from = start.toJSDate();
        query.to = start.plus({ days: 1 }).toJSDate();
      } else {
        if (q.from) query.from = new Date(q.from);
        if (q.to) query.to = new Date(q.to);
      }
      const page = pageOf(await tenant.appointments.list(query), q.limit, (a) => ({ at: a.startAt, id: a.id }));
      return { data: page.rows.map(toAppointmentDto), nextCursor: page.nextCursor };
    },

    get: async (tenant: TenantScope, id: string) => toAppointmentDto(await getRowOrThrow(tenant, id)),

    /** Same rules and the same atomic insert as a booking made by the agent on a call. */
    async create(tenant: TenantScope, actor: Actor, body: CreateAppointmentBody, source: "dashboard" | "api"): Promise<AppointmentDto> {
      const business = await agentBusiness(tenant, body.agentId);
      return bookAppointment(
        { business, calendar: auditedBookingCalendar(tenant, business, actor), clock },
        {
          serviceId: body.serviceId,
          ...(body.staffId ? { staffId: body.staffId } : {}),
          start: body.start,
          customerName: body.customerName,
          customerPhone: body.customerPhone,
          ...(body.customerEmail ? { customerEmail: body.customerEmail } : {}),
          ...(body.notes ? { notes: body.notes } : {}),
          agentId: body.agentId,
          callId: null,
          source,
        },
      );
    },

    /** Moving (start, staff, service) re-checks the business rules; the constraint still has the last word. */
    /** Audited with the names of the changed fields (and the new status), never the customer's details. */
    async update(tenant: TenantScope, actor: Actor, id: string, patch: UpdateAppointmentBody): Promise<AppointmentDto> {
      const current = toAppointmentDto(await getRowOrThrow(tenant, id));
      const business = await agentBusiness(tenant, current.agentId);
      const calendar = calendarFor(tenant, business);
      if (current.status !== "booked") throw new AppError("conflict", `A ${current.status} appointment cannot be changed`);
      const change: AppointmentPatch = {};
      const moves = patch.start !== undefined || patch.staffId !== undefined || patch.serviceId !== undefined;
      if (moves) {
        const start = patch.start ?? current.start;
        const serviceId = patch.serviceId ?? current.serviceId;
        const t = Date.parse(start);
        const busy = await calendar.listBusy({ from: new Date(t - DAY_MS).toISOString(), to: new Date(t + DAY_MS).toISOString() });
        const v = validateSlot({
          business,
          serviceId,
          // A new service may not be done by the current staff member: let the rules pick one then.
          staffId: patch.staffId !== undefined ? patch.staffId : patch.serviceId !== undefined ? null : current.staffId,
          start,
          existing: busy.map((b) => ({ start: b.start, end: b.end, staffId: b.staffId, ...(b.appointmentId ? { id: b.appointmentId } : {}) })),
          now: clock.now(),
          ignoreAppointmentId: current.id,
        });
        if (!v.ok) throw new AppError(v.reason === "conflict" ? "conflict" : "validation_failed", REJECTION_TEXT[v.reason], { reason: v.reason });
        Object.assign(change, { start: v.slot.start, end: v.slot.end, busyEnd: v.slot.busyEnd, staffId: v.slot.staffId, serviceId });
      }
      if (patch.customerName !== undefined) change.customerName = patch.customerName;
      if (patch.customerPhone !== undefined) change.customerPhone = patch.customerPhone;
      if (patch.notes !== undefined) change.notes = patch.notes;
      if (patch.status !== undefined) change.status = patch.status;
      return tenant.transaction(async (t) => {
        const updated = await calendarFor(t, business).updateAppointment(id, change);
        await t.audit.record({
          ...auditedBy(actor),
          action: "appointment.updated",
          targetType: "appointment",
          targetId: id,
          metadata: { changed: Object.keys(patch), ...(patch.status ? { status: patch.status } : {}) },
        });
        return updated;
      });
    },

    /** Idempotent: cancelling a cancelled appointment changes nothing and writes no audit row. */
    async cancel(tenant: TenantScope, actor: Actor, id: string, reason?: string): Promise<AppointmentDto> {
      return tenant.transaction(async (t) => {
        const row = await getRowOrThrow(t, id);
        const cancelled = await calendarFor(t, { timezone: row.timezone } as BusinessConfig).cancelAppointment(id, reason);
        if (row.status !== "cancelled") {
          await t.audit.record({
            ...auditedBy(actor),
            action: "appointment.cancelled",
            targetType: "appointment",
            targetId: id,
            metadata: { hadReason: Boolean(reason) },
          });
        }
        return cancelled;
      });
    },

    async availability(tenant: TenantScope, q: AvailabilityQuery & { agentId: string }) {
      const business = await agentBusiness(tenant, q.agentId);
      if (!findService(business, q.serviceId)) throw invalid("query.serviceId", `unknown service ${q.serviceId}`);
      if (q.staffId && !business.staff.some((s) => s.id === q.staffId)) throw invalid("query.staffId", `unknown staff member ${q.staffId}`);
      const from = Date.parse(q.from);
      const to = Date.parse(q.to);
      if (to <= from) throw invalid("query.to", "must be after from");
      if (to - from > MAX_AVAILABILITY_DAYS * DAY_MS) throw invalid("query.to", `at most ${MAX_AVAILABILITY_DAYS} days after from`);
      // Bookings a little past `to` still block slots that start before it and run over.
      const busy = await calendarFor(tenant, business).listBusy({ from: q.from, to: new Date(to + DAY_MS).toISOString() });
      const slots = computeAvailability({
        business,
        serviceId: q.serviceId,
        ...(q.staffId ? { staffId: q.staffId } : {}),
        from: q.from,
        to: q.to,
        existing: busy.map((b) => ({ start: b.start, end: b.end, staffId: b.staffId })),
        now: clock.now(),
        ...(q.slotStepMin ? { slotStepMin: q.slotStepMin } : {}),
        limit: 2000,
      });
      return { timezone: business.timezone, slots };
    },
  };
}
export type AppointmentsService = ReturnType<typeof createAppointmentsService>;
