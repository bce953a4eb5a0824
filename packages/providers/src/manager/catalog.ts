import type { ChatModel, RealtimeProvider, SttProvider, TtsProvider } from "@orbis/ports";
import type { BuildContext, Built, CatalogEntry, Missing, ProviderDefinition } from "../definition.ts";
import { PROVIDERS } from "../definitions.ts";
import type { PriceTable } from "./usage.ts";

/** Builds one chain entry for one call, or says what is missing. */
export type Factory<P> = (ctx: BuildContext) => Built<P> | Missing;

type EntriesKind = "stt" | "tts" | "chat" | "realtime";

/** The vendor's key is resolved once here, so no entry builds without one when its vendor needs it. */
function factoryOf<P>(def: ProviderDefinition, entry: CatalogEntry<P>): Factory<P> {
  return (ctx) => {
    const found = def.vendor ? ctx.credentials(def.vendor) : undefined;
    if (def.needsKey && !found?.apiKey) return { missing: `${def.vendor} key` };
    const credential = found ?? { apiKey: "" };
    const built = entry.build({ ...ctx, credential });
    if ("missing" in built || built.healthCheck || !def.healthCheck) return built;
    const check = def.healthCheck;
    return { ...built, healthCheck: (signal) => check(credential, signal) };
  };
}

function catalogOf<P>(kind: EntriesKind): Record<string, Factory<P>> {
  const out: Record<string, Factory<P>> = {};
  for (const def of PROVIDERS) {
    for (const [id, entry] of Object.entries((def[kind] ?? {}) as Record<string, CatalogEntry<P>>)) {
      for (const name of [id, ...(entry.aliases ?? [])]) {
        if (out[name]) throw new Error(`provider id ${name} (${kind}) is defined twice`);
        out[name] = factoryOf(def, entry);
      }
    }
  }
  return out;
}

export const sttCatalog = catalogOf<SttProvider>("stt");
export const ttsCatalog = catalogOf<TtsProvider>("tts");
export const chatCatalog = catalogOf<ChatModel>("chat");
/** Speech-to-speech providers (`agent.providers.realtime`); no chain: a realtime call that loses its provider falls back to the cascade. */
export const realtimeCatalog = catalogOf<RealtimeProvider>("realtime");

/** What `GET /v1/providers` lists (health is added by the manager). */
export interface ProviderDescription {
  id: string;
  capability: "stt" | "tts" | "llm" | "realtime";
  /** The vendor whose key it needs, or null (offline engines, Ollama). */
  needsKey: string | null;
  models: string[];
  voices: string[];
}

const CAPABILITIES: readonly [EntriesKind, ProviderDescription["capability"]][] = [
  ["stt", "stt"],
  ["tts", "tts"],
  ["realtime", "realtime"],
  ["chat", "llm"],
];

export const PROVIDER_DESCRIPTIONS: readonly ProviderDescription[] = CAPABILITIES.flatMap(([kind, capability]) =>
  PROVIDERS.flatMap((def) =>
    Object.entries((def[kind] ?? {}) as Record<string, CatalogEntry<unknown>>).map(([id, entry]) => ({
      id,
      capability,
      needsKey: def.needsKey ? def.vendor : null,
      models: [...entry.models],
      voices: [...(entry.voices ?? [])],
    })),
  ),
);

/** List prices of every definition (USD, late 2025, approximate); the operator's `PROVIDER_PRICES` win over them. */
export const DEFAULT_PRICES: PriceTable = Object.assign({}, ...PROVIDERS.map((d) => d.defaultPrices));
