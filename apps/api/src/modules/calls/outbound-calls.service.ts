import type { Billing } from "@orbis/billing";
import { createPlanGate } from "@orbis/billing";
import type { Cache } from "@orbis/cache";
import type { AppConfig } from "@orbis/config";
import { createCredentialsService } from "@orbis/credentials";
import type { Database, TenantScope } from "@orbis/db";
import { createOutboundCalls, type PlaceCallBody } from "@orbis/telephony";
import type { Registry } from "prom-client";
import { toCallDto } from "./calls.mappers.ts";

export interface OutboundCallsServiceOptions {
  db: Database;
  cache: Cache;
  config: Pick<AppConfig, "encryptionKey" | "maxCallsPerWorkspace" | "twilioApiUrl" | "telnyxApiUrl">;
  billing: Billing;
  publicBaseUrl: () => string;
  log: { warn(obj: object, msg: string): void };
  metrics?: Registry;
  now?: () => Date;
}

/**
 * `POST /v1/calls`: the agent calls someone. The rules and the carrier's REST call live in
 * `@orbis/telephony` (`createOutboundCalls().place`, what a campaign runner calls too); here they get
 * the api's plan gate, the workspace's decrypted carrier credentials and the carriers' base URLs.
 */
export function createOutboundCallsService(o: OutboundCallsServiceOptions) {
  const credentials = createCredentialsService(o.config.encryptionKey);
  const gate = createPlanGate(o.billing, { log: o.log, ...(o.metrics ? { metrics: o.metrics } : {}) });
  const outbound = createOutboundCalls({
    db: o.db,
    cache: o.cache,
    maxCallsPerWorkspace: o.config.maxCallsPerWorkspace,
    credentials: (tenant, provider) => credentials.read(tenant, provider),
    admit: async (tenant, carrier) => {
      const admitted = await gate.admit(tenant, carrier);
      return admitted.ok ? admitted : { ok: false, message: admitted.message };
    },
    publicBaseUrl: o.publicBaseUrl,
    twilioApiUrl: o.config.twilioApiUrl,
    telnyxApiUrl: o.config.telnyxApiUrl,
    ...(o.now ? { now: o.now } : {}),
  });
  return {
    async place(tenant: TenantScope, body: PlaceCallBody) {
      const call = await outbound.place(tenant, body);
      return toCallDto(call);
    },
  };
}
export type OutboundCallsService = ReturnType<typeof createOutboundCallsService>;
