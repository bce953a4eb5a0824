import { defineCompatibleHost } from "../openai/compatible.ts";

/** Groq's OpenAI-compatible chat completions. */
export const groq = defineCompatibleHost(
  "groq",
  { defaultBaseUrl: "https://api.groq.com/openai/v1", model: "llama-3.3-70b-versatile" },
  { llmPerMillionIn: 0.59, llmPerMillionOut: 0.79 },
);
