import type { AgentSetupFactory } from "@orbis/agent-runtime";
import { cloudVoiceFields, effectiveFeatures, type BillingDeps } from "@orbis/billing";
import type { ChatModel, SttProvider, TtsProvider, Vad } from "@orbis/ports";
import { createLlmBrain, createRealtimeAgent } from "@orbis/brain";
import { OFFLINE_SPEECH_IDS, type AgentConfig } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { FALLBACK_PHRASES, UsageSlicer, type PriceTable, type PricedUsage, type ProviderManager, type UsageSlice } from "@orbis/providers";
import { realtimePipeline } from "./realtime-pipeline.ts";
import {
  BrainProcessor,
  FrameProcessor,
  LatencyProcessor,
  Pipeline,
  SttProcessor,
  TtsProcessor,
  TurnTakerProcessor,
  VadProcessor,
  WatchdogProcessor,
  type Brain,
  type BrainSession,
  type CallContext,
  type Direction,
  type Frame,
  type PipelineSinks,
} from "@orbis/voice";

/** Speech engines for a call; the offline stack by default, cloud providers plug in here. */
export interface SpeechStack {
  /** False when no recogniser can run here: calls are text-only (typed input), said loudly at start-up. */
  readonly canListen: boolean;
  vad(): Promise<Vad>;
  /** `narrowband`: the call's audio comes from a phone line (8 kHz). */
  stt(brain: Brain, agentId: string, options?: { narrowband?: boolean }): SttProvider;
  tts(voice: string): TtsProvider;
}

interface PipelineInput {
  agentId: string;
  agent: AgentConfig;
  brain: Brain;
  session: BrainSession;
  sinks: PipelineSinks;
  /** The call's workspace (its stored provider keys) and identity; absent in tests that build pipelines alone. */
  tenant?: TenantScope;
  call?: CallContext;
  log?: { warn(obj: object, msg?: string): void };
}

/** A pipeline plus what the call session needs to know about the providers behind it. */
export interface CallPipeline {
  pipeline: Pipeline;
  /** Replaces the session the call started with (an LLM brain built around this call's model). */
  session?: BrainSession;
  kind?: "offline" | "cascaded" | "realtime";
  /** Call events worth keeping (pipeline chosen, providers skipped, realtime fallback). */
  notes?: { kind: string; detail?: unknown }[];
  /** Per turn: who served, usage and cost since the previous turn. */
  takeUsage?(options: { sttToNextTurn: boolean }): UsageSlice;
  /** At hang-up: the call's totals. */
  totalUsage?(): { usage: PricedUsage; costUsd: number };
  /** The agent's chat model (agents with an LLM): it writes the call's summary at hang-up, before `close`. */
  summaryModel?: ChatModel;
  close?(): void;
}

export type PipelineFactory = (input: PipelineInput) => Promise<Pipeline | CallPipeline>;

/** The processors of the cascade (docs/architecture.md): vad → turn-taker → stt → brain → watchdog → tts → latency. */
async function cascade(p: {
  vad?: () => Promise<Vad>;
  stt?: SttProvider;
  tts: TtsProvider;
  agent: AgentConfig;
  session: BrainSession;
  sinks: PipelineSinks;
}): Promise<Pipeline> {
  const listening =
    p.vad && p.stt
      ? [
          new VadProcessor({ vad: await p.vad() }),
          new TurnTakerProcessor({
            settings: p.agent.turnTaking,
            expecting: () => p.session.expecting(),
            completes: (text) => p.session.isCompleteUtterance?.(text) ?? false,
            offEntity: (text) => p.session.isOffEntity?.(text) ?? false,
          }),
          new SttProcessor({ provider: p.stt, expecting: () => p.session.expecting() }),
        ]
      : [];
  return new Pipeline(
    [
      ...listening,
      new BrainProcessor({ session: p.session }),
      new WatchdogProcessor({ timeoutMs: 8000 }),
      new TtsProcessor({ provider: p.tts }),
      new LatencyProcessor(),
    ],
    p.sinks,
  );
}

/** The cascaded pipeline on one speech stack (the offline one by default). */
export function cascadedPipeline(speech: SpeechStack): PipelineFactory {
  return async ({ agentId, agent, brain, session, sinks, call }) =>
    cascade({
      ...(speech.canListen ? { vad: () => speech.vad(), stt: speech.stt(brain, agentId, { narrowband: isPhone(call) }) } : {}),
      tts: speech.tts(agent.voice),
      agent,
      session,
      sinks,
    });
}

/** Phone calls reach the recogniser as 8 kHz audio carried to 16 kHz. */
const isPhone = (call: CallContext | undefined): boolean => call?.channel === "twilio" || call?.channel === "telnyx";

const OFFLINE_IDS: ReadonlySet<string> = new Set(OFFLINE_SPEECH_IDS);

/** Whether an agent's provider config names anything beyond the offline engines. */
export function usesCloudProviders(p: AgentConfig["providers"]): boolean {
  return p.realtime !== null || p.llm.length > 0 || [...p.stt, ...p.tts].some((id) => !OFFLINE_IDS.has(id));
}

export interface ProviderPipelineOptions {
  /** The offline stack: the default for agents naming no cloud provider, and VAD for every call. */
  speech: SpeechStack;
  /** One per process: its circuit breakers are shared by every call. */
  manager: ProviderManager;
  /** The workspace's keys, platform keys as fallback (`credentialResolver`). */
  credentials: (tenant: TenantScope) => Promise<(vendor: string) => { apiKey: string; baseUrl?: string } | undefined>;
  /** Business, calendar, tools: what the LLM brain and realtime models are built from. */
  setups: AgentSetupFactory;
  prices: PriceTable;
  /** Offline STT language models (the fallback of every cloud STT chain). */
  cacheDir: string;
  /**
   * Plans (the composition root's billing): an agent naming cloud voices in a workspace whose plan no
   * longer has `cloud_voices` runs on the offline engines. Absent (pipelines built alone), no check.
   */
  billing?: BillingDeps;
}

/**
 * The agent's providers for this call: unchanged, or with the offline engines for STT and TTS (and no
 * realtime model) when it names a cloud voice and the workspace's features (`effectiveFeatures`, as the
 * api reads them) have no `cloud_voices` (a plan downgraded after the agent was published). Logged once
 * for the call and noted on it. The language model is not a voice and stays. A workspace whose features
 * cannot be read keeps its voices (billing never fails a call).
 */
async function speechAllowed(o: ProviderPipelineOptions, input: PipelineInput, tenant: TenantScope, notes: NonNullable<CallPipeline["notes"]>) {
  const p = input.agent.providers;
  const cloud = cloudVoiceFields(p);
  if (!o.billing || cloud.length === 0) return p;
  try {
    if ((await effectiveFeatures(tenant, o.billing)).cloud_voices) return p;
  } catch (err) {
    input.log?.warn(
      { callId: input.call?.callId, err: err instanceof Error ? err.message : String(err) },
      "features unreadable: the call keeps its cloud voices",
    );
    return p;
  }
  const detail = { cloud: Object.fromEntries(cloud.map((f) => [f.field, f.providers])) };
  notes.push({ kind: "cloud_voices_unavailable", detail });
  input.log?.warn(
    { callId: input.call?.callId, workspaceId: tenant.workspaceId, ...detail },
    "cloud voices are not in the workspace's plan: the call runs on the offline engines",
  );
  return { ...p, stt: ["offline"], tts: ["offline"], realtime: null };
}

/**
 * Builds each call's stack from `agent.providers` through the ProviderManager: a realtime model when
 * one is named and its circuit is closed (else the cascade, noted on the call); otherwise STT/TTS
 * fallback chains, and the LLM brain when the agent lists models (`providers.llm`) and one could be
 * built. Agents naming no cloud provider keep the offline stack unchanged.
 */
export function providerPipeline(o: ProviderPipelineOptions): PipelineFactory {
  const offline = cascadedPipeline(o.speech);
  return async (input) => {
    const { tenant, call } = input;
    if (!tenant || !call || !usesCloudProviders(input.agent.providers)) return offline(input);
    const notes: NonNullable<CallPipeline["notes"]> = [];
    const p = await speechAllowed(o, input, tenant, notes);
    const agent = p === input.agent.providers ? input.agent : { ...input.agent, providers: p };
    if (!usesCloudProviders(p)) {
      const built = await offline({ ...input, agent });
      return built instanceof Pipeline ? { pipeline: built, kind: "offline", notes } : { ...built, notes: [...notes, ...(built.notes ?? [])] };
    }
    const credentials = await o.credentials(tenant);
    const build = { credentials, cacheDir: o.cacheDir, voice: agent.voice, language: agent.language, narrowband: isPhone(call) };

    if (p.realtime) {
      const rt = o.manager.createRealtime(p.realtime, { ...build, options: p.options });
      if (rt.provider) {
        try {
          const setup = await o.setups(tenant.workspaceId, input.agentId, agent);
          return await realtimePipeline({
            provider: rt.provider,
            providerKey: p.realtime,
            health: o.manager.health,
            agent: createRealtimeAgent(setup),
            call,
            vad: await o.speech.vad(),
            sinks: input.sinks,
            prices: o.prices,
            log: input.log ?? console,
          });
        } catch (err) {
          o.manager.health.recordFailure(p.realtime, err);
          notes.push({ kind: "realtime_unavailable", detail: { provider: p.realtime, reason: err instanceof Error ? err.message : String(err) } });
        }
      } else notes.push({ kind: "realtime_unavailable", detail: { provider: p.realtime, reason: rt.reason } });
      input.log?.warn({ callId: call.callId, ...notes[0] }, "realtime provider unavailable: the call runs on the cascaded pipeline");
    }

    const providers = o.manager.createCallProviders(p, { ...build, phraseSpec: input.brain.phraseSpec?.() ?? FALLBACK_PHRASES });
    if (providers.skipped.length) {
      notes.push({ kind: "providers_skipped", detail: providers.skipped });
      input.log?.warn({ callId: call.callId, skipped: providers.skipped }, "configured providers skipped");
    }
    let session: BrainSession | undefined;
    if (providers.llm) {
      const setup = await o.setups(tenant.workspaceId, input.agentId, agent);
      session = createLlmBrain({ ...setup, model: providers.llm }).startSession(call);
    }
    const cloudStt = p.stt.some((id) => !OFFLINE_IDS.has(id));
    const listens = o.speech.canListen || cloudStt;
    const pipeline = await cascade({
      ...(listens ? { vad: () => o.speech.vad(), stt: providers.stt } : {}),
      tts: providers.tts,
      agent,
      session: session ?? input.session,
      sinks: input.sinks,
    });
    notes.push({ kind: "pipeline", detail: { kind: "cascaded", brain: session ? `llm:${providers.llm!.id}` : input.brain.id } });
    const slicer = new UsageSlicer(providers, o.prices);
    return {
      pipeline,
      kind: "cascaded",
      ...(session ? { session } : {}),
      ...(providers.llm ? { summaryModel: providers.llm } : {}),
      notes,
      takeUsage: (opts) => slicer.take(opts),
      totalUsage: () => slicer.total(),
      close: () => providers.close(),
    };
  };
}

/** Sends caller audio straight back: transport capacity benchmarks measure the gateway alone. */
class EchoProcessor extends FrameProcessor {
  constructor() {
    super("echo");
  }
  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === "audio-in") {
      this.emit({ type: "audio-out", lane: "data", pcm: frame.pcm, sampleRate: frame.sampleRate, turn: 0, text: "" });
      return;
    }
    this.emit(frame, direction);
  }
}

export const echoPipeline: PipelineFactory = async ({ sinks }) => new Pipeline([new EchoProcessor()], sinks);
