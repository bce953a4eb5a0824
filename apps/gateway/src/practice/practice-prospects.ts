import { chatCatalog, FallbackChatModel, priceUsage, UsageMeter, type PriceTable, type PricedUsage, type ProviderManager } from "@orbis/providers";
import { createLlmProspectBrain, createProspectBrain } from "@orbis/practice";
import type { Brain } from "@orbis/voice";
import type { CredentialResolver } from "../provider-credentials.ts";
import type { PracticeGrant } from "./practice-grant.ts";

/** The model that plays the prospect (`PRACTICE_LLM` in config): a chat chain id and, optionally, its model. */
export interface PracticeLlm {
  provider: string;
  model?: string;
}

/** A prospect played by a model also says what the model used and cost: the session's cost includes it. */
export interface PracticeProspect extends Brain {
  usage?(): { usage: PricedUsage; costUsd: number };
}

/** The prospect of a sales practice session (the gateway's `prospects` option). */
export type ProspectFactory = (practice: PracticeGrant) => PracticeProspect | Promise<PracticeProspect>;

type Log = { warn(obj: object, msg?: string): void };

/**
 * Sales practice prospects: with a practice model configured, the model plays the persona
 * (`createLlmProspectBrain`), built per session like an agent's LLM — the provider definitions'
 * chat entry, the workspace's stored key or else the platform's (`credentialResolver`), behind the
 * process's circuit breakers (`manager.health`); the offline prospect when none is configured, its key
 * is missing or its circuit is open. The model's own failures mid-session are the brain's to handle
 * (the offline engine takes over there too).
 */
export function practiceProspects(o: {
  llm: PracticeLlm | undefined;
  manager: ProviderManager;
  credentials: CredentialResolver;
  /** Offline STT models (part of the build context every entry gets; chat entries do not use it). */
  cacheDir: string;
  /** The operator's price overrides (`PROVIDER_PRICES`), over the definitions' list prices. */
  prices: PriceTable;
  log: Log;
}): ProspectFactory {
  const { llm } = o;
  if (!llm) return ({ persona, scenario }) => createProspectBrain({ persona, scenario });
  const factory = chatCatalog[llm.provider];
  // A provider that has no chat model is a configuration error, said at start-up rather than per session.
  if (!factory) throw new Error(`PRACTICE_LLM: ${llm.provider} is not a chat provider (one of ${Object.keys(chatCatalog).join(", ")})`);
  const options = { [llm.provider]: llm.model ? { model: llm.model } : {} };

  return async (practice) => {
    const { persona, scenario } = practice;
    const offline = (reason: string): Brain => {
      o.log.warn({ practiceSessionId: practice.sessionId, provider: llm.provider, reason }, "practice prospect: the offline engine plays it");
      return createProspectBrain({ persona, scenario });
    };
    const credentials = await o.credentials(practice.tenant);
    let built;
    try {
      built = factory({ credentials, options, cacheDir: o.cacheDir });
    } catch (err) {
      return offline(err instanceof Error ? err.message : String(err));
    }
    if ("missing" in built) return offline(`missing ${built.missing}`);
    // A model whose circuit is open (it failed the last calls) would only fail this session's first turn.
    if (!o.manager.health.isAvailable(built.provider.id)) return offline(`${built.provider.id} circuit open`);
    // The same wrapper agents' models run in: stall guards, failures feed the shared circuit breaker, tokens metered.
    const meter = new UsageMeter();
    const model = new FallbackChatModel([{ provider: built.provider, healthCheck: built.healthCheck }], { health: o.manager.health, meter });
    const brain: PracticeProspect = createLlmProspectBrain({ persona, scenario, model, log: o.log });
    return Object.assign(brain, { usage: () => priceUsage(meter.snapshot(), o.prices) });
  };
}
