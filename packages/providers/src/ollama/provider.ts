import { defineCompatibleHost } from "../openai/compatible.ts";

/** The operator's Ollama (`OLLAMA_BASE_URL`, this machine by default): no key, nothing to bill. */
export const ollama = defineCompatibleHost("ollama", { defaultBaseUrl: "http://127.0.0.1:11434/v1", model: "llama3.2", keyless: "ollama" }, {});
