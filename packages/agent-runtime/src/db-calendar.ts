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
import { tenantScope, type AppointmentRowPatch, type Database, type TenantScope } from "@orbis/db";
import { callIdOrNull, toAppointmentDto } from "./mappers.ts";

export interface DbCalendarOptions {
  /** The business zone: new appointments are stored with it and read back in it. */
  timezone: string;
  clock?: Clock;
}

const at = (iso: string) => new Date(iso);

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
    const rows = await this.tenant.appointments.listBusy(at(range.from), at(range.to));
    // UTC instants: busy intervals are only compared, never shown, and toISOString is ~10× cheaper than zoning.
    return rows.map((r) => ({ start: r.startAt.toISOString(), end: r.busyEndAt.toISOString(), staffId: r.staffId, appointmentId: r.id }));
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

  async createAppointment(input: NewAppointment): Promise<Appointment> {
    const now = this.clock.now();
    const row = await this.tenant.appointments.insert({
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
    return toAppointmentDto(row);
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
    const row = await this.tenant.appointments.update(id, values);
    if (!row) throw new AppError("not_found", "appointment not found");
    return toAppointmentDto(row);
  }

  async cancelAppointment(id: string, reason?: string): Promise<Appointment> {
    return this.tenant.transaction(async (t) => {
      const current = await t.appointments.get(id);
      if (!current) throw new AppError("not_found", "appointment not found");
      if (current.status === "cancelled") return toAppointmentDto(current);
      const notes = reason ? [current.notes, `Cancelled: ${reason}`].filter(Boolean).join("\n") : current.notes;
      const row = await t.appointments.update(id, { status: "cancelled", notes, cancelReason: reason ?? null, cancelledAt: this.clock.now() });
      return toAppointmentDto(row!);
    });
  }
}
