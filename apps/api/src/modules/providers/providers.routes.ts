import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ProviderManager } from "@orbis/providers";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";

const providerSchema = z.object({
  id: z.string(),
  capability: z.enum(["stt", "tts", "llm", "realtime"]),
  needsKey: z.string().nullable(),
  /** No key needed, or the workspace has stored one for `needsKey`. */
  available: z.boolean(),
  models: z.array(z.string()),
  voices: z.array(z.string()),
  health: z.array(z.object({ state: z.string(), consecutiveFailures: z.number(), lastError: z.string().optional() })),
});

/** What an agent can be configured with: providers, their models and voices, key status and health. */
export const providersRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; manager?: ProviderManager }> = async (app, { principals, manager }) => {
  const providers = manager ?? new ProviderManager({});
  app.get(
    "/providers",
    { preHandler: principals.authorize("viewer"), schema: { tags: ["providers"], summary: "Available speech, LLM and realtime providers with models, voices and health", response: { 200: z.object({ data: z.array(providerSchema) }) } } },
    async (request) => {
      const keys = new Set(await tenantOf(request).credentials.providers());
      return { data: providers.describe().map((p) => ({ ...p, available: p.needsKey === null || keys.has(p.needsKey) })) };
    },
  );
};
