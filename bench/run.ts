// npm run bench — every benchmark in turn, each in its own process, printing its figures.
// One at a time: the machine has 2 cores and the figures are only meaningful on a quiet machine.
// `npm run bench -- gateway` runs only the entries whose name contains "gateway".
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const BENCHES: [name: string, script: string][] = [
  ["api: GET /v1/agents on PostgreSQL", "bench/api.bench.ts"],
  ["gateway: transport capacity (P1, P2, P7 idle)", "bench/gateway/transport.bench.ts"],
  ["gateway: offline speech pipeline (P3, P4, P7 active)", "bench/gateway/speech.bench.ts"],
  ["voice: per-frame and per-utterance costs", "bench/voice/voice.bench.ts"],
  ["brain: conversations and turn time", "bench/brain/conversations.ts"],
  ["brain: availability", "bench/brain/availability.ts"],
  ["appointments: availability on the database", "bench/appointments.bench.ts"],
  ["telephony", "bench/telephony/telephony.bench.ts"],
  ["providers", "bench/providers/providers.bench.ts"],
  ["web: widget size and time to ready", "bench/web/measure.ts"],
  ["events: commit → webhook latency, deliveries/s, emails/s", "bench/events.bench.ts"],
  ["billing: metering overhead per call end, cost per call", "bench/billing.bench.ts"],
  ["billing: Stripe webhook handling p50/p99", "bench/stripe-webhook.bench.ts"],
  ["referrals: /r/:code click recording at 250 and 500 clicks/s", "bench/referral-clicks.bench.ts"],
  ["referrals: the operator's funnel over 1M clicks and 100k signups (PostgreSQL)", "bench/referral-funnel.bench.ts"],
  ["practice: scoring per 10-minute transcript", "bench/practice/scoring.bench.ts"],
  ["fuzz: every route, carrier webhooks and WebSocket frames at length (FUZZ_CASES)", "bench/fuzz.bench.ts"],
];

const filter = process.argv[2];
let failed = 0;
for (const [name, script] of BENCHES) {
  if (filter && !name.includes(filter)) continue;
  if (!existsSync(script)) continue;
  console.log(`\n## ${name}  (npx tsx ${script})\n`);
  const run = spawnSync(process.execPath, ["--import", "tsx", script], { stdio: "inherit", env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
