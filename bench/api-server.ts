// Child process for bench/api.bench.ts: the api role on a fresh PostgreSQL database, seeded with one
// workspace and 20 agents; prints {"url","token"} on stdout when ready.
import pg from "pg";
import { Registry } from "prom-client";
import { buildApp } from "@orbis/api";
import { tuneHeapForServing } from "@orbis/cli";
import { createTokenService } from "@orbis/auth";
import { createCache } from "@orbis/cache";
import { loadConfig } from "@orbis/config";
import { createDatabase } from "@orbis/db";

// As `orbis start` runs; BENCH_V8_DEFAULTS=1 leaves V8 as it is, to measure what the tuning buys.
if (!process.env.BENCH_V8_DEFAULTS) tuneHeapForServing();
// One session token drives the whole load: the per-user session limit would cap it far below the rates measured.
const config = {
  ...loadConfig("api"),
  logLevel: "silent" as const,
  jwtSecret: "bench-secret-bench-secret-bench-secret",
  rateLimitSessionPerMinute: 10_000_000,
};
const adminUrl = config.databaseUrl ?? "postgres://postgres@127.0.0.1:5432/test";
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query("drop database if exists orbis_bench with (force)");
await admin.query("create database orbis_bench");
await admin.end();
const url = new URL(adminUrl);
url.pathname = "/orbis_bench";

const db = createDatabase({ databaseUrl: url.toString(), poolSize: 20 });
await db.migrate();
const cache = createCache({ redisUrl: config.redisUrl });
const app = await buildApp({ config, db, cache, tokens: createTokenService("bench-secret-bench-secret-bench-secret"), metrics: new Registry() });
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address() as { port: number };
const base = `http://127.0.0.1:${address.port}`;

const signup = await fetch(`${base}/v1/auth/signup`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "bench@example.com", password: "bench password", name: "Bench", workspaceName: "Bench" }),
});
const { token } = (await signup.json()) as { token: string };
for (let i = 0; i < 20; i++) {
  await fetch(`${base}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: `Agent ${i}` }),
  });
}
process.stdout.write(JSON.stringify({ url: base, token }) + "\n");
process.on("SIGTERM", async () => {
  await app.close();
  await db.close();
  await cache.close();
  process.exit(0);
});
