import type { AppConfig } from "@orbis/config";
import { createCredentialsService } from "@orbis/credentials";
import type { TenantScope } from "@orbis/db";
import { PROVIDERS, type CredentialLookup, type ProviderCredential } from "@orbis/providers";

/** Vendors a workspace can store its own key for: those whose definition has a key schema. */
const WORKSPACE_KEYS = PROVIDERS.flatMap((d) => (d.vendor && d.credentialSchema ? [{ vendor: d.vendor, schema: d.credentialSchema }] : []));

/**
 * The keys a call's providers get (the gateway's `credentialResolver` rules): the workspace's stored key
 * wins, the platform key is the fallback, the base URL is the operator's. An unreadable stored key
 * (rotated ENCRYPTION_KEY) counts as absent.
 */
export function previewCredentials(config: Pick<AppConfig, "encryptionKey" | "providerKeys" | "allowPrivateNetworkTools">) {
  const service = createCredentialsService(config.encryptionKey);
  const platform = config.providerKeys as Partial<Record<string, { apiKey?: string; baseUrl?: string }>>;
  const workspace = { allowPrivateNetwork: config.allowPrivateNetworkTools };
  return async (tenant: TenantScope): Promise<CredentialLookup> => {
    const stored = new Set(await tenant.credentials.providers());
    const own = new Map<string, string>();
    for (const { vendor, schema } of WORKSPACE_KEYS) {
      if (!stored.has(vendor)) continue;
      const values = await service.readWith(tenant, vendor, schema).catch(() => undefined);
      if (values) own.set(vendor, values.apiKey);
    }
    return (vendor): ProviderCredential | undefined => {
      const ownKey = own.get(vendor);
      const apiKey = ownKey ?? platform[vendor]?.apiKey;
      const baseUrl = platform[vendor]?.baseUrl;
      if (!apiKey && !baseUrl) return undefined;
      return { apiKey: apiKey ?? "", ...(baseUrl ? { baseUrl } : {}), ...(ownKey ? { workspace } : {}) };
    };
  };
}
