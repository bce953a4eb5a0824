import type { FastifyPluginAsync } from "fastify";
import type { ApiDeps } from "../../deps.ts";
import type { CredentialsService } from "../credentials/credentials.service.ts";
import { createStreamTokens } from "./stream-token.ts";
import { telnyxRoutes } from "./telnyx.routes.ts";
import { createTelephonyService } from "./telephony.service.ts";
import { twilioRoutes } from "./twilio.routes.ts";

/** `/v1/telephony/{twilio,telnyx}/…`: carrier webhooks, each in its own scope with its own body parser. */
export const telephonyRoutes: FastifyPluginAsync<{ deps: ApiDeps; credentials: CredentialsService; publicBaseUrl: () => string }> = async (app, { deps, credentials, publicBaseUrl }) => {
  const telephony = createTelephonyService({ db: deps.db, cache: deps.cache, maxCallsPerWorkspace: deps.config.maxCallsPerWorkspace, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}) });
  if (!deps.config.jwtSecret) throw new Error("telephony needs JWT_SECRET (stream tokens are derived from it)");
  const streamTokens = createStreamTokens(deps.config.jwtSecret);
  await app.register(twilioRoutes, { prefix: "/twilio", telephony, credentials, streamTokens, cache: deps.cache, publicBaseUrl });
  await app.register(telnyxRoutes, { prefix: "/telnyx", telephony, credentials, streamTokens, publicBaseUrl, apiUrl: deps.config.telnyxApiUrl, ...(deps.now ? { now: () => deps.now!().getTime() } : {}) });
};
