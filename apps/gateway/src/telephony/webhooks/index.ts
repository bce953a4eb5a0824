import type { FastifyInstance } from "fastify";
import type { PlanGate } from "@orbis/billing";
import type { CredentialsService } from "@orbis/credentials";
import { createTelephonyService, type StreamTokens } from "@orbis/telephony";
import type { GatewayRuntime } from "../../gateway.ts";
import { createPracticeLine } from "../../practice/practice-line.ts";
import { telnyxSmsRoutes, twilioSmsRoutes } from "./sms-webhooks.ts";
import { telnyxRoutes } from "./telnyx-webhooks.ts";
import { twilioRoutes } from "./twilio-webhooks.ts";

/**
 * `/v1/telephony/{twilio,telnyx}/…`: carrier webhooks, each carrier in its own scope with its own body
 * parser. They belong to the gateway: a carrier reaches one host for the webhook and the media stream.
 */
export async function registerCarrierWebhooks(
  app: FastifyInstance,
  o: { runtime: GatewayRuntime; credentials: CredentialsService; streamTokens: StreamTokens; publicBaseUrl: () => string; gate: PlanGate },
) {
  const { runtime } = o;
  const telephony = createTelephonyService({
    db: runtime.db,
    cache: runtime.cache,
    maxCallsPerWorkspace: runtime.config.maxCallsPerWorkspace,
    metrics: runtime.metrics,
    // The plan, once per inbound call, before its row exists: a spent allowance is a polite goodbye.
    admit: (tenant, carrier) => o.gate.admit(tenant, carrier),
    ...(runtime.now ? { now: runtime.now } : {}),
  });
  // The sales practice line (a number marked `practice`): codes checked here, sessions streamed like calls.
  const practiceLine = createPracticeLine({
    cache: runtime.cache,
    streamTokens: o.streamTokens,
    jwtSecret: runtime.config.jwtSecret!,
    ...(runtime.now ? { now: runtime.now } : {}),
    log: app.log,
  });
  const shared = { telephony, credentials: o.credentials, streamTokens: o.streamTokens, publicBaseUrl: o.publicBaseUrl, practiceLine };
  await app.register(
    async (carriers) => {
      await carriers.register(twilioRoutes, { prefix: "/twilio", ...shared, cache: runtime.cache });
      await carriers.register(telnyxRoutes, {
        prefix: "/telnyx",
        ...shared,
        apiUrl: runtime.config.telnyxApiUrl,
        cache: runtime.cache,
        ...(runtime.now ? { now: () => runtime.now!().getTime() } : {}),
      });
      // Inbound text messages (STOP / START): their own scopes, their own body parsers.
      const sms = { telephony, credentials: o.credentials, publicBaseUrl: o.publicBaseUrl };
      await carriers.register(twilioSmsRoutes, { prefix: "/twilio", ...sms, cache: runtime.cache });
      await carriers.register(telnyxSmsRoutes, { prefix: "/telnyx", ...sms, ...(runtime.now ? { now: () => runtime.now!().getTime() } : {}) });
    },
    { prefix: "/v1/telephony" },
  );
}
