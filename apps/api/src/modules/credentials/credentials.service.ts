import { credentialValueSchemas, type CredentialMetadataDto, type CredentialProvider, type CredentialValues } from "@orbis/contracts";
import type { CredentialRow, TenantScope } from "@orbis/db";
import { createCredentialCipher } from "./credentials.crypto.ts";

const last4 = (s: string) => `…${s.slice(-4)}`;

/** Values safe to show back: identifiers and the last four characters of secrets. */
function hintsOf(provider: CredentialProvider, values: Record<string, string>): Record<string, string> {
  switch (provider) {
    case "twilio":
      return { accountSid: values.accountSid!, authToken: last4(values.authToken!) };
    case "telnyx":
      return { apiKey: last4(values.apiKey!), publicKey: values.publicKey! };
    default:
      return { apiKey: last4(values.apiKey!) };
  }
}

export const toCredentialMetadata = (row: CredentialRow): CredentialMetadataDto => ({
  provider: row.provider as CredentialProvider,
  configured: true,
  hints: row.hints as Record<string, string>,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * Provider credentials per workspace, encrypted at rest. Generic over providers: telephony uses
 * twilio/telnyx, cloud speech and LLM providers read their API keys through `read` as well.
 */
export function createCredentialsService(encryptionKey: Buffer | undefined) {
  const cipher = createCredentialCipher(encryptionKey);
  const aad = (tenant: TenantScope, provider: string) => `${tenant.workspaceId}:${provider}`;
  return {
    async put<P extends CredentialProvider>(tenant: TenantScope, provider: P, values: CredentialValues<P>): Promise<CredentialMetadataDto> {
      const plain = values as Record<string, string>;
      const row = await tenant.credentials.put(provider, cipher.encrypt(plain, aad(tenant, provider)), hintsOf(provider, plain));
      return toCredentialMetadata(row);
    },
    async metadata(tenant: TenantScope, provider: CredentialProvider): Promise<CredentialMetadataDto | undefined> {
      const row = await tenant.credentials.get(provider);
      return row && toCredentialMetadata(row);
    },
    remove: (tenant: TenantScope, provider: CredentialProvider) => tenant.credentials.remove(provider),
    /** The decrypted values, for server-side use only (signature checks, carrier REST calls). */
    async read<P extends CredentialProvider>(tenant: TenantScope, provider: P): Promise<CredentialValues<P> | undefined> {
      const row = await tenant.credentials.get(provider);
      if (!row) return undefined;
      return credentialValueSchemas[provider].parse(cipher.decrypt(row.ciphertext, aad(tenant, provider))) as CredentialValues<P>;
    },
  };
}
export type CredentialsService = ReturnType<typeof createCredentialsService>;
