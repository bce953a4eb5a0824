import type { ChatModel, RealtimeProvider, SttProvider, TtsProvider } from "@orbis/ports";
import { PROVIDER_DESCRIPTIONS, chatCatalog, realtimeCatalog, sttCatalog, ttsCatalog } from "./catalog.ts";
import type { Factory, ProviderDescription } from "./catalog.ts";
import type { BuildContext } from "../definition.ts";
import { FallbackChatModel } from "./fallback-chat.ts";
import { FallbackStt } from "./fallback-stt.ts";
import type { ChainEntry } from "./fallback-stt.ts";
import { FallbackTts } from "./fallback-tts.ts";
import { ProviderHealth } from "./health.ts";
import type { ProviderHealthOptions, ProviderHealthStatus } from "./health.ts";
import { ServedLog } from "./records.ts";
import type { ServedRecord } from "./records.ts";
import { UsageMeter, costOf } from "./usage.ts";
import type { PriceTable, UsageByProvider } from "./usage.ts";

/** `agent.providers` from `@orbis/contracts` (only the fields the chains need). */
export interface AgentProviderSpec {
  stt: readonly string[];
  tts: readonly string[];
  llm: readonly string[];
  options: Record<string, unknown>;
}

export interface ProviderManagerOptions extends ProviderHealthOptions {
  prices?: PriceTable;
  /** Interval of background health checks of open circuits (0 = only on demand). */
  backgroundCheckMs?: number;
  /** Stall guards, passed to the wrappers. */
  sttFinalTimeoutMs?: number;
  ttsFirstAudioTimeoutMs?: number;
  ttsChunkTimeoutMs?: number;
  llmFirstChunkTimeoutMs?: number;
  llmChunkTimeoutMs?: number;
  /** The offline engines are appended to STT/TTS chains that lack them, so a call always has a last resort. */
  offlineLastResort?: boolean;
}

/** What one call gets: wrappers that implement the voice/brain ports, one usage meter and one served log. */
export interface CallProviders {
  stt: FallbackStt;
  tts: FallbackTts;
  /** Null when the agent has no LLM chain (the deterministic receptionist brain). */
  llm: FallbackChatModel | null;
  meter: UsageMeter;
  /** Providers named in the agent config that could not be built (no key, bad options). */
  skipped: { id: string; reason: string }[];
  /** Records of every capability since the last call; store them with the turn. */
  takeRecords(): ServedRecord[];
  usage(): UsageByProvider;
  cost(): { total: number; byProvider: Record<string, number> };
  close(): void;
}

/** One per process: shared circuit breakers and price table; builds per-call fallback chains. */
export class ProviderManager {
  readonly health: ProviderHealth;

  constructor(private readonly options: ProviderManagerOptions = {}) {
    this.health = new ProviderHealth(options);
    if (options.backgroundCheckMs) this.health.startBackgroundChecks(options.backgroundCheckMs);
  }

  /** Catalogue with health, for `GET /v1/providers`. */
  describe(): (ProviderDescription & { health: ProviderHealthStatus[] })[] {
    const snapshot = this.health.snapshot();
    return PROVIDER_DESCRIPTIONS.map((d) => ({
      ...d,
      health: Object.entries(snapshot)
        .filter(([id]) => id === d.id || id.startsWith(`${d.id}:`))
        .map(([, s]) => s),
    }));
  }

  createCallProviders(spec: AgentProviderSpec, ctx: Omit<BuildContext, "options">): CallProviders {
    const build: BuildContext = { ...ctx, options: spec.options };
    const skipped: { id: string; reason: string }[] = [];
    const meter = new UsageMeter();
    const log = new ServedLog();
    const lastResort = this.options.offlineLastResort ?? true;
    const withOffline = (ids: readonly string[]): string[] =>
      lastResort && !ids.some((i) => i === "offline" || i === "pocketsphinx" || i === "flite") ? [...ids, "offline"] : [...ids];
    const chain = <P>(ids: readonly string[], catalog: Record<string, Factory<P>>): ChainEntry<P>[] => {
      const out: ChainEntry<P>[] = [];
      for (const id of ids) {
        const factory = catalog[id];
        if (!factory) {
          skipped.push({ id, reason: "unknown provider" });
          continue;
        }
        try {
          const built = factory(build);
          if ("missing" in built) skipped.push({ id, reason: `missing ${built.missing}` });
          else out.push({ provider: built.provider, healthCheck: built.healthCheck });
        } catch (err) {
          skipped.push({ id, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      return out;
    };
    const stt = new FallbackStt(chain<SttProvider>(withOffline(spec.stt.length ? spec.stt : ["offline"]), sttCatalog), {
      health: this.health,
      meter,
      log,
      finalTimeoutMs: this.options.sttFinalTimeoutMs,
    });
    const tts = new FallbackTts(chain<TtsProvider>(withOffline(spec.tts.length ? spec.tts : ["offline"]), ttsCatalog), {
      health: this.health,
      meter,
      log,
      sampleRate: 16000,
      firstAudioTimeoutMs: this.options.ttsFirstAudioTimeoutMs,
      chunkTimeoutMs: this.options.ttsChunkTimeoutMs,
    });
    const llmChain = chain<ChatModel>(spec.llm, chatCatalog);
    const llm = llmChain.length
      ? new FallbackChatModel(llmChain, {
          health: this.health,
          meter,
          log,
          firstChunkTimeoutMs: this.options.llmFirstChunkTimeoutMs,
          chunkTimeoutMs: this.options.llmChunkTimeoutMs,
        })
      : null;
    const prices = this.options.prices ?? {};
    return {
      stt,
      tts,
      llm,
      meter,
      skipped,
      takeRecords: () => log.take(),
      usage: () => meter.snapshot(),
      cost: () => costOf(meter.snapshot(), prices),
      close: () => tts.close(),
    };
  }

  /**
   * The agent's speech-to-speech provider (`agent.providers.realtime`), or why there is none; the
   * caller runs the cascaded pipeline instead when it is null or its circuit is open.
   */
  createRealtime(
    id: string | null,
    ctx: Omit<BuildContext, "options"> & { options?: Record<string, unknown> },
  ): { provider: RealtimeProvider } | { provider: null; reason: string } {
    if (!id) return { provider: null, reason: "no realtime provider configured" };
    const factory = realtimeCatalog[id];
    if (!factory) return { provider: null, reason: `unknown realtime provider ${id}` };
    if (!this.health.isAvailable(id)) return { provider: null, reason: `${id} circuit open` };
    const built = factory({ ...ctx, options: ctx.options ?? {} });
    return "missing" in built ? { provider: null, reason: `missing ${built.missing}` } : { provider: built.provider };
  }

  stop(): void {
    this.health.stopBackgroundChecks();
  }
}
