import { DateTime } from "luxon";
import type { DayRef } from "./scenario.ts";

/**
 * The run's fixed "now": Monday 2027-04-12 15:00 UTC (11:00 in New York, 08:00 in San Francisco),
 * a week with no holiday and no clock change in any template's time zone. Brains are built on this
 * wall clock, so "today", "tomorrow" and "Thursday" mean the same dates on every run.
 */
export const BENCH_NOW = new Date("2027-04-12T15:00:00Z");

const WEEKDAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

/** The business-local date (YYYY-MM-DD) a day reference names; a weekday is its first occurrence after today. */
export function resolveDay(ref: DayRef, now: Date, timezone: string): string {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  if (ref === "today") return today.toISODate()!;
  if (ref === "tomorrow") return today.plus({ days: 1 }).toISODate()!;
  const ahead = (WEEKDAYS[ref] - today.weekday + 7) % 7 || 7;
  return today.plus({ days: ahead }).toISODate()!;
}

/** An instant as the business sees it: its local date and HH:MM. */
export function localDateTime(iso: string, timezone: string): { date: string; time: string } {
  const t = DateTime.fromISO(iso, { setZone: true }).setZone(timezone);
  return { date: t.toISODate()!, time: t.toFormat("HH:mm") };
}
