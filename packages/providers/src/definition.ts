import { z } from "zod";
import { AI_VENDORS, type AiVendor, type AiVendorEnv } from "@orbis/contracts";
import type { ChatModel, RealtimeProvider, SttProvider, TtsProvider } from "@orbis/ports";
import type { PhraseSpec } from "@orbis/voice";
import type { HealthCheck } from "./manager/health.ts";
import type { PriceTable } from "./manager/usage.ts";

/** A key and the operator's endpoint for one vendor; resolved per workspace by the caller (the gateway). */
export interface ProviderCredential {
  apiKey: string;
  /** The operator's endpoint for the vendor (`<VENDOR>_BASE_URL`); a loopback emulator in tests. */
  baseUrl?: string;
  /**
   * Set when the key is the workspace's own (`PUT /v1/credentials/:vendor`), never for the platform's
   * key: only then may an agent's options send the vendor's traffic to a server of the tenant's
   * choosing (the `openai-compatible` `baseUrl`), through the outbound guard unless the operator
   * allows private networks (`ALLOW_PRIVATE_NETWORK_TOOLS`).
   */
  workspace?: { allowPrivateNetwork: boolean };
}

export type CredentialLookup = (vendor: string) => ProviderCredential | undefined;

export interface BuildContext {
  credentials: CredentialLookup;
  /** `agent.providers.options[id]`, validated by each entry. */
  options: Record<string, unknown>;
  /** Offline STT needs the agent's phrases and a cache dir. */
  phraseSpec?: PhraseSpec;
  cacheDir: string;
  /** The call is phone audio (8 kHz carried to 16 kHz): offline STT starts from a phone line's normalisation. */
  narrowband?: boolean;
  /** Agent voice (`agent.voice`), used when the provider's options name none. */
  voice?: string;
  language?: string;
}

export interface Built<P> {
  provider: P;
  healthCheck?: HealthCheck;
}

/** What could not be built, said as what is missing (`deepgram key`, `elevenlabs voiceId`). */
export interface Missing {
  missing: string;
}

/** What an entry is given: the call's context and its vendor's key and endpoint, already resolved. */
interface EntryContext extends BuildContext {
  /** Always set for vendors that need a key; `{ apiKey: "" }` (plus an operator endpoint, if any) otherwise. */
  credential: ProviderCredential;
}

/** One id an agent can name in a chain (`agent.providers.stt: ["deepgram"]`): how it is built and what `GET /v1/providers` shows. */
export interface CatalogEntry<P> {
  models: readonly string[];
  voices?: readonly string[];
  /** Other ids that build the same thing (`pocketsphinx` for the offline STT); not listed on their own. */
  aliases?: readonly string[];
  build(ctx: EntryContext): Built<P> | Missing;
}

export type ProviderKind = "stt" | "tts" | "chat" | "realtime";

/** What a workspace stores for a vendor; the gateway reads `apiKey` from it. */
export type WorkspaceKeySchema = z.ZodType<{ apiKey: string }>;

/** The usual workspace key: one API key. */
export const apiKeyCredentialSchema: WorkspaceKeySchema = z.object({ apiKey: z.string().trim().min(8).max(512) });

export interface ProviderSpec {
  /** The definition's id: the vendor's, or `offline` for the engines that run here. */
  id: string;
  /** The vendor (its env names are `AI_VENDORS[vendor]` in @orbis/contracts); null for the offline engines. */
  vendor: AiVendor | null;
  /** Whether calls need a key, the workspace's or the platform's (`ollama` and the offline engines do not). */
  needsKey: boolean;
  /** What a workspace stores with `PUT /v1/credentials/:vendor`; null: there is nothing to store. */
  credentialSchema: WorkspaceKeySchema | null;
  /** List prices per chain id (or id:model); the operator's `PROVIDER_PRICES` wins over them. */
  defaultPrices: PriceTable;
  stt?: Record<string, CatalogEntry<SttProvider>>;
  tts?: Record<string, CatalogEntry<TtsProvider>>;
  chat?: Record<string, CatalogEntry<ChatModel>>;
  realtime?: Record<string, CatalogEntry<RealtimeProvider>>;
  /** Answers without spending money; given to every provider of the vendor whose entry brings no check of its own. */
  healthCheck?: (credential: ProviderCredential, signal: AbortSignal) => Promise<void>;
}

export interface ProviderDefinition extends ProviderSpec {
  /** The capabilities it has entries for. */
  readonly kinds: readonly ProviderKind[];
  /** Where config reads the platform key and the operator's endpoint; null for the offline engines. */
  readonly env: AiVendorEnv | null;
}

const KINDS: readonly ProviderKind[] = ["stt", "tts", "chat", "realtime"];

/** A vendor's one definition: what it can do, where its keys come from, what it costs, how each entry is built. */
export function defineProvider(spec: ProviderSpec): ProviderDefinition {
  return { ...spec, kinds: KINDS.filter((k) => Object.keys(spec[k] ?? {}).length > 0), env: spec.vendor ? AI_VENDORS[spec.vendor] : null };
}

/** `agent.providers.options[id]` through its schema (zod strips what it does not know). */
export const optionsOf = <T extends z.ZodType>(schema: T, ctx: BuildContext, id: string): z.infer<T> => schema.parse(ctx.options[id] ?? {});

/** Options of both speech-to-speech entries (`gemini-live`, `openai-realtime`). */
export const realtimeOptions = z.object({
  model: z.string().optional(),
  voice: z.string().optional(),
  silenceDurationMs: z.number().int().min(100).optional(),
});

/** The voice the agent's options name, else the agent's voice when the provider has it, else the provider's default. */
export const voiceOf = (optionVoice: string | undefined, ctx: BuildContext, voices: readonly string[]): string | undefined =>
  optionVoice ?? (ctx.voice && voices.includes(ctx.voice) ? ctx.voice : undefined);

/** Health check that only asks whether the endpoint answers at all (an HTTP HEAD). */
export const reachable = async (url: string, signal: AbortSignal): Promise<void> => {
  await fetch(url, { method: "HEAD", signal });
};
