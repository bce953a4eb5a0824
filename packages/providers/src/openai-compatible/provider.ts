import { apiKeyCredentialSchema, defineProvider } from "../definition.ts";
import { compatibleHealthCheck, tenantServerChat } from "../openai/compatible.ts";

/**
 * Any OpenAI-compatible server (vLLM, llama.cpp, LiteLLM…): the operator's (`OPENAI_COMPATIBLE_BASE_URL`)
 * or, with the workspace's own key, the tenant's (the agent's `baseUrl` option, through the outbound guard).
 */
export const openaiCompatible = defineProvider({
  id: "openai-compatible",
  vendor: "openai-compatible",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: {},
  chat: { "openai-compatible": tenantServerChat("openai-compatible", "default") },
  /** The operator's server; the tenant's own brings its guarded check with it. */
  healthCheck: compatibleHealthCheck({ model: "default" }),
});
