import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform } from "@orbis/cli";
import { createTokenService } from "@orbis/auth";
import type { Billing } from "@orbis/billing";
import { createCache, type Cache } from "@orbis/cache";
import { testConfig, testTargets, type AppConfig } from "@orbis/config";
import type { Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { getBusinessTemplate } from "@orbis/brain";
import { carrierTelephony, cascadedPipeline, gatewayMount, offlineSpeechStack, type GatewayOptions, type PipelineFactory } from "@orbis/gateway";

type App = Awaited<ReturnType<typeof buildPlatform>>;

export interface GatewayHarness {
  app: App;
  db: Database;
  cache: Cache;
  baseUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

export const WIDGET_ORIGIN = "http://widget.localhost:8080";

/** api + gateway on a real port, the offline speech stack and the receptionist brain (in-memory calendar). */
export async function startGateway(
  options: {
    pipeline?: PipelineFactory;
    /** Builds the pipeline from the harness's database (provider pipelines). */ pipelineFor?: (db: Database, config: AppConfig) => PipelineFactory;
    config?: Partial<AppConfig>;
    /** Gateway options over the harness's (start timeout, shutdown drain, …). */
    gateway?: Partial<Pick<GatewayOptions, "startTimeoutMs" | "shutdownDrainMs" | "callHeartbeatMs" | "prospects">>;
    /** Also mount the carrier webhooks and media sockets. */
    telephony?: boolean;
    /** Plans for the api and the gateway (default: from the config, billing off). */
    billing?: Billing;
  } = {},
): Promise<GatewayHarness> {
  const config = testConfig(options.config);
  const db = await createTestDatabase();
  const cache = createCache({ redisUrl: testTargets().redisUrl });
  const tokens = createTokenService(config.jwtSecret!);
  const runtime = { config, db, cache, tokens, metrics: new Registry(), ...(options.billing ? { billing: options.billing } : {}) };
  const brains = createBrainFactory(db);
  const pipeline = options.pipelineFor?.(db, config) ?? options.pipeline ?? cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-gw-"))));
  const mount = gatewayMount({
    brains,
    pipeline,
    heartbeatMs: 1000,
    ...options.gateway,
    ...(options.telephony ? { extraRoutes: [carrierTelephony({ brains, pipeline })] } : {}),
  });
  const app = await buildPlatform(runtime, { mounts: [mount] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    db,
    cache,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    async close() {
      await app.close();
      await cache.close();
      await db.close();
    },
  };
}

export interface Tenant {
  token: string;
  workspaceId: string;
  agentId: string;
  publishableKey: string;
}

let n = 0;
/** A workspace with a dental receptionist agent (published) and a widget key for WIDGET_ORIGIN. */
export async function createTenant(h: Pick<GatewayHarness, "app">, agentPatch: Record<string, unknown> = {}): Promise<Tenant> {
  const signup = await h.app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: `gw-${Date.now()}-${n++}@example.com`, password: "password123", name: "Owner", workspaceName: "Riverside Dental" },
  });
  const { token, workspace } = signup.json();
  const auth = { authorization: `Bearer ${token}` };
  const template = getBusinessTemplate("dental");
  const agent = await h.app.inject({
    method: "POST",
    url: "/v1/agents",
    headers: auth,
    payload: {
      name: "Receptionist",
      greeting: `Thanks for calling ${template.business.name}. This is the virtual receptionist. How can I help you today?`,
      business: template.business,
      ...agentPatch,
    },
  });
  if (agent.statusCode !== 201) throw new Error(agent.body);
  // Callers hear the published version: publish it, as the dashboard's wizard does.
  const published = await h.app.inject({ method: "POST", url: `/v1/agents/${agent.json().id}/publish`, headers: auth, payload: {} });
  if (published.statusCode !== 200) throw new Error(published.body);
  const key = await h.app.inject({
    method: "POST",
    url: "/v1/api-keys",
    headers: auth,
    payload: { name: "widget", kind: "publishable", allowedOrigins: [WIDGET_ORIGIN] },
  });
  return { token, workspaceId: workspace.id, agentId: agent.json().id, publishableKey: key.json().key };
}
