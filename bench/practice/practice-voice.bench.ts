/**
 * Sales practice by voice: how fast the prospect answers (end of the rep's speech → first prospect
 * audio, as the caller simulator measures it) and how that holds with several sessions at once. The
 * composed platform (api + gateway, offline speech stack, the offline prospect), PGlite unless
 * TEST_DATABASE_URL says otherwise. Sessions speak at real time, so the latency is what a rep hears.
 * Run: npx tsx bench/practice/practice-voice.bench.ts [sequential=2] [concurrent=4]
 */
import { cpus } from "node:os";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { createBrainFactory } from "@orbis/agent-runtime";
import { createTokenService } from "@orbis/auth";
import { createCache } from "@orbis/cache";
import { buildPlatform } from "@orbis/cli";
import { testConfig, testTargets } from "@orbis/config";
import { createTestDatabase } from "@orbis/db/testing";
import { cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { simulateCall, type CallStep } from "@orbis/gateway/caller";
import { speechAvailability } from "@orbis/providers";

const SEQUENTIAL = Number(process.argv[2] ?? 2);
const CONCURRENT = Number(process.argv[3] ?? 4);

/** The e2e cold call (e2e/practice/practice-voice.int.test.ts): intro, discovery, objection handled, next step. */
const SCRIPT: CallStep[] = [
  { say: "hi doctor alvarez this is sam from orbis" },
  { say: "what are your biggest challenges right now" },
  { say: "the reason i'm calling is we help companies like bright smile dental" },
  { say: "just one quick question" },
  { say: "can we book a meeting next tuesday at ten" },
];

const pct = (xs: number[], p: number): number => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function main(): Promise<void> {
  const speech = speechAvailability();
  if (!speech.stt) {
    console.log(`skipped: ${speech.reason}`);
    return;
  }
  // Recordings (on by default for practice) go to a temporary directory, not the checkout's .orbis.
  const config = testConfig({
    rateLimitPerMinute: 100_000,
    maxCallsPerWorkspace: 100,
    maxCallsPerKey: 100,
    dataDir: mkdtempSync(join(tmpdir(), "orbis-bench-practice-data-")),
  });
  const db = await createTestDatabase();
  const cache = createCache({ redisUrl: testTargets().redisUrl });
  const runtime = { config, db, cache, tokens: createTokenService(config.jwtSecret!), metrics: new Registry() };
  const pipeline = cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-bench-practice-"))));
  const app = await buildPlatform(runtime, { mounts: [gatewayMount({ brains: createBrainFactory(db), pipeline })] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  const wsUrl = `ws://127.0.0.1:${port}/v1/stream`;

  const signup = await app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: `bench-${Date.now()}@example.com`, password: "password123", name: "Bench Rep", workspaceName: "Bench Sales" },
  });
  const auth = { authorization: `Bearer ${signup.json().token}` };

  /** One practice session through the script; its latencies and whether the prospect agreed. */
  const session = async () => {
    const started = await app.inject({
      method: "POST",
      url: "/v1/practice/sessions",
      headers: auth,
      payload: { personaId: "builtin_dental_practice_owner", scenarioId: "builtin_cold_call_book_meeting" },
    });
    if (started.statusCode !== 201) throw new Error(started.body);
    const result = await simulateCall(SCRIPT, {
      url: `${wsUrl}?token=${encodeURIComponent(started.json().token)}`,
      speed: 1,
      voice: "slt",
      turnTimeoutMs: 30_000,
    });
    return { latencies: result.turns.flatMap((t) => (t.latencyMs === undefined ? [] : [t.latencyMs])), agreed: result.endReason === "next_step" };
  };

  const report = (label: string, runs: { latencies: number[]; agreed: boolean }[], wallMs: number) => {
    const all = runs.flatMap((r) => r.latencies);
    console.log(
      `${label.padEnd(34)} sessions ${runs.length}, next step agreed ${runs.filter((r) => r.agreed).length}, turns ${all.length}, ` +
        `first prospect audio p50 ${pct(all, 50)} ms, p95 ${pct(all, 95)} ms, max ${Math.max(...all)} ms (${(wallMs / 1000).toFixed(0)} s)`,
    );
  };

  console.log(`node ${process.version}, ${cpus().length} cores, ${db.kind}; real-time speech (flite slt), 5 rep lines per session\n`);
  // Warm-up: the per-session language model and flite's first synthesis.
  await session();

  const sequential: Awaited<ReturnType<typeof session>>[] = [];
  let t0 = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await session());
  report("one session at a time", sequential, performance.now() - t0);

  t0 = performance.now();
  const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, () => session()));
  report(`${CONCURRENT} sessions at once`, concurrent, performance.now() - t0);

  await app.close();
  await cache.close();
  await db.close();
}

await main();
