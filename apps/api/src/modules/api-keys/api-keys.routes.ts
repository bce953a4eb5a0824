import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { generateApiKey } from "@orbis/auth";
import { apiKeySchema, createApiKeyBodySchema, createdApiKeySchema, createId, idSchema, notFound, type ApiKeyDto } from "@orbis/contracts";
import type { ApiKeyRow } from "@orbis/db";
import { actorOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";

const toApiKeyDto = (k: ApiKeyRow): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  kind: k.kind,
  prefix: k.prefix,
  allowedOrigins: k.allowedOrigins,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});

export const apiKeysRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const tags = ["api-keys"];
  const admin = principals.authorize("admin");

  app.get("", { preHandler: admin, schema: { tags, summary: "List API keys (prefix only)", response: { 200: z.object({ data: z.array(apiKeySchema) }) } } }, async (request) => ({
    data: (await tenantOf(request).apiKeys.list()).map(toApiKeyDto),
  }));

  app.post("", { preHandler: admin, schema: { tags, summary: "Create a key; the full key is in this response only", body: createApiKeyBodySchema, response: { 201: createdApiKeySchema } } }, async (request, reply) => {
    const tenant = tenantOf(request);
    const { key, prefix, hash } = generateApiKey(request.body.kind);
    const actor = actorOf(request);
    const row = await tenant.transaction(async (t) => {
      const row = await t.apiKeys.insert({
        id: createId("apiKey"),
        name: request.body.name,
        kind: request.body.kind,
        prefix,
        keyHash: hash,
        allowedOrigins: request.body.allowedOrigins,
        createdBy: actor.actorUserId,
      });
      await t.audit.record({ ...actor, action: "api_key.created", targetType: "api_key", targetId: row.id, metadata: { kind: row.kind, name: row.name } });
      return row;
    });
    return reply.status(201).send({ ...toApiKeyDto(row), key });
  });

  app.delete("/:id", { preHandler: admin, schema: { tags, summary: "Revoke a key", params: z.object({ id: idSchema("apiKey") }), response: { 200: apiKeySchema } } }, async (request) => {
    const actor = actorOf(request);
    return tenantOf(request).transaction(async (t) => {
      const row = await t.apiKeys.revoke(request.params.id);
      if (!row) throw notFound("API key");
      await t.audit.record({ ...actor, action: "api_key.revoked", targetType: "api_key", targetId: row.id });
      return toApiKeyDto(row);
    });
  });
};
