/**
 * Cloud AI vendors and the variables of their platform key and endpoint. Data only, so that
 * packages/config (which must not load the providers) knows which variables to read. Each vendor has
 * exactly one provider definition in packages/providers (`src/definitions.ts`); a test there fails
 * when the two lists disagree. The ids are also what `PUT /v1/credentials/:provider` takes for a
 * workspace's own key.
 */
export const AI_VENDORS = {
  openai: { apiKey: "OPENAI_API_KEY", baseUrl: "OPENAI_BASE_URL" },
  groq: { apiKey: "GROQ_API_KEY", baseUrl: "GROQ_BASE_URL" },
  openrouter: { apiKey: "OPENROUTER_API_KEY", baseUrl: "OPENROUTER_BASE_URL" },
  "openai-compatible": { apiKey: "OPENAI_COMPATIBLE_API_KEY", baseUrl: "OPENAI_COMPATIBLE_BASE_URL" },
  ollama: { apiKey: "OLLAMA_API_KEY", baseUrl: "OLLAMA_BASE_URL" },
  anthropic: { apiKey: "ANTHROPIC_API_KEY", baseUrl: "ANTHROPIC_BASE_URL" },
  gemini: { apiKey: "GEMINI_API_KEY", baseUrl: "GEMINI_BASE_URL" },
  deepgram: { apiKey: "DEEPGRAM_API_KEY", baseUrl: "DEEPGRAM_BASE_URL" },
  elevenlabs: { apiKey: "ELEVENLABS_API_KEY", baseUrl: "ELEVENLABS_BASE_URL" },
} as const satisfies Record<string, AiVendorEnv>;

/** The environment variables of one vendor: the platform's key and the operator's endpoint. */
export interface AiVendorEnv {
  apiKey: string;
  baseUrl: string;
}

export type AiVendor = keyof typeof AI_VENDORS;
export const AI_VENDOR_IDS = Object.keys(AI_VENDORS) as AiVendor[];
