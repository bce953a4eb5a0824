/**
 * Campaign scheduler throughput (issue 24's figure): calls started per second by one scheduler pass
 * over a running campaign of 100 due contacts with maxConcurrent 100. `place()` is a counting fake that
 * writes the call row as the real one does (one insert with the campaign ref in its metadata) and
 * answers at once: the figure is the scheduler's own cost (claim under the campaign's row lock, the
 * do-not-call and STOP check, the claim's update, one call row and one contact update per call), not
 * a carrier's REST latency. PGlite unless TEST_DATABASE_URL says otherwise.
 * Run: npx tsx bench/campaigns/scheduler.bench.ts [runs=5] [contacts=100]
 */
import { performance } from "node:perf_hooks";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createCampaignScheduler, type PlaceCall } from "@orbis/worker";

const RUNS = Number(process.argv[2] ?? 5);
const CONTACTS = Number(process.argv[3] ?? 100);
// A Monday, 15:00 in New York.
const NOW = new Date("2026-12-07T20:00:00Z");

const db = await createTestDatabase();
const workspaceId = createId("workspace");
await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: "Bench", slug: workspaceId, timezone: "America/New_York" });
const tenant = tenantScope(db, workspaceId);
const agentId = createId("agent");
await tenant.agents.insert({ id: agentId, name: "Receptionist", voice: "default", language: "en", providers: {}, tools: [], business: {}, turnTaking: {} });

let placed = 0;
const place: PlaceCall = async (t, body, { campaign }) => {
  const id = createId("call");
  await t.calls.insert({
    id,
    agentId: body.agentId,
    channel: "twilio",
    direction: "outbound",
    caller: body.from,
    callee: body.to,
    status: "queued",
    startedAt: NOW,
    metadata: { outbound: { variables: body.variables ?? {}, machineDetection: "hangup" }, campaign },
  });
  placed++;
  return { id };
};
const scheduler = createCampaignScheduler({ db, place, clock: { now: () => NOW } });

const rates: number[] = [];
for (let run = 0; run <= RUNS; run++) {
  const campaignId = createId("campaign");
  await tenant.campaigns.insert({
    id: campaignId,
    name: `bench ${run}`,
    agentId,
    fromNumber: "+14155550000",
    type: "standard",
    status: "running",
    window: { start: "09:00", end: "20:00", days: [1, 2, 3, 4, 5] },
    maxConcurrent: 100,
    maxAttempts: 1,
    backoffMinutes: 60,
    machineDetection: "hangup",
  });
  await tenant.campaigns.insertContacts(
    Array.from({ length: CONTACTS }, (_, i) => ({
      id: createId("campaignContact"),
      campaignId,
      phone: `+1212${String(run).padStart(2, "0")}${String(i).padStart(5, "0")}`,
      name: `C${i}`,
      timezone: i % 2 ? "America/New_York" : "America/Chicago",
      variables: { name: `C${i}` },
      consent: true,
      consentSource: "bench",
    })),
  );
  placed = 0;
  const t0 = performance.now();
  const { started } = await scheduler.tick();
  const ms = performance.now() - t0;
  if (started !== Math.min(CONTACTS, 100) || placed !== started) throw new Error(`started ${started}, placed ${placed}`);
  await tenant.campaigns.update(campaignId, { status: "completed" });
  if (run === 0) continue; // warm-up
  rates.push(started / (ms / 1000));
  console.log(`run ${run}: ${started} calls in ${ms.toFixed(0)} ms → ${(started / (ms / 1000)).toFixed(0)} calls/s`);
}
rates.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    database: process.env.TEST_DATABASE_URL ? "postgres" : "pglite",
    contacts: CONTACTS,
    maxConcurrent: 100,
    runs: RUNS,
    medianCallsPerSec: Math.round(rates[Math.floor(rates.length / 2)]!),
  }),
);
await db.close();
