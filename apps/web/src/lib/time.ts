import { useMe } from "./session.tsx";

/**
 * Dates and times in the workspace's time zone: the dashboard shows every instant (appointments,
 * calls, messages, analytics) in one zone, the business's, whatever the browser's own zone is.
 * A `Day` is a civil date in that zone, "YYYY-MM-DD".
 */
export type Day = string;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone });
    formatters.set(key, f);
  }
  return f;
}

const parts = (at: Date, zone: string) => {
  const out: Record<string, number> = {};
  for (const p of formatter(zone, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at)) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return out as { year: number; month: number; day: number; hour: number; minute: number; second: number };
};

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(at: Date, zone: string): number {
  const p = parts(at, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The civil date of an instant in the zone. */
export function dayOf(at: Date, zone: string): Day {
  const p = parts(at, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export const isDay = (s: string | null | undefined): s is Day => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The day n days later (civil arithmetic, no time zone involved). */
export function addDays(day: Day, n: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
const weekdayIndex = (day: Day) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
export const startOfWeek = (day: Day): Day => addDays(day, -weekdayIndex(day));

/** The instant of a wall-clock time ("HH:MM", default midnight) on a day in the zone; DST gaps move forward. */
export function instantAt(day: Day, zone: string, hhmm = "00:00"): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const wall = Date.parse(`${day}T${pad(h)}:${pad(m)}:00Z`);
  let guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  // A second pass settles the offset when the first guess crossed a DST change.
  guess = wall - offsetMinutes(new Date(guess), zone) * 60_000;
  return new Date(guess);
}

/** "Monday, March 9, 2026" style labels for a civil day (no zone: the day is already the zone's). */
export const formatDay = (day: Day, options: Intl.DateTimeFormatOptions) => formatter("UTC", options).format(new Date(`${day}T12:00:00Z`));

export const formatTime = (iso: string | Date, zone: string) => formatter(zone, { hour: "numeric", minute: "2-digit" }).format(new Date(iso));

export const formatDateTime = (iso: string | Date, zone: string) =>
  formatter(zone, { month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit" }).format(new Date(iso));

export const formatTimeWithSeconds = (iso: string | Date, zone: string) =>
  formatter(zone, { hour: "numeric", minute: "2-digit", second: "2-digit" }).format(new Date(iso));

/** The zone as people read it: "America/New_York (EST)". */
export function zoneLabel(zone: string, at: Date = new Date()): string {
  const short = formatter(zone, { timeZoneName: "short" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return short && short !== zone ? `${zone.replace(/_/g, " ")} (${short})` : zone;
}

/** The workspace's zone ("UTC" until the session has loaded). */
export function useWorkspaceZone(): string {
  return useMe().data?.workspace.timezone ?? "UTC";
}
