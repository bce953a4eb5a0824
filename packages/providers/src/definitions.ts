import type { AiVendor } from "@orbis/contracts";
import { anthropic } from "./anthropic/provider.ts";
import { deepgram } from "./deepgram/provider.ts";
import type { ProviderDefinition } from "./definition.ts";
import { elevenlabs } from "./elevenlabs/provider.ts";
import { gemini } from "./gemini/provider.ts";
import { groq } from "./groq/provider.ts";
import { offline } from "./offline/provider.ts";
import { ollama } from "./ollama/provider.ts";
import { openaiCompatible } from "./openai-compatible/provider.ts";
import { openai } from "./openai/provider.ts";
import { openrouter } from "./openrouter/provider.ts";

/**
 * Every provider, one definition per vendor folder. Adding a vendor: its folder (a `provider.ts`
 * with `defineProvider`) and one line here; the catalogue, `GET /v1/providers`, credential
 * validation, default prices and the gateway's key resolution all read this list.
 */
export const PROVIDERS: readonly ProviderDefinition[] = [offline, openai, groq, openrouter, ollama, openaiCompatible, anthropic, gemini, deepgram, elevenlabs];

const byVendor = new Map(PROVIDERS.flatMap((d) => (d.vendor ? [[d.vendor, d] as const] : [])));

/** The definition of a vendor (`deepgram`), or undefined for an id that is none. */
export function definitionOf(vendor: string): ProviderDefinition | undefined {
  return byVendor.get(vendor as AiVendor);
}
