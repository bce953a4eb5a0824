/**
 * Availability for a 30-day window with 1,000 existing appointments.
 * Run: npx tsx bench/brain/availability.ts
 */
import { performance } from "node:perf_hooks";
import { DateTime } from "luxon";
import { computeAvailability, getBusinessTemplate } from "@orbis/brain";
import type { ExistingBooking } from "@orbis/brain";

const business = getBusinessTemplate("dental").business;
const zone = business.timezone;
const now = DateTime.fromISO("2026-03-01T07:00", { zone });
const from = now.toISO() as string;
const to = now.plus({ days: 30 }).toISO() as string;

// 1,000 appointments spread over the 30 days, across all four staff, inside opening hours.
const staff = ["dr-lee", "dr-patel", "maria", "tom"];
const existing: ExistingBooking[] = [];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
while (existing.length < 1000) {
  const day = now.plus({ days: Math.floor(rand() * 30) }).set({ hour: 8 + Math.floor(rand() * 9), minute: rand() < 0.5 ? 0 : 30 });
  existing.push({
    id: `apt_${existing.length}`,
    start: day.toISO() as string,
    end: day.plus({ minutes: 30 }).toISO() as string,
    busyEnd: day.plus({ minutes: 45 }).toISO() as string,
    staffId: staff[existing.length % staff.length] ?? null,
    status: "booked",
  });
}

function measure(label: string, fn: () => number, runs = 300): void {
  for (let i = 0; i < 30; i++) fn();
  const times: number[] = [];
  let slots = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    slots = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN).toFixed(3);
  console.log(`${label}: ${slots} slots, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (target <= 10 ms)`);
}

console.log(`30-day window, ${existing.length} appointments, ${business.name} (${zone})`);
measure(
  "cleaning (2 staff, 60 min + 15 buffer, 30 min grid)",
  () => computeAvailability({ business, serviceId: "cleaning", from, to, existing, now: now.toJSDate() }).length,
);
measure("exam (2 dentists, 45 min + 15 buffer)", () => computeAvailability({ business, serviceId: "exam", from, to, existing, now: now.toJSDate() }).length);
measure(
  "exam, one slot per free dentist (perStaff)",
  () => computeAvailability({ business, serviceId: "exam", from, to, existing, now: now.toJSDate(), perStaff: true }).length,
);
