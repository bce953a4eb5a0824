import { createCredentialsService } from "@orbis/api";
import type { AppConfig } from "@orbis/config";
import type { CredentialProvider } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { CredentialLookup, ProviderCredential } from "@orbis/providers";

/** Cloud vendors a workspace can store its own key for (`PUT /v1/credentials/:provider`). */
const WORKSPACE_VENDORS = ["openai", "gemini", "deepgram", "elevenlabs"] as const satisfies readonly CredentialProvider[];

export type CredentialResolver = (tenant: TenantScope) => Promise<CredentialLookup>;

/**
 * Keys for one call: the workspace's stored key (decrypted here, never logged) wins, the platform key
 * from config is the fallback. A base URL comes from config (`<VENDOR>_BASE_URL`) either way: where a
 * vendor is reached is an operator decision, whose key is used a tenant's.
 */
export function credentialResolver(config: Pick<AppConfig, "encryptionKey" | "providerKeys">, log?: { warn(obj: object, msg?: string): void }): CredentialResolver {
  const service = createCredentialsService(config.encryptionKey);
  const platform = config.providerKeys as Partial<Record<string, { apiKey?: string; baseUrl?: string }>>;
  return async (tenant) => {
    const stored = new Set(await tenant.credentials.providers());
    const own = new Map<string, string>();
    for (const vendor of WORKSPACE_VENDORS) {
      if (!stored.has(vendor)) continue;
      try {
        const values = await service.read(tenant, vendor);
        if (values) own.set(vendor, values.apiKey);
      } catch (err) {
        // A key that no longer decrypts (ENCRYPTION_KEY rotated) is treated as absent, not as a failed call.
        log?.warn({ vendor, workspaceId: tenant.workspaceId, err: err instanceof Error ? err.message : String(err) }, "stored provider key unreadable");
      }
    }
    return (vendor): ProviderCredential | undefined => {
      const apiKey = own.get(vendor) ?? platform[vendor]?.apiKey;
      if (!apiKey) return undefined;
      const baseUrl = platform[vendor]?.baseUrl;
      return baseUrl ? { apiKey, baseUrl } : { apiKey };
    };
  };
}
