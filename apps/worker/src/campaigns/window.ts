import { DateTime } from "luxon";
import { QUIET_HOURS, type CampaignWindow } from "@orbis/contracts";

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a call may start now for a contact in `zone`: the local weekday is one of the window's days
 * and the local time is inside [start, end) — and inside the quiet-hours bounds (08:00–21:00) unless
 * the campaign explicitly allows more (the operator's responsibility). A zone Intl does not know is closed.
 */
export function windowOpen(now: Date, zone: string, window: CampaignWindow, allowOutsideQuietHours: boolean): boolean {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) return false;
  if (!window.days.includes(local.weekday)) return false;
  const at = local.hour * 60 + local.minute;
  let start = minutes(window.start);
  let end = minutes(window.end);
  if (!allowOutsideQuietHours) {
    start = Math.max(start, minutes(QUIET_HOURS.notBefore));
    end = Math.min(end, minutes(QUIET_HOURS.notAfter));
  }
  return at >= start && at < end;
}
