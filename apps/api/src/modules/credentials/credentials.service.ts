import { carrierCredentialSchemas, credentialProviderSchema, notFound, type AiVendor, type CredentialProvider } from "@orbis/contracts";
import { createCredentialsService as createCredentialStore } from "@orbis/credentials";
import type { TenantScope } from "@orbis/db";
import { definitionOf } from "@orbis/providers";
import type { z } from "zod";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { invalid, parseOrThrow } from "../../lib/validation.ts";
import { carrierFormatResult, checkVendorKey } from "./credential-check.ts";
import type { CredentialTestResult } from "./credentials.schemas.ts";

export interface CredentialsServiceOptions {
  /** AES-256-GCM key of the secrets at rest; without it, storing credentials is `unavailable`. */
  encryptionKey: Buffer | undefined;
  /** The operator's endpoints per AI vendor (`<VENDOR>_BASE_URL`): where a key test goes, as calls do. */
  vendorEndpoints?: Partial<Record<AiVendor, { baseUrl?: string }>>;
}

/** What `PUT` checks values against: a carrier's schema (contracts), an AI vendor's from its provider definition. */
function schemaOf(provider: CredentialProvider): z.ZodType<Record<string, string>> {
  if (provider === "twilio" || provider === "telnyx") return carrierCredentialSchemas[provider];
  const schema = definitionOf(provider)?.credentialSchema;
  if (!schema) throw invalid("params.provider", `${provider} takes no workspace key`);
  return schema;
}

/**
 * The workspace's provider credentials as the API shows them: set (write-only), metadata, delete.
 * Encryption is `@orbis/credentials`' store; each change commits together with its audit row.
 */
export function createCredentialsService({ encryptionKey, vendorEndpoints = {} }: CredentialsServiceOptions) {
  const store = createCredentialStore(encryptionKey);
  return {
    /** `values` are checked against the provider's own schema: a 422 names each bad field under `body.`. */
    async put(tenant: TenantScope, actor: Actor, provider: CredentialProvider, values: unknown) {
      const parsed = parseOrThrow(schemaOf(provider), values, "body");
      return tenant.transaction(async (t) => {
        const dto = await store.put(t, provider, parsed);
        await t.audit.record({ ...auditedBy(actor), action: "credentials.set", targetType: "credentials", targetId: provider });
        return dto;
      });
    },

    /** Every provider the workspace has credentials for, hints only. */
    async list(tenant: TenantScope) {
      const providers = (await tenant.credentials.providers()).filter((p): p is CredentialProvider => credentialProviderSchema.safeParse(p).success).sort();
      const rows = await Promise.all(providers.map((p) => store.metadata(tenant, p)));
      return rows.filter((r) => r !== undefined);
    },

    /** Whether the stored credentials work: an AI vendor's key through its health check, a carrier's by format only. */
    async test(tenant: TenantScope, provider: CredentialProvider): Promise<CredentialTestResult> {
      if (provider === "twilio" || provider === "telnyx") {
        found(await store.read(tenant, provider), "Credentials");
        return carrierFormatResult(provider);
      }
      const key = found(await store.readWith(tenant, provider, schemaOf(provider)), "Credentials");
      const baseUrl = vendorEndpoints[provider]?.baseUrl;
      return checkVendorKey(provider, { apiKey: key.apiKey ?? "", ...(baseUrl ? { baseUrl } : {}) });
    },

    metadata: async (tenant: TenantScope, provider: CredentialProvider) => found(await store.metadata(tenant, provider), "Credentials"),

    async remove(tenant: TenantScope, actor: Actor, provider: CredentialProvider) {
      await tenant.transaction(async (t) => {
        if (!(await store.remove(t, provider))) throw notFound("Credentials");
        await t.audit.record({ ...auditedBy(actor), action: "credentials.deleted", targetType: "credentials", targetId: provider });
      });
    },
  };
}
export type CredentialsService = ReturnType<typeof createCredentialsService>;
