import { generateApiKey } from "@orbis/auth";
import { createId, type createApiKeyBodySchema } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { z } from "zod";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { toApiKeyDto } from "./api-keys.mappers.ts";

type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

export function createApiKeysService() {
  return {
    list: async (tenant: TenantScope) => (await tenant.apiKeys.list()).map(toApiKeyDto),

    /** Only the key's hash is stored: the full key is in this answer and nowhere else. */
    async create(tenant: TenantScope, actor: Actor, body: CreateApiKeyBody) {
      const { key, prefix, hash } = generateApiKey(body.kind);
      const row = await tenant.transaction(async (t) => {
        const row = await t.apiKeys.insert({
          id: createId("apiKey"),
          name: body.name,
          kind: body.kind,
          prefix,
          keyHash: hash,
          allowedOrigins: body.allowedOrigins,
          createdBy: actor.actorUserId,
        });
        await t.audit.record({
          ...auditedBy(actor),
          action: "api_key.created",
          targetType: "api_key",
          targetId: row.id,
          metadata: { kind: row.kind, name: row.name },
        });
        return row;
      });
      return { ...toApiKeyDto(row), key };
    },

    async revoke(tenant: TenantScope, actor: Actor, id: string) {
      return tenant.transaction(async (t) => {
        const row = found(await t.apiKeys.revoke(id), "API key");
        await t.audit.record({ ...auditedBy(actor), action: "api_key.revoked", targetType: "api_key", targetId: row.id });
        return toApiKeyDto(row);
      });
    },
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
