import { defineCompatibleHost } from "../openai/compatible.ts";

/** OpenRouter's OpenAI-compatible chat completions (many vendors' models behind one key). */
export const openrouter = defineCompatibleHost(
  "openrouter",
  { defaultBaseUrl: "https://openrouter.ai/api/v1", model: "openai/gpt-4o-mini" },
  { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 },
);
