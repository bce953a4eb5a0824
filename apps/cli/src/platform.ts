import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { ApiDeps } from "@orbis/api";
import type { GatewayRuntime } from "@orbis/gateway";
import { createServer, registerHealthRoutes } from "@orbis/server";

/** What a serving process is built from: the api's and the gateway's needs together. */
export type ServingRuntime = ApiDeps & GatewayRuntime;

/** Routes another role adds to the server (gateway, web app). */
export type Mount = (app: FastifyInstance, runtime: ServingRuntime) => Promise<void>;

export interface PlatformOptions {
  /** Serve the control plane (`/v1/*` REST, OpenAPI). Off for a gateway-only process. Default true. */
  api?: boolean;
  mounts?: Mount[];
  logger?: FastifyServerOptions["logger"];
}

/**
 * One process, one port: the server base (health, metrics, the one error body), the api when the role
 * has it, then whatever mounts the role needs. Used by `orbis start` and by end-to-end tests, so both
 * run the same composition.
 */
export async function buildPlatform(runtime: ServingRuntime, options: PlatformOptions = {}) {
  const { config } = runtime;
  const app = createServer({
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    metrics: runtime.metrics,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  registerHealthRoutes(app, runtime);
  if (options.api ?? true) {
    // Loaded only by roles that serve it: a gateway process never loads the control plane's code.
    const { mountApi } = await import("@orbis/api");
    await mountApi(app, runtime);
  }
  for (const mount of options.mounts ?? []) await mount(app, runtime);
  return app;
}
