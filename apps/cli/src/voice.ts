import { join } from "node:path";
import type { Tracer } from "@opentelemetry/api";
import { speechAvailability } from "@orbis/providers";
import { createAgentSetupFactory, createBrainFactory } from "@orbis/agent-runtime";
import { createCalendarConnections } from "@orbis/calendars";
import { carrierTelephony, credentialResolver, gatewayMount, offlineSpeechStack, practiceProspects, providerPipeline } from "@orbis/gateway";
import type { Mount } from "./platform.ts";
import type { Runtime } from "./runtime.ts";

/**
 * The gateway role's mount: /v1/stream, carrier webhooks and media streams. Each call's stack comes from the
 * agent's provider config through the process's one ProviderManager (shared circuit breakers), keys
 * from the workspace's stored credentials or the platform's; agents naming no cloud provider run on the
 * offline stack. Brains book into the database. With a tracer (`startTelemetry`), every call is traced.
 */
export function voiceGateway(runtime: Runtime, o: { tracer?: Tracer | undefined } = {}): Mount {
  const speech = speechAvailability();
  if (!speech.stt) console.warn(`orbis: ${speech.reason}\norbis: offline voice calls run with TYPED INPUT ONLY until it is installed.`);
  const { config } = runtime;
  // Tenant HTTP tools go through the outbound guard; ALLOW_PRIVATE_NETWORK_TOOLS lets them reach private networks.
  const toolHttp = { allowPrivateNetwork: config.allowPrivateNetworkTools };
  // Connected Google / Microsoft calendars block the receptionist's availability (docs/calendars.md).
  const externalCalendars = createCalendarConnections({ config: config.calendars, encryptionKey: config.encryptionKey });
  const brains = createBrainFactory(runtime.db, { http: toolHttp, encryptionKey: config.encryptionKey, externalCalendars });
  const pipeline = providerPipeline({
    speech: offlineSpeechStack(join(config.dataDir, "speech")),
    manager: runtime.providers,
    credentials: credentialResolver(config, { warn: (obj, msg) => console.warn(msg, obj) }),
    setups: createAgentSetupFactory(runtime.db, { http: toolHttp, encryptionKey: config.encryptionKey, externalCalendars }),
    prices: config.prices,
    cacheDir: join(config.dataDir, "speech", "lm"),
    // A published agent's cloud voices fall back to the offline engines once the plan no longer has them.
    billing: runtime.billing,
  });
  // Sales practice prospects: played by PRACTICE_LLM when set and a key resolves, else the offline engine.
  const prospects = practiceProspects({
    llm: config.practiceLlm,
    manager: runtime.providers,
    credentials: credentialResolver(config, { warn: (obj, msg) => console.warn(msg, obj) }),
    cacheDir: join(config.dataDir, "speech", "lm"),
    prices: config.prices,
    log: runtime.log,
  });
  // Twilio/Telnyx webhooks and media streams share the gateway's websocket scope, metrics and call limits.
  return gatewayMount({
    brains,
    pipeline,
    prospects,
    recordings: runtime.recordings,
    extraRoutes: [carrierTelephony({ brains, pipeline })],
    ...(o.tracer ? { tracer: o.tracer } : {}),
  });
}
