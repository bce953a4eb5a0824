import { DateTime } from "luxon";

const UNITS = { week: "week", month: "month", quarter: "quarter" } as const;

/**
 * The current week (Monday 00:00), month or quarter containing `now`, in the workspace's time zone:
 * `start` inclusive, `end` exclusive (the next period's start). Bounds follow the zone's calendar, so a
 * week with a daylight-saving change is 167 or 169 hours long.
 */
export function periodBounds(period: "week" | "month" | "quarter", now: Date, timezone: string): { start: Date; end: Date } {
  const local = DateTime.fromJSDate(now, { zone: timezone });
  if (!local.isValid) throw new RangeError(`unknown time zone: ${timezone}`);
  const unit = UNITS[period];
  // Luxon's weeks are ISO weeks: they start on Monday.
  const start = local.startOf(unit);
  return { start: start.toJSDate(), end: start.plus({ [`${unit}s`]: 1 }).toJSDate() };
}
