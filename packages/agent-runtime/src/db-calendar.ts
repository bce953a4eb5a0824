import { AppError, createId } from "@orbis/contracts";
import {
  systemWallClock as systemClock,
  type Appointment,
  type AppointmentFilter,
  type AppointmentPatch,
  type BusyInterval,
  type CalendarProvider,
  type WallClock as Clock,
  type NewAppointment,
} from "@orbis/ports";
import { tenantScope, type AppointmentRow, type AppointmentRowPatch, type Database, type TenantScope } from "@orbis/db";
import { callIdOrNull, isoInZone, toAppointmentDto } from "./mappers.ts";

/**
 * Busy times kept outside our database: the workspace's connected Google / Microsoft 365 calendars
 * (`createCalendarConnections` of @orbis/calendars, docs/calendars.md). staffId null: the whole business.
 */
export interface ExternalBusySource {
  busy(
    tenant: TenantScope,
    range: { from: string; to: string },
    options?: { fresh?: boolean },
  ): Promise<{ start: string; end: string; staffId: string | null }[]>;
}

export interface DbCalendarOptions {
  /** The business zone: new appointments are stored with it and read back in it. */
  timezone: string;
  clock?: Clock;
  /** Connected calendars whose busy times block availability and are re-checked (fresh) before a booking or a move is written. */
  external?: ExternalBusySource | undefined;
  /** The business's staff ids: a busy time of the whole business blocks each of them. */
  staffIds?: readonly string[];
}

/** What a refused slot says when the connected calendar has it busy: a `conflict`, so the dialogue offers other times. */
export const EXTERNAL_BUSY_MESSAGE = "that time is busy in the business's connected calendar";

const at = (iso: string) => new Date(iso);

/** The payload of an `appointment.*` event: instants with the appointment's offset, and its zone. */
function appointmentEventOf(row: AppointmentRow) {
  const zone = row.timezone;
  return {
    appointmentId: row.id,
    agentId: row.agentId,
    callId: row.callId,
    serviceId: row.serviceId,
    staffId: row.staffId,
    start: isoInZone(row.startAt, zone),
    end: isoInZone(row.endAt, zone),
    timezone: zone,
    customerName: row.customerName,
    customerPhone: row.customerPhone,
    customerEmail: row.customerEmail,
    source: row.source,
  };
}

/**
 * The built-in calendar: one workspace's appointments table. No double booking is the exclusion
 * constraint's job (migration 0003), so concurrent inserts need no lock here; its violation comes
 * back from the repository as AppError("conflict").
 */
export class DbCalendar implements CalendarProvider {
  private readonly tenant: TenantScope;
  private readonly clock: Clock;
  constructor(
    db: Database | TenantScope,
    workspaceId: string,
    private readonly options: DbCalendarOptions,
  ) {
    this.tenant = "withTenant" in db ? tenantScope(db, workspaceId) : db;
    this.clock = options.clock ?? systemClock;
  }

  async listBusy(range: { from: string; to: string }): Promise<BusyInterval[]> {
    const [rows, external] = await Promise.all([this.tenant.appointments.listBusy(at(range.from), at(range.to)), this.externalBusy(range, false)]);
    // UTC instants: busy intervals are only compared, never shown, and toISOString is ~10× cheaper than zoning.
    const own: BusyInterval[] = rows.map((r) => ({ start: r.startAt.toISOString(), end: r.busyEndAt.toISOString(), staffId: r.staffId, appointmentId: r.id }));
    return external.length === 0 ? own : own.concat(external);
  }

  /** The connected calendars' busy times, one interval per resource they block (none without connections). */
  private async externalBusy(range: { from: string; to: string }, fresh: boolean): Promise<BusyInterval[]> {
    if (!this.options.external) return [];
    const times = await this.options.external.busy(this.tenant, range, { fresh });
    const everyone: (string | null)[] = [null, ...(this.options.staffIds ?? [])];
    return times.flatMap((t) => (t.staffId === null ? everyone : [t.staffId]).map((staffId) => ({ start: t.start, end: t.end, staffId })));
  }

  /** The re-check before a booking or a move is written: the slot may have become busy there since it was offered. */
  private async assertExternallyFree(start: string, busyEnd: string, staffId: string | null): Promise<void> {
    if (!this.options.external) return;
    const from = at(start).getTime();
    const to = at(busyEnd).getTime();
    const busy = await this.externalBusy({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }, true);
    const hit = busy.some((b) => b.staffId === staffId && at(b.start).getTime() < to && at(b.end).getTime() > from);
    if (hit) throw new AppError("conflict", EXTERNAL_BUSY_MESSAGE, { reason: "external_busy" });
  }

  async listAppointments(filter: AppointmentFilter): Promise<Appointment[]> {
    const rows = await this.tenant.appointments.list({
      ...(filter.from ? { from: at(filter.from) } : {}),
      ...(filter.to ? { to: at(filter.to) } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.customerPhone !== undefined ? { phoneDigits: filter.customerPhone.replace(/\D/g, "") } : {}),
    });
    return rows.map(toAppointmentDto);
  }

  async getAppointment(id: string): Promise<Appointment | null> {
    const row = await this.tenant.appointments.get(id);
    return row ? toAppointmentDto(row) : null;
  }

  /** The booking and its `appointment.booked` event in one transaction: a conflict writes neither. */
  async createAppointment(input: NewAppointment): Promise<Appointment> {
    await this.assertExternallyFree(input.start, input.busyEnd, input.staffId);
    const now = this.clock.now();
    return this.tenant.transaction(async (t) => {
      const row = await t.appointments.insert({
        id: createId("appointment"),
        agentId: input.agentId,
        callId: callIdOrNull(input.callId),
        serviceId: input.serviceId,
        staffId: input.staffId,
        startAt: at(input.start),
        endAt: at(input.end),
        busyEndAt: at(input.busyEnd),
        timezone: this.options.timezone,
        status: "booked",
        customerName: input.customerName,
        customerPhone: input.customerPhone,
        customerEmail: input.customerEmail ?? "",
        notes: input.notes ?? "",
        source: input.source,
        createdAt: now,
        updatedAt: now,
      });
      await t.events.record("appointment.booked", appointmentEventOf(row));
      return toAppointmentDto(row);
    });
  }

  async updateAppointment(id: string, patch: AppointmentPatch): Promise<Appointment> {
    const values: AppointmentRowPatch = {};
    if (patch.start !== undefined) values.startAt = at(patch.start);
    if (patch.end !== undefined) values.endAt = at(patch.end);
    if (patch.busyEnd !== undefined) values.busyEndAt = at(patch.busyEnd);
    if (patch.staffId !== undefined) values.staffId = patch.staffId;
    if (patch.serviceId !== undefined) values.serviceId = patch.serviceId;
    if (patch.customerName !== undefined) values.customerName = patch.customerName;
    if (patch.customerPhone !== undefined) values.customerPhone = patch.customerPhone;
    if (patch.notes !== undefined) values.notes = patch.notes;
    if (patch.status !== undefined) values.status = patch.status;
    if (this.options.external && patch.start !== undefined && patch.busyEnd !== undefined) {
      const staffId = patch.staffId !== undefined ? patch.staffId : ((await this.tenant.appointments.get(id))?.staffId ?? null);
      await this.assertExternallyFree(patch.start, patch.busyEnd, staffId);
    }
    // A move (time, staff member or service) is an `appointment.rescheduled`, written with the change.
    return this.tenant.transaction(async (t) => {
      const before = await t.appointments.get(id);
      const row = before && (await t.appointments.update(id, values));
      if (!before || !row) throw new AppError("not_found", "appointment not found");
      const moved = row.startAt.getTime() !== before.startAt.getTime() || row.staffId !== before.staffId || row.serviceId !== before.serviceId;
      if (moved) await t.events.record("appointment.rescheduled", { ...appointmentEventOf(row), previousStart: isoInZone(before.startAt, before.timezone) });
      return toAppointmentDto(row);
    });
  }

  async cancelAppointment(id: string, reason?: string): Promise<Appointment> {
    return this.tenant.transaction(async (t) => {
      const current = await t.appointments.get(id);
      if (!current) throw new AppError("not_found", "appointment not found");
      if (current.status === "cancelled") return toAppointmentDto(current);
      const notes = reason ? [current.notes, `Cancelled: ${reason}`].filter(Boolean).join("\n") : current.notes;
      const row = (await t.appointments.update(id, { status: "cancelled", notes, cancelReason: reason ?? null, cancelledAt: this.clock.now() }))!;
      await t.events.record("appointment.cancelled", { ...appointmentEventOf(row), reason: reason ?? null });
      return toAppointmentDto(row);
    });
  }
}

/**
 * The calendar of one agent's business, the same for every path that books or offers slots (calls,
 * chat, the dashboard's tool runs, appointments): the business zone, its staff (a busy time of the
 * whole business blocks each of them) and the connected calendars' busy times.
 */
export function businessCalendar(
  tenant: TenantScope,
  business: { timezone: string; staff?: readonly { id: string }[] | undefined },
  options: { clock?: Clock | undefined; external?: ExternalBusySource | undefined } = {},
): DbCalendar {
  return new DbCalendar(tenant, tenant.workspaceId, {
    timezone: business.timezone,
    ...(options.clock ? { clock: options.clock } : {}),
    external: options.external,
    staffIds: business.staff?.map((s) => s.id) ?? [],
  });
}
