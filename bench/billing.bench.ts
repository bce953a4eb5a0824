// Billing: (a) what metering adds to every call end — the billing consumer's fan-out of `call.ended`
// (read the call and the workspace, write the ledger row, check the allowance) on the relay's
// transaction; (b) what a typical call costs us, by configuration and channel, against the seeds'
// $0.20–0.50 per call.
//   npx tsx bench/billing.bench.ts [calls=300]
// PGlite always; PostgreSQL too when TEST_DATABASE_URL (or DATABASE_URL) is set (a fresh database, dropped after).
import { callOverheadCost, createBilling, type CostRates } from "@orbis/billing";
import { loadConfig } from "@orbis/config";
import { createId, type Channel } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database, type Tx } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { costByKind, type UsageByProvider } from "@orbis/providers";
import { billingConsumer } from "@orbis/worker";

const [calls = 300] = process.argv.slice(2).map(Number);
const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const config = loadConfig("all", { NODE_ENV: "development", LOG_LEVEL: "silent" });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A throwaway migrated database: PGlite, or a fresh one on the server at `url` (dropped on close). */
async function openDatabase(url?: string): Promise<{ db: Database; drop: () => Promise<void> }> {
  const db = await createTestDatabase({ databaseUrl: url ?? null, poolSize: 5 });
  return { db, drop: () => db.close() };
}

// ── (a) metering overhead per call end ────────────────────────────────────────────────────────────
const usage = (u: Partial<UsageByProvider[string]>): UsageByProvider[string] => ({
  sttSeconds: 0,
  llmTokensIn: 0,
  llmTokensOut: 0,
  ttsCharacters: 0,
  realtimeSeconds: 0,
  ...u,
});

async function meteringOverhead(
  mode: "off" | "stripe",
  url?: string,
): Promise<{ kind: string; mode: string; p50: number; p99: number; mean: number; rows: number }> {
  const { db, drop } = await openDatabase(url);
  try {
    // Billing on (Stripe mode, a Starter subscription): the allowance check runs on every call end, the
    // worst case; billing off: the ledger row alone.
    const billing = createBilling({ mode, plansFile: undefined, stripe: undefined, graceDays: 7, carrierRates: {}, infraCostPerMinute: 0.002 });
    const consumer = billingConsumer({ db, billing, prices: {} });
    const workspaceId = createId("workspace");
    await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: "Bench Dental", slug: workspaceId, timezone: "America/New_York" });
    const tenant = tenantScope(db, workspaceId);
    const now = new Date();
    await tenant.billing.saveSubscription({
      planId: "starter",
      status: "active",
      stripeCustomerId: `cus_${workspaceId}`,
      stripeSubscriptionId: `sub_${workspaceId}`,
      currentPeriodStart: new Date(now.getTime() - 5 * 86400_000),
      currentPeriodEnd: new Date(now.getTime() + 25 * 86400_000),
    });
    const eventIds: string[] = [];
    for (let i = 0; i < calls; i++) {
      const callId = createId("call");
      const startedAt = new Date(now.getTime() - 3600_000 + i * 1000);
      await tenant.transaction(async (t) => {
        await t.calls.insert({
          id: callId,
          channel: i % 2 ? "twilio" : "web",
          status: "completed",
          startedAt,
          endedAt: new Date(startedAt.getTime() + 180_000),
          durationSec: 180,
          usage: {
            deepgram: usage({ sttSeconds: 180 }),
            openai: usage({ llmTokensIn: 41_100, llmTokensOut: 660 }),
            "deepgram-aura": usage({ ttsCharacters: 1_350 }),
          },
        });
        eventIds.push(
          await t.events.record("call.ended", {
            callId,
            agentId: null,
            channel: i % 2 ? "twilio" : "web",
            status: "completed",
            durationSec: 180,
            endReason: "caller_hangup",
            outcome: "booked",
            summary: null,
            endedAt: new Date(startedAt.getTime() + 180_000).toISOString(),
          }),
        );
      });
    }
    const events = await Promise.all(eventIds.map(async (id) => (await tenant.events.get(id))!));
    const samples: number[] = [];
    for (const event of events) {
      // One event per relay transaction, as a quiet system relays them; only the consumer's work is timed.
      await db.system.transaction(async (tx) => {
        const start = performance.now();
        await consumer.fanOut!(event, tx as unknown as Tx);
        samples.push((performance.now() - start) * 1000);
      });
    }
    samples.sort((a, b) => a - b);
    const rows = (await tenant.billing.periodUsage(new Date(now.getTime() - 5 * 86400_000))).calls;
    return { kind: db.kind, mode, p50: percentile(samples, 50), p99: percentile(samples, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, rows };
  } finally {
    await drop();
  }
}

// ── (b) cost per call ────────────────────────────────────────────────────────────────────────────
/**
 * A typical 3-minute receptionist call: greeting + 8 caller turns.
 * - STT: the caller's audio is streamed for the whole call (the STT chain bills every pushed sample): 180 s.
 * - LLM: per turn 1.5 model requests (a tool round trip every other turn), each carrying the system
 *   prompt with business facts and tool specs (≈ 2,500 tokens) plus the history (≈ 150 tokens a turn):
 *   Σ 1.5 × (2,500 + 150 k), k = 1…8 = 38,100 tokens in; replies ≈ 60 tokens + 15 tokens of tool
 *   arguments a turn = 600 out; plus the end-of-call summary request (3,000 in, 60 out). 41,100 in / 660 out.
 * - TTS: the greeting and 8 replies of ≈ 150 characters: 1,350 characters.
 * - Realtime (speech-to-speech): 180 s of caller audio.
 */
const CALL_SEC = 180;
const TURN = { sttSeconds: CALL_SEC, llmIn: 41_100, llmOut: 660, ttsChars: 1_350 };
const cascade = (stt: string, llm: string, tts: string): UsageByProvider => {
  const u: UsageByProvider = {};
  const add = (id: string, d: Partial<UsageByProvider[string]>) => {
    const cur = (u[id] ??= usage({}));
    for (const [k, v] of Object.entries(d) as [keyof UsageByProvider[string], number][]) cur[k] += v;
  };
  add(stt, { sttSeconds: TURN.sttSeconds });
  add(llm, { llmTokensIn: TURN.llmIn, llmTokensOut: TURN.llmOut });
  add(tts, { ttsCharacters: TURN.ttsChars });
  return u;
};
const CONFIGURATIONS: { name: string; usage: UsageByProvider }[] = [
  { name: "offline default (pocketsphinx + domain brain + flite)", usage: cascade("offline", "offline", "flite") },
  { name: "Deepgram nova-3 + gpt-4o-mini + Deepgram Aura", usage: cascade("deepgram", "openai", "deepgram-aura") },
  { name: "Deepgram nova-3 + gpt-4o-mini + ElevenLabs", usage: cascade("deepgram", "openai", "elevenlabs") },
  { name: "Deepgram nova-3 + gpt-4o + ElevenLabs", usage: cascade("deepgram", "openai:gpt-4o", "elevenlabs") },
  { name: "OpenAI Realtime (speech-to-speech)", usage: { "openai-realtime": usage({ realtimeSeconds: CALL_SEC }) } },
];

const usd = (n: number) => `$${n.toFixed(4)}`;
function costTable(rates: CostRates): string {
  const lines = [
    "| Configuration | Channel | STT | LLM | TTS | Realtime | Carrier | Infra | **Total** | vs $0.20–0.50 |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const c of CONFIGURATIONS) {
    const providers = costByKind(c.usage, config.prices);
    for (const channel of ["web", "twilio"] as Channel[]) {
      const overhead = callOverheadCost(channel, CALL_SEC, rates);
      const total = providers.total + overhead.carrierUsd + overhead.infraUsd;
      const verdict = total <= 0.2 ? "below" : total <= 0.5 ? "within" : "ABOVE";
      lines.push(
        `| ${c.name} | ${channel} | ${usd(providers.stt)} | ${usd(providers.llm)} | ${usd(providers.tts)} | ${usd(providers.realtime)} | ${usd(overhead.carrierUsd)} | ${usd(overhead.infraUsd)} | **${usd(total)}** | ${verdict} |`,
      );
    }
  }
  return lines.join("\n");
}

const results = [await meteringOverhead("off"), await meteringOverhead("stripe")];
if (serverUrl) results.push(await meteringOverhead("off", serverUrl), await meteringOverhead("stripe", serverUrl));

console.log(`## Metering overhead per call end (billing consumer fan-out of call.ended, ${calls} events, one per relay transaction)\n`);
console.log("| Database | Billing | p50 µs | p99 µs | mean µs | calls counted |");
console.log("|---|---|---:|---:|---:|---:|");
const what = (mode: string) => (mode === "off" ? "off (ledger row only)" : "stripe (ledger + allowance check)");
for (const r of results) console.log(`| ${r.kind} | ${what(r.mode)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.mean.toFixed(0)} | ${r.rows} |`);
const rates: CostRates = { carrier: config.billing.carrierRates, infraPerMinute: config.billing.infraCostPerMinute };
console.log(
  `\n## Cost per call: 3 minutes, greeting + 8 caller turns (STT ${TURN.sttSeconds} s, LLM ${TURN.llmIn} in / ${TURN.llmOut} out tokens, TTS ${TURN.ttsChars} characters)\n`,
);
console.log(
  `List prices of the provider definitions${Object.keys(config.prices).length ? " with PROVIDER_PRICES" : ""}; carrier: Twilio $${(rates.carrier.twilio ?? 0.0085).toFixed(4)}/min (3 billed minutes); infrastructure $${rates.infraPerMinute}/min.\n`,
);
console.log(costTable(rates));
process.exit(0);
