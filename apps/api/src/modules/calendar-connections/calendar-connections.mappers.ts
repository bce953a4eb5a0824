import type { CalendarConnectionRow } from "@orbis/db";
import type { CalendarConnectionDto } from "./calendar-connections.schemas.ts";

/** Never the tokens: what the dashboard shows of a connection. */
export function toCalendarConnectionDto(row: CalendarConnectionRow): CalendarConnectionDto {
  return {
    id: row.id,
    provider: row.provider,
    accountEmail: row.accountEmail,
    staffId: row.staffId,
    status: row.status,
    lastError: row.lastError,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    calendars: row.calendars,
    bookingCalendarId: row.bookingCalendarId,
    createdAt: row.createdAt.toISOString(),
  };
}
