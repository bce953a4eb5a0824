// Stripe webhook handling latency: N signed events (`invoice.paid` and `customer.subscription.updated`,
// alternating, each a new event id) POSTed one at a time to the listening API, which verifies the
// signature, claims the event and applies it with its domain event in one transaction. The workspace
// subscribes first through the Stripe emulator (checkout → hosted page → webhooks), as in production.
//   npx tsx bench/stripe-webhook.bench.ts [events=400] [--pg]
// PGlite by default; --pg (TEST_DATABASE_URL, else DATABASE_URL) for PostgreSQL (a fresh database).
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { Registry } from "prom-client";
import Stripe from "stripe";
import { buildApp } from "@orbis/api";
import { createTokenService } from "@orbis/auth";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { createCache } from "@orbis/cache";
import { loadConfig } from "@orbis/config";
import { createDatabase, type Database } from "@orbis/db";
import { startStripeEmulator } from "../e2e/billing/stripe-emulator.ts";

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 400);
const serverUrl = args.includes("--pg") ? (process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) : undefined;
if (args.includes("--pg") && !serverUrl) throw new Error("--pg needs TEST_DATABASE_URL or DATABASE_URL");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function openDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!serverUrl) {
    const db = createDatabase();
    await db.migrate();
    return { db, drop: () => db.close() };
  }
  const name = `orbis_bench_stripe_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  await db.migrate();
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const webhookSecret = "whsec_bench";
const { db, drop } = await openDatabase();
const emulator = await startStripeEmulator({ webhookSecret });
const stripe = { secretKey: "sk_test_bench", webhookSecret, apiUrl: emulator.url };
const base = loadConfig("all", { LOG_LEVEL: "silent" });
const config = { ...base, jwtSecret: "bench-secret-bench-secret-bench-secret", billing: { ...base.billing, mode: "stripe" as const, stripe } };
const cache = createCache({});
const app = await buildApp({
  config,
  db,
  cache,
  tokens: createTokenService(config.jwtSecret!),
  metrics: new Registry(),
  billing: createBilling(config.billing, { stripe: createStripeBilling(stripe) }),
});
await app.listen({ port: 0, host: "127.0.0.1" });
const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const webhookUrl = `${apiUrl}/v1/billing/stripe/webhook`;
emulator.setWebhookUrl(webhookUrl);

// A subscribed workspace, the way a customer gets one.
const signup = await app.inject({
  method: "POST",
  url: "/v1/auth/signup",
  payload: { email: `bench-${Date.now()}@example.com`, password: "correct horse battery", name: "Bench", workspaceName: "Bench" },
});
const { token } = signup.json() as { token: string };
const checkout = await app.inject({
  method: "POST",
  url: "/v1/billing/checkout",
  headers: { authorization: `Bearer ${token}` },
  payload: { planId: "starter" },
});
const { url: checkoutUrl } = checkout.json() as { url: string };
await fetch(checkoutUrl, { method: "POST", redirect: "manual" });
const subEvent = emulator.events.find((e) => e.type === "customer.subscription.created")!;
const paidEvent = emulator.events.find((e) => e.type === "invoice.paid")!;
if (emulator.deliveries.some((d) => d.status !== 200)) throw new Error(`checkout webhooks failed: ${JSON.stringify(emulator.deliveries)}`);

/** The i-th event: a renewal's invoice.paid or a subscription update, with its own id and a moving clock. */
function nextEvent(i: number): object {
  const template = i % 2 === 0 ? paidEvent : subEvent;
  const created = Math.floor(Date.now() / 1000);
  const object = structuredClone(template.data.object) as unknown as Record<string, unknown>;
  if (template === subEvent) object.cancel_at_period_end = i % 4 === 1;
  else object.id = `in_bench_${i}`;
  return {
    ...template,
    id: `evt_bench_${i}_${randomBytes(4).toString("hex")}`,
    created,
    type: i % 2 === 0 ? "invoice.paid" : "customer.subscription.updated",
    data: { object },
  };
}

async function post(event: object): Promise<number> {
  const payload = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  const res = await fetch(webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature },
    body: payload,
  });
  await res.arrayBuffer();
  return res.status;
}

// Warm-up (JIT, pools, prepared plans), then the measured run.
for (let i = 0; i < 20; i++) await post(nextEvent(-1 - i));
const latencies: number[] = [];
let failures = 0;
const started = performance.now();
for (let i = 0; i < count; i++) {
  const t0 = performance.now();
  if ((await post(nextEvent(i))) !== 200) failures++;
  latencies.push(performance.now() - t0);
}
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);

const store = serverUrl ? "PostgreSQL" : "PGlite";
console.log("| benchmark | database | events | p50 (ms) | p99 (ms) | events/s | failed |");
console.log("|---|---|---|---|---|---|---|");
console.log(
  `| Stripe webhook (verify + apply + domain event) | ${store} | ${count} | ${percentile(latencies, 50).toFixed(2)} | ${percentile(latencies, 99).toFixed(2)} | ${(count / elapsed).toFixed(0)} | ${failures} |`,
);

await app.close();
await emulator.close();
await cache.close();
await drop();
