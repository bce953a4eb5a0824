// npx tsx bench/appointments.bench.ts — availability for a 30-day window with 1,000 booked appointments,
// through the API's service (RLS transaction + listBusy query + computeAvailability). PGlite by
// default; TEST_DATABASE_URL=postgres://… for PostgreSQL.
import os from "node:os";
import { DateTime } from "luxon";
import { businessConfigSchema, createId } from "@orbis/contracts";
import { fixedWallClock as fixedClock } from "@orbis/ports";
import { systemRepository, tenantScope } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createAppointmentsService } from "../apps/api/src/modules/appointments/appointments.service.ts";

const ZONE = "America/New_York";
const open = [{ open: "08:00", close: "20:00" }];
const business = businessConfigSchema.parse({
  name: "Bench Clinic",
  timezone: ZONE,
  hours: { mon: open, tue: open, wed: open, thu: open, fri: open, sat: open, sun: open },
  services: [{ id: "visit", name: "Visit", durationMin: 30, bufferMin: 0, staffIds: ["a", "b", "c"] }],
  staff: ["a", "b", "c"].map((id) => ({ id, name: id.toUpperCase(), serviceIds: [] })),
  booking: { slotStepMin: 30, minNoticeMin: 0, maxDaysAhead: 90 },
});

const db = await createTestDatabase();
const workspaceId = createId("workspace");
await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: "Bench", slug: `bench-${Date.now()}` });
const tenant = tenantScope(db, workspaceId);
const agentId = createId("agent");
await tenant.agents.insert({ id: agentId, name: "Bench", voice: "slt", language: "en-US", providers: {}, turnTaking: {}, business });

const day0 = DateTime.fromISO("2026-06-01T00:00:00", { zone: ZONE });
const clock = fixedClock(day0.toJSDate());
// 1,000 of the 2,160 half-hour slots (30 days × 24 × 3 staff), picked at random without overlap.
const cells: [number, number, string][] = [];
for (let d = 0; d < 30; d++) for (let s = 0; s < 24; s++) for (const staff of ["a", "b", "c"]) cells.push([d, s, staff]);
for (let i = cells.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [cells[i], cells[j]] = [cells[j]!, cells[i]!];
}
const rows = cells.slice(0, 1000).map(([d, s, staff]) => {
  const start = day0
    .plus({ days: d })
    .set({ hour: 8 })
    .plus({ minutes: 30 * s });
  const end = start.plus({ minutes: 30 });
  return {
    id: createId("appointment"),
    agentId,
    serviceId: "visit",
    staffId: staff,
    startAt: start.toJSDate(),
    endAt: end.toJSDate(),
    busyEndAt: end.toJSDate(),
    timezone: ZONE,
    customerName: "Bench",
    customerPhone: "+12125550100",
    source: "api" as const,
  };
});
for (let i = 0; i < rows.length; i += 100) await Promise.all(rows.slice(i, i + 100).map((r) => tenant.appointments.insert(r)));

const service = createAppointmentsService({ clock });
const query = { agentId, serviceId: "visit", from: day0.toISO()!, to: day0.plus({ days: 30 }).toISO()! };
const timed = async (fn: () => Promise<unknown>, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  out.sort((a, b) => a - b);
  const at = (p: number) => out[Math.min(out.length - 1, Math.floor(p * out.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
};
const first = await service.availability(tenant, query);
await timed(() => service.availability(tenant, query), 20); // warm-up
const whole = await timed(() => service.availability(tenant, query), 200);
const busy = await timed(() => tenant.appointments.listBusy(new Date(query.from), new Date(Date.parse(query.to) + 86_400_000)), 200);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, db ${db.kind}`);
console.log(`availability, 30 days, 1,000 booked, 3 staff: ${first.slots.length} free slots; whole request ${whole}; of which listBusy ${busy}`);
await db.close();
