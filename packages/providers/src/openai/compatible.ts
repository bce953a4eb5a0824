import { z } from "zod";
import { createGuardedFetch } from "@orbis/outbound";
import type { ChatModel } from "@orbis/ports";
import type { AiVendor } from "@orbis/contracts";
import { apiKeyCredentialSchema, defineProvider, optionsOf, type CatalogEntry, type ProviderCredential, type ProviderDefinition } from "../definition.ts";
import type { ProviderPrice } from "../manager/usage.ts";
import { checkOpenAiCompatible, createOpenAiChatModel } from "./openai-chat.ts";

const modelOptions = z.object({ model: z.string().optional() });
const tenantServerOptions = z.object({ model: z.string().optional(), baseUrl: z.string().url().optional() });

/** Where an OpenAI-compatible host is reached: the operator's `<VENDOR>_BASE_URL`, else the host's public URL. */
export interface CompatibleHost {
  /** Unset: the SDK's default (api.openai.com). */
  defaultBaseUrl?: string;
  /** The model when the agent's options name none. */
  model: string;
  /** Key sent to hosts that take none (a local Ollama). */
  keyless?: string;
}

const endpointOf = (host: CompatibleHost, credential: ProviderCredential) => ({
  apiKey: credential.apiKey || (host.keyless ?? ""),
  baseURL: credential.baseUrl ?? host.defaultBaseUrl,
});

/**
 * The chat entry of an OpenAI-compatible host. The base URL is the operator's decision: an agent's
 * options choose the model only (a `baseUrl` there is ignored), so the platform's key never goes to a
 * host a tenant picked.
 */
export function compatibleChat(id: string, host: CompatibleHost): CatalogEntry<ChatModel> {
  return {
    models: [host.model],
    build: (ctx) => {
      const model = optionsOf(modelOptions, ctx, id).model ?? host.model;
      return { provider: createOpenAiChatModel({ ...endpointOf(host, ctx.credential), model, id: `${id}:${model}` }) };
    },
  };
}

/** `GET /models` on the host (no tokens spent). */
export const compatibleHealthCheck =
  (host: CompatibleHost) =>
  (credential: ProviderCredential, signal: AbortSignal): Promise<void> =>
    checkOpenAiCompatible(endpointOf(host, credential), signal);

/**
 * `openai-compatible`: a server of the operator's (`OPENAI_COMPATIBLE_BASE_URL`) or, with the
 * workspace's own key only, the tenant's own server named by the agent's `baseUrl` option. The tenant's
 * server is reached through the outbound guard (public addresses only unless the operator set
 * `ALLOW_PRIVATE_NETWORK_TOOLS`); an agent `baseUrl` with the platform's key is refused.
 */
export function tenantServerChat(id: string, defaultModel: string): CatalogEntry<ChatModel> {
  return {
    models: [defaultModel],
    build: (ctx) => {
      const o = optionsOf(tenantServerOptions, ctx, id);
      const model = o.model ?? defaultModel;
      const own = ctx.credential.workspace;
      if (o.baseUrl && !own) return { missing: `the workspace's own ${id} key (an agent's baseUrl is never sent the platform's key)` };
      if (o.baseUrl && own) {
        const endpoint = { apiKey: ctx.credential.apiKey, baseURL: o.baseUrl, fetch: createGuardedFetch({ allowPrivateNetwork: own.allowPrivateNetwork }) };
        return {
          provider: createOpenAiChatModel({ ...endpoint, model, id: `${id}:${model}` }),
          healthCheck: (signal) => checkOpenAiCompatible(endpoint, signal),
        };
      }
      if (!ctx.credential.baseUrl) return { missing: `${id} baseUrl` };
      return { provider: createOpenAiChatModel({ apiKey: ctx.credential.apiKey, baseURL: ctx.credential.baseUrl, model, id: `${id}:${model}` }) };
    },
  };
}

/** The whole definition of a vendor that is only an OpenAI-compatible chat host (Groq, OpenRouter, Ollama). */
export function defineCompatibleHost(vendor: AiVendor, host: CompatibleHost, price: ProviderPrice): ProviderDefinition {
  const needsKey = host.keyless === undefined;
  return defineProvider({
    id: vendor,
    vendor,
    needsKey,
    credentialSchema: needsKey ? apiKeyCredentialSchema : null,
    defaultPrices: { [vendor]: price },
    chat: { [vendor]: compatibleChat(vendor, host) },
    healthCheck: compatibleHealthCheck(host),
  });
}
