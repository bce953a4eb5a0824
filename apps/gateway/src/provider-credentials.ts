import { createCredentialsService } from "@orbis/credentials";
import type { AppConfig } from "@orbis/config";
import type { TenantScope } from "@orbis/db";
import { PROVIDERS, type CredentialLookup, type ProviderCredential } from "@orbis/providers";

export type CredentialResolver = (tenant: TenantScope) => Promise<CredentialLookup>;

/** Vendors a workspace can store its own key for (`PUT /v1/credentials/:vendor`): those whose definition has a key schema. */
const WORKSPACE_KEYS = PROVIDERS.flatMap((d) => (d.vendor && d.credentialSchema ? [{ vendor: d.vendor, schema: d.credentialSchema }] : []));

/**
 * Keys for one call: the workspace's stored key (decrypted here, never logged) wins, the platform key
 * from config is the fallback. A base URL comes from config (`<VENDOR>_BASE_URL`) either way: where a
 * vendor is reached is an operator decision, whose key is used a tenant's. A workspace key is marked
 * as such (`workspace`), the one case in which a provider may send it to a server the tenant chose
 * (`openai-compatible`), through the outbound guard unless `ALLOW_PRIVATE_NETWORK_TOOLS` is on.
 */
export function credentialResolver(
  config: Pick<AppConfig, "encryptionKey" | "providerKeys" | "allowPrivateNetworkTools">,
  log?: { warn(obj: object, msg?: string): void },
): CredentialResolver {
  const service = createCredentialsService(config.encryptionKey);
  const platform = config.providerKeys as Partial<Record<string, { apiKey?: string; baseUrl?: string }>>;
  const workspace = { allowPrivateNetwork: config.allowPrivateNetworkTools };
  return async (tenant) => {
    const stored = new Set(await tenant.credentials.providers());
    const own = new Map<string, string>();
    for (const { vendor, schema } of WORKSPACE_KEYS) {
      if (!stored.has(vendor)) continue;
      try {
        const values = await service.readWith(tenant, vendor, schema);
        if (values) own.set(vendor, values.apiKey);
      } catch (err) {
        // A key that no longer decrypts (ENCRYPTION_KEY rotated) is treated as absent, not as a failed call.
        log?.warn({ vendor, workspaceId: tenant.workspaceId, err: err instanceof Error ? err.message : String(err) }, "stored provider key unreadable");
      }
    }
    return (vendor): ProviderCredential | undefined => {
      const ownKey = own.get(vendor);
      const apiKey = ownKey ?? platform[vendor]?.apiKey;
      const baseUrl = platform[vendor]?.baseUrl;
      // An endpoint without a key still matters to vendors that need none (an operator's OLLAMA_BASE_URL).
      if (!apiKey && !baseUrl) return undefined;
      return { apiKey: apiKey ?? "", ...(baseUrl ? { baseUrl } : {}), ...(ownKey ? { workspace } : {}) };
    };
  };
}
