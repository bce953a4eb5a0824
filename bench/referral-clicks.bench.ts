// Referral click recording: `GET /r/:code` at a fixed rate, open loop (bench/open-loop.ts), on the
// listening API — look the link up, count the visitor's and the address's recent clicks (bounded), insert
// the click, sign the cookie, answer 302. One address sends everything, so after its first 20 clicks
// every click is a flagged burst: the same statements run, which is the cost being measured.
//   npx tsx bench/referral-clicks.bench.ts [rate=500] [seconds=10]
// PGlite always; PostgreSQL too when TEST_DATABASE_URL (or DATABASE_URL) is set (a fresh database, dropped after).
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { buildApp } from "@orbis/api";
import { createTokenService } from "@orbis/auth";
import { createCache } from "@orbis/cache";
import { loadConfig } from "@orbis/config";
import { type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { openLoop, type OpenLoopResult } from "./open-loop.ts";

const [rate = 500, seconds = 10] = process.argv.slice(2).map(Number);
const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** A throwaway migrated database: PGlite, or a fresh one on the server at `url` (dropped on close). */
async function openDatabase(url?: string): Promise<{ db: Database; drop: () => Promise<void> }> {
  const db = await createTestDatabase({ databaseUrl: url ?? null, poolSize: 5 });
  return { db, drop: () => db.close() };
}

async function run(url?: string): Promise<{ result: OpenLoopResult; stored: number }> {
  const { db, drop } = await openDatabase(url);
  const base = loadConfig("all", { NODE_ENV: "development", LOG_LEVEL: "silent" });
  // The per-IP budget would answer 429 to a single load generator: lifted, it is not what is measured.
  const config = { ...base, jwtSecret: "bench-secret-bench-secret-bench-secret", rateLimitPerMinute: 10_000_000 };
  const cache = createCache({});
  const app = await buildApp({ config, db, cache, tokens: createTokenService(config.jwtSecret), metrics: new Registry() });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const signup = await app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: `bench-${Date.now()}@example.com`, password: "correct horse battery", name: "Bench Referrer", workspaceName: "Bench" },
    });
    const { token } = signup.json() as { token: string };
    const me = await app.inject({ url: "/v1/referrals/me", headers: { authorization: `Bearer ${token}` } });
    const [link] = (me.json() as { links: { code: string }[] }).links;
    if (!link) throw new Error(`no referral link: ${me.body}`);
    const target = `${apiUrl}/r/${link.code}?to=/pricing`;
    const headers = { "user-agent": "Mozilla/5.0 (bench)", referer: "https://blog.example/post" };

    // Warm-up (JIT, pools, plans), then the measured run.
    await openLoop(target, headers, Math.min(rate, 100), 2);
    const before = await clicks(db);
    const result = await openLoop(target, headers, rate, seconds);
    return { result, stored: (await clicks(db)) - before };
  } finally {
    await app.close();
    await cache.close();
    await drop();
  }
}

async function clicks(db: Database): Promise<number> {
  const result = (await db.system.execute("select count(*)::int as n from referral_clicks" as never)) as unknown as { rows: { n: number }[] };
  return Number(result.rows[0]?.n ?? 0);
}

const targets: [string, string | undefined][] = [["PGlite", undefined], ...(serverUrl ? [["PostgreSQL", serverUrl] as [string, string]] : [])];
const rows: string[] = [];
for (const [store, url] of targets) {
  const { result, stored } = await run(url);
  rows.push(
    `| GET /r/:code (click + cookie + 302) | ${store} | ${result.offered} | ${seconds} | ${result.completed} | ${stored} | ${result.p50} | ${result.p99} | ${result.max} | ${result.errors} |`,
  );
}
console.log("| benchmark | database | offered/s | s | answered | clicks stored | p50 (ms) | p99 (ms) | max (ms) | errors |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
