import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiKeySchema, createApiKeyBodySchema, createdApiKeySchema, idSchema } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { ApiKeysService } from "./api-keys.service.ts";

export const apiKeysRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; apiKeys: ApiKeysService }> = async (app, { principals, apiKeys }) => {
  const tags = ["api-keys"];
  const admin = principals.authorize("admin");

  app.get(
    "",
    { preHandler: admin, schema: { tags, summary: "List API keys (prefix only)", response: { 200: z.object({ data: z.array(apiKeySchema) }) } } },
    async (request) => ({
      data: await apiKeys.list(tenantOf(request)),
    }),
  );

  app.post(
    "",
    {
      preHandler: admin,
      schema: { tags, summary: "Create a key; the full key is in this response only", body: createApiKeyBodySchema, response: { 201: createdApiKeySchema } },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.create(tenantOf(request), actorFrom(request), request.body)),
  );

  app.delete(
    "/:id",
    { preHandler: admin, schema: { tags, summary: "Revoke a key", params: z.object({ id: idSchema("apiKey") }), response: { 200: apiKeySchema } } },
    async (request) => apiKeys.revoke(tenantOf(request), actorFrom(request), request.params.id),
  );
};
