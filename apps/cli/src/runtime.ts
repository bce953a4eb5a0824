import { join } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createTokenService } from "@orbis/auth";
import { createCache } from "@orbis/cache";
import type { AppConfig } from "@orbis/config";
import { createDatabase } from "@orbis/db";
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
  return {
    config,
    db,
    cache,
    tokens,
    metrics,
    providers,
    async close() {
      providers.stop();
      await cache.close();
      await db.close();
    },
  };
}
export type Runtime = ReturnType<typeof createRuntime>;
