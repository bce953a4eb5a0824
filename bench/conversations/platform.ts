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
import { carrierTelephony, cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { fixedWallClock } from "@orbis/ports";

/** The public URL carriers are told about; the Twilio emulator signs against it and connects to `baseUrl`. */
export const BENCH_PUBLIC_BASE = "https://voice.bench.test";

export interface BenchPlatform {
  baseUrl: string;
  wsUrl: string;
  publicBase: string;
  close(): Promise<void>;
}

/**
 * api + gateway (browser stream and carrier webhooks and media) on one real port, composed as `orbis start` and the e2e harness compose them
 * (buildPlatform, the offline speech stack, brains booking into the database), with the brains'
 * wall clock fixed at `now`. PGlite and the in-process cache unless TEST_DATABASE_URL / TEST_REDIS_URL
 * point elsewhere.
 */
export async function startBenchPlatform(now: Date): Promise<BenchPlatform> {
  // Every scenario signs a workspace up from the same address: the per-IP limit is not what is measured.
  const config = testConfig({ rateLimitPerMinute: 100_000, maxCallsPerWorkspace: 2, publicBaseUrl: BENCH_PUBLIC_BASE });
  const db = await createTestDatabase();
  const cache = createCache({ redisUrl: testTargets().redisUrl });
  const runtime = { config, db, cache, tokens: createTokenService(config.jwtSecret!), metrics: new Registry() };
  const brains = createBrainFactory(db, { clock: fixedWallClock(now) });
  const pipeline = cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-bench-conv-"))));
  const app = await buildPlatform(runtime, { mounts: [gatewayMount({ brains, pipeline, extraRoutes: [carrierTelephony({ brains, pipeline })] })] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    publicBase: BENCH_PUBLIC_BASE,
    async close() {
      await app.close();
      await cache.close();
      await db.close();
    },
  };
}
