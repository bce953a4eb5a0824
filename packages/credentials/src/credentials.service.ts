import {
  carrierCredentialSchemas,
  type CarrierCredentials,
  type CredentialMetadataDto,
  type CredentialProvider,
  type TelephonyProvider,
} from "@orbis/contracts";
import type { CredentialRow, TenantScope } from "@orbis/db";
import { createCredentialCipher } from "./cipher.ts";

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

/** Anything that checks decrypted values: a zod schema (a carrier's from contracts, an AI vendor's from its provider definition). */
export interface CredentialSchema<T> {
  parse(value: unknown): T;
}

/**
 * Provider credentials per workspace, encrypted at rest. Generic over providers: the caller checks
 * values against the provider's schema before `put`; `read` (carriers) and `readWith` (any schema)
 * check them again after decrypting.
 */
export function createCredentialsService(encryptionKey: Buffer | undefined) {
  const cipher = createCredentialCipher(encryptionKey);
  const aad = (tenant: TenantScope, provider: string) => `${tenant.workspaceId}:${provider}`;
  const readWith = async <T>(tenant: TenantScope, provider: CredentialProvider, schema: CredentialSchema<T>): Promise<T | undefined> => {
    const row = await tenant.credentials.get(provider);
    if (!row) return undefined;
    return schema.parse(cipher.decrypt(row.ciphertext, aad(tenant, provider)));
  };
  return {
    async put(tenant: TenantScope, provider: CredentialProvider, values: Record<string, string>): Promise<CredentialMetadataDto> {
      const row = await tenant.credentials.put(provider, cipher.encrypt(values, aad(tenant, provider)), hintsOf(provider, values));
      return toCredentialMetadata(row);
    },
    async metadata(tenant: TenantScope, provider: CredentialProvider): Promise<CredentialMetadataDto | undefined> {
      const row = await tenant.credentials.get(provider);
      return row && toCredentialMetadata(row);
    },
    remove: (tenant: TenantScope, provider: CredentialProvider) => tenant.credentials.remove(provider),
    /** A carrier's decrypted values, for server-side use only (signature checks, carrier REST calls). */
    read: <P extends TelephonyProvider>(tenant: TenantScope, provider: P): Promise<CarrierCredentials<P> | undefined> =>
      readWith(tenant, provider, (carrierCredentialSchemas as { [K in TelephonyProvider]: CredentialSchema<CarrierCredentials<K>> })[provider]),
    /** Decrypted values checked against `schema` (an AI vendor's key, for the call that uses it). */
    readWith,
  };
}
export type CredentialsService = ReturnType<typeof createCredentialsService>;
