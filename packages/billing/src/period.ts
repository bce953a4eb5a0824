import { DateTime } from "luxon";

export interface BillingPeriod {
  start: Date;
  end: Date;
}

/** The calendar month (UTC) holding `now`: the period of a workspace without a paid subscription. */
export function calendarMonthOf(now: Date): BillingPeriod {
  const start = DateTime.fromJSDate(now, { zone: "UTC" }).startOf("month");
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/**
 * The billing period holding `now`: the subscription's own period when it covers `now`; a stored period
 * that ended (a renewal webhook not seen yet) rolls forward by whole months from its start, and one that
 * has not begun yet (Stripe's clock ahead of ours, a renewal invoiced early) back by whole months; none:
 * the calendar month.
 */
export function billingPeriodOf(stored: { start: Date | null; end: Date | null }, now: Date): BillingPeriod {
  if (!stored.start || !stored.end) return calendarMonthOf(now);
  if (stored.start <= now && now < stored.end) return { start: stored.start, end: stored.end };
  // Each edge is the anchor plus whole months (never the previous edge plus one): an anchor on the 31st
  // gives Feb 28 then Mar 31, as Stripe bills, and consecutive periods meet with no gap.
  const anchor = DateTime.fromJSDate(stored.start, { zone: "UTC" });
  const edge = (months: number) => anchor.plus({ months }).toJSDate();
  let n = Math.floor(DateTime.fromJSDate(now, { zone: "UTC" }).diff(anchor, "months").months);
  while (edge(n + 1) <= now) n++;
  while (edge(n) > now) n--;
  return { start: edge(n), end: edge(n + 1) };
}
