import type { FastifyInstance } from "fastify";
import { buildApp } from "@orbis/api";
import type { Runtime } from "./runtime.ts";

/** Route plugins mounted beside the api on the same server (gateway, web app); each role adds its own. */
export type Mount = (app: FastifyInstance, runtime: Runtime) => Promise<void>;

/**
 * One process, one port: the api plus whatever mounts the role needs. Used by `orbis start` and by
 * end-to-end tests, so both run the same composition.
 */
export async function buildPlatform(runtime: Runtime, mounts: Mount[] = []) {
  return buildApp(runtime, {
    extend: async (app) => {
      for (const mount of mounts) await mount(app, runtime);
    },
  });
}
