import type { ApiKeyDto } from "@orbis/contracts";
import type { ApiKeyRow } from "@orbis/db";

export const toApiKeyDto = (k: ApiKeyRow): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  kind: k.kind,
  prefix: k.prefix,
  allowedOrigins: k.allowedOrigins,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});
