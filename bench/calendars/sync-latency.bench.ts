/**
 * Calendar sync latency (issue 24's figure), through googleapis against the loopback Google emulator
 * (e2e/calendars), on the composed api with the worker's defaults (outbox relay and job polling as
 * `orbis start` runs them):
 * - their change → a booking at that time refused: the booking request's own time (it re-asks free/busy
 *   uncached, so there is no wait);
 * - their change → our availability: the first availability query after the change with the cache cold
 *   (the free/busy round trip); while cached, offered slots lag their calendar by at most the cache's 60 s;
 * - our booking → the event in their calendar: from the booking's 201 to the event at the emulator.
 * PGlite unless TEST_DATABASE_URL says otherwise.
 * Run: npx tsx bench/calendars/sync-latency.bench.ts [runs=10]
 */
import { performance } from "node:perf_hooks";
import { createCalendarConnections } from "@orbis/calendars";
import { loadConfig, testConfig } from "@orbis/config";
import { createJobQueue } from "@orbis/jobs";
import { calendarSyncConsumer, startWorker } from "@orbis/worker";
import { bearer, buildTestApp, signup } from "../../apps/api/test/helpers.ts";
import { booking, createAgentWithBusiness, localInstant } from "../../apps/api/test/bookings.fixtures.ts";
import { GoogleEmulator } from "../../e2e/calendars/google-emulator.ts";

const RUNS = Number(process.argv[2] ?? 10);
const PUBLIC = "https://app.example.test";

const google = await GoogleEmulator.start();
const { calendars } = loadConfig("all", {
  NODE_ENV: "test",
  GOOGLE_CLIENT_ID: google.client.id,
  GOOGLE_CLIENT_SECRET: google.client.secret,
  GOOGLE_OAUTH_URL: google.url,
  GOOGLE_API_URL: google.url,
});
const t = await buildTestApp({ calendars, publicBaseUrl: PUBLIC });
const queue = createJobQueue({ connection: t.db.jobs });
const consumer = calendarSyncConsumer({ db: t.db, calendars: createCalendarConnections({ config: calendars, encryptionKey: testConfig().encryptionKey }) });
const worker = await startWorker({ db: t.db, queue, consumers: [consumer] });
const owner = await signup(t.app, "calendar-bench");
const agentId = await createAgentWithBusiness(t.app, owner);
const inject = (method: "GET" | "POST", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(owner.token), ...(payload ? { payload } : {}) });

// Connect: start → the emulator's consent → our callback.
const start = await inject("POST", "/v1/calendar-connections/google/start", {});
const consent = await fetch(start.json().authorizationUrl, { redirect: "manual" });
const back = new URL(consent.headers.get("location")!);
const done = await inject("GET", `${back.pathname}${back.search}`);
if (done.statusCode !== 303) throw new Error(`connect failed: ${done.statusCode} ${done.body}`);

const slotsOn = async (day: number) => {
  const res = await inject(
    "GET",
    `/v1/appointments/availability?agentId=${agentId}&serviceId=hour&from=${encodeURIComponent(localInstant(day, "00:00"))}&to=${encodeURIComponent(localInstant(day, "23:59"))}`,
  );
  return (res.json().slots as { start: string }[]).map((s) => s.start);
};
/** A meeting of theirs: one hour from `hhmm` business time, `day` days ahead. */
const hourAt = (day: number, hhmm: string) => {
  const start = new Date(localInstant(day, hhmm));
  return { calendarId: google.email, start, end: new Date(start.getTime() + 3_600_000) };
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const summary = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

const refused: number[] = [];
const availability: number[] = [];
const written: number[] = [];
let day = 1;
for (let run = 0; run < RUNS; run++) {
  const busyAt = run % 2 === 0 ? "09:00" : "14:00";
  const bookAt = `${10 + (run % 3)}:00`;
  // Offered (the next day it is: closed days are skipped), then their meeting appears, then a caller books it.
  day++;
  while (day < 60 && !(await slotsOn(day)).includes(localInstant(day, busyAt))) day++;
  google.busyBlocks.push(hourAt(day, busyAt));
  let t0 = performance.now();
  const res = await inject("POST", "/v1/appointments", booking(agentId, localInstant(day, busyAt)));
  refused.push(performance.now() - t0);
  if (res.statusCode !== 409) throw new Error(`run ${run}: expected 409, got ${res.statusCode}`);

  // A cold cache: another day's availability, first asked after their change.
  const cold = day + 28; // the same weekday four weeks on: open too
  google.busyBlocks.push(hourAt(cold, "12:00"));
  t0 = performance.now();
  const slots = await slotsOn(cold);
  availability.push(performance.now() - t0);
  if (slots.length === 0 || slots.includes(localInstant(cold, "12:00"))) throw new Error(`run ${run}: day ${cold} closed, or a busy slot offered`);

  // Our booking → their calendar.
  const before = google.eventsIn(google.email).length;
  t0 = performance.now();
  const created = await inject("POST", "/v1/appointments", booking(agentId, localInstant(day, bookAt), { customerName: `Bench ${run}` }));
  if (created.statusCode !== 201) throw new Error(`run ${run}: booking failed ${created.statusCode} ${created.body}`);
  while (google.eventsIn(google.email).length === before) await new Promise((r) => setTimeout(r, 5));
  written.push(performance.now() - t0);
}

console.log(`${RUNS} runs, PGlite unless TEST_DATABASE_URL; worker defaults`);
console.log(`their change → booking refused (request time): ${summary(refused)}`);
console.log(`their change → availability, cache cold (request time): ${summary(availability)}; cached: ≤ 60 s`);
console.log(`our booking → event in their calendar: ${summary(written)}`);
await worker.stop();
await t.close();
await google.close();
process.exit(0);
