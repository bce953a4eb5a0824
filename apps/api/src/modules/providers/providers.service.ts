import { ProviderManager } from "@orbis/providers";
import type { TenantScope } from "@orbis/db";

export interface ProvidersServiceOptions {
  /** The process's provider manager (its health is the one calls see); a fresh one without it. */
  manager?: ProviderManager | undefined;
}

/** What an agent can be configured with: providers, their models and voices, key status and health. */
export function createProvidersService(options: ProvidersServiceOptions = {}) {
  const providers = options.manager ?? new ProviderManager({});
  return {
    async list(tenant: TenantScope) {
      const keys = new Set(await tenant.credentials.providers());
      return providers.describe().map((p) => ({ ...p, available: p.needsKey === null || keys.has(p.needsKey) }));
    },
  };
}
export type ProvidersService = ReturnType<typeof createProvidersService>;
