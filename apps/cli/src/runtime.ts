import { join } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createTokenService } from "@orbis/auth";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { createCache } from "@orbis/cache";
import type { AppConfig } from "@orbis/config";
import { createDatabase } from "@orbis/db";
import { createEmailService } from "@orbis/email";
import { createJobQueue } from "@orbis/jobs";
import { createRecordingStore } from "@orbis/recordings";
import { ProviderManager } from "@orbis/providers";
import { localEncryptionKey, localJwtSecret } from "./local-secrets.ts";

/** The shared parts every role is built from: database, cache, tokens, metrics. */
export function createRuntime(configIn: AppConfig) {
  const jwtSecret = configIn.jwtSecret ?? localJwtSecret(configIn.dataDir);
  const config = { ...configIn, jwtSecret, encryptionKey: configIn.encryptionKey ?? localEncryptionKey(configIn.dataDir) };
  const db = createDatabase(
    config.databaseUrl ? { databaseUrl: config.databaseUrl, tenantBinding: config.databaseTenantBinding } : { dataDir: join(config.dataDir, "pgdata") },
  );
  const cache = createCache({ redisUrl: config.redisUrl });
  const tokens = createTokenService(jwtSecret);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  // One per process: circuit breakers and health are shared by every call and by GET /v1/providers.
  const providers = new ProviderManager({ prices: config.prices, backgroundCheckMs: 10_000 });
  // Durable jobs in the same database (pg-boss). Nothing connects until a role sends or works a job.
  const jobs = createJobQueue({
    connection: db.jobs,
    metrics,
    // PGlite is one connection shared with every request and call: idle workers look less often (a send
    // in this process wakes them at once anyway).
    ...(db.kind === "pglite" ? { pollingIntervalSec: 2, concurrency: 2 } : {}),
    onError: (error) => console.error("orbis: job queue error:", error instanceof Error ? error.message : error),
    log: { warn: (obj, msg) => console.warn(`orbis: ${msg ?? "job"}`, JSON.stringify(obj)) },
  });
  const log = {
    info: (obj: object, msg?: string) => console.log(`orbis: ${msg ?? ""}`, JSON.stringify(obj)),
    warn: (obj: object, msg?: string) => console.warn(`orbis: ${msg ?? ""}`, JSON.stringify(obj)),
    error: (obj: object, msg?: string) => console.error(`orbis: ${msg ?? ""}`, JSON.stringify(obj, errorFields)),
  };
  // One email service per process: the api queues (verification, resets, invitations), the worker sends.
  const email = createEmailService({
    db,
    jobs,
    from: config.emailFrom,
    ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
    leaseSec: config.jobLeaseSec,
    log,
  });
  // Where call recordings live: written by the gateway, served by the api, purged by the worker.
  // RECORDINGS_STORE: a directory under DATA_DIR by default, or an S3-compatible bucket every process shares.
  const recordings = createRecordingStore(config.recordings, { dataDir: config.dataDir, encryptionKey: config.encryptionKey });
  // Plans, grace period, cost rates (and Stripe with BILLING=stripe): the api sells, the gateway enforces, the worker meters.
  const billing = createBilling(config.billing, config.billing.stripe ? { stripe: createStripeBilling(config.billing.stripe) } : {});
  return {
    config,
    db,
    billing,
    cache,
    tokens,
    metrics,
    providers,
    jobs,
    email,
    recordings,
    log,
    async close() {
      providers.stop();
      await jobs.stop();
      email.close();
      await cache.close();
      await db.close();
    },
  };
}
export type Runtime = ReturnType<typeof createRuntime>;

/** Errors in log lines: their message, not an empty object. */
function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? { message: value.message, name: value.name } : value;
}
