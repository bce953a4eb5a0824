import { createPlanGate, type Billing } from "@orbis/billing";
import type { CredentialsService } from "@orbis/credentials";
import type { Database } from "@orbis/db";
import { createOutboundCalls } from "@orbis/telephony";
import type { PlaceCall } from "./scheduler.ts";

type OutboundDeps = Parameters<typeof createOutboundCalls>[0];

/**
 * The scheduler's `place`: `POST /v1/calls`'s own rules and carrier call (`@orbis/telephony`), with the
 * plan gate every call passes, the workspace's decrypted carrier credentials and the carriers' bases.
 */
export function campaignPlacer(o: {
  db: Database;
  cache: OutboundDeps["cache"];
  billing: Billing;
  credentials: Pick<CredentialsService, "read">;
  maxCallsPerWorkspace: number;
  publicBaseUrl: () => string;
  twilioApiUrl?: string | undefined;
  telnyxApiUrl: string;
  log: { warn(obj: object, msg: string): void };
}): PlaceCall {
  const gate = createPlanGate(o.billing, { log: o.log });
  const outbound = createOutboundCalls({
    db: o.db,
    cache: o.cache,
    maxCallsPerWorkspace: o.maxCallsPerWorkspace,
    credentials: (tenant, provider) => o.credentials.read(tenant, provider),
    admit: async (tenant, carrier) => {
      const admitted = await gate.admit(tenant, carrier);
      return admitted.ok ? admitted : { ok: false, message: admitted.message };
    },
    publicBaseUrl: o.publicBaseUrl,
    twilioApiUrl: o.twilioApiUrl,
    telnyxApiUrl: o.telnyxApiUrl,
  });
  return (tenant, body, options) => outbound.place(tenant, body, options);
}
