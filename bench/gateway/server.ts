// Child process for the gateway benchmarks: api + gateway on one port, printing {url, agentId, key, origin}.
// PIPELINE=echo (transport only) | offline (fvad + pocketsphinx + receptionist + flite).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Registry, collectDefaultMetrics } from "prom-client";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform, tuneHeapForServing } from "@orbis/cli";
import { createTokenService } from "@orbis/auth";
import { getBusinessTemplate } from "@orbis/brain";
import { createCache } from "@orbis/cache";
import { loadConfig } from "@orbis/config";
import { createDatabase } from "@orbis/db";
import { cascadedPipeline, echoPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import type { Brain } from "@orbis/voice";

// As `orbis start` runs; BENCH_V8_DEFAULTS=1 leaves V8 as it is, to measure what the tuning buys.
if (!process.env.BENCH_V8_DEFAULTS) tuneHeapForServing();
const config = {
  ...loadConfig("all"),
  logLevel: "silent" as const,
  jwtSecret: "bench-secret-bench-secret-bench-secret",
  maxCallsPerWorkspace: 100_000,
  maxCallsPerKey: 100_000,
};
const adminUrl = config.databaseUrl ?? "postgres://postgres@127.0.0.1:5432/test";
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query("drop database if exists orbis_bench_gw with (force)");
await admin.query("create database orbis_bench_gw");
await admin.end();
const url = new URL(adminUrl);
url.pathname = "/orbis_bench_gw";
const db = createDatabase({ databaseUrl: url.toString(), poolSize: 20 });
await db.migrate();

const silentBrain: Brain = {
  id: "silent",
  startSession: () => ({
    async *greet() {},
    async *respond() {},
    expecting: () => "none",
  }),
};
const echo = process.env.PIPELINE !== "offline";
const metrics = new Registry();
collectDefaultMetrics({ register: metrics });
const runtime = { config, db, cache: createCache(), tokens: createTokenService("bench-secret-bench-secret-bench-secret"), metrics };
const mount = gatewayMount({
  brains: echo ? () => silentBrain : createBrainFactory(db),
  pipeline: echo ? echoPipeline : cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-bench-")))),
});
const app = await buildPlatform(runtime, { logger: false, mounts: [mount] });
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const origin = "http://bench.localhost";

const post = async (path: string, body: unknown, token?: string) =>
  (
    await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    })
  ).json() as Promise<Record<string, never>>;
const { token } = await post("/v1/auth/signup", { email: "gw@bench.example", password: "bench password", name: "Bench", workspaceName: "Bench" });
const dental = getBusinessTemplate("dental");
const agent = await post(
  "/v1/agents",
  {
    name: "Bench",
    greeting: echo ? "" : `Thanks for calling ${dental.business.name}. This is the virtual receptionist. How can I help you today?`,
    business: dental.business,
  },
  token,
);
const key = await post("/v1/api-keys", { name: "bench", kind: "publishable", allowedOrigins: [origin] }, token);
process.stdout.write(
  JSON.stringify({ url: base, wsUrl: `${base.replace("http", "ws")}/v1/stream?agentId=${agent.id}&apiKey=${key.key}`, origin, pid: process.pid }) + "\n",
);
process.on("SIGTERM", async () => {
  await app.close();
  await db.close();
  process.exit(0);
});
if (process.env.LOOP_DEBUG) {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  setInterval(() => {
    console.error(`loop delay p50 ${(h.percentile(50) / 1e6).toFixed(1)} p99 ${(h.percentile(99) / 1e6).toFixed(1)} max ${(h.max / 1e6).toFixed(1)} ms`);
    h.reset();
  }, 5000).unref();
}
