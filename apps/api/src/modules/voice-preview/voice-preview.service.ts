import { AppError, type AgentConfig } from "@orbis/contracts";
import { loadAgentConfigForCall } from "@orbis/agent-runtime";
import type { TenantScope } from "@orbis/db";
import type { TtsProvider } from "@orbis/ports";
import { ttsProviders, type CredentialLookup, type ProviderManager } from "@orbis/providers";
import { found } from "../../lib/found.ts";
import type { VoicePreviewBody } from "./voice-preview.schemas.ts";
import { pcm16Wav } from "./wav.ts";

export interface VoicePreviewOptions {
  /** The process's provider manager: agents naming cloud TTS get the chain a call builds. Absent: offline flite. */
  manager?: ProviderManager;
  /** The workspace's provider keys, platform keys as fallback (what a call uses). */
  credentials: (tenant: TenantScope) => Promise<CredentialLookup>;
  cacheDir: string;
  /** Longest a synthesis may take before the preview gives up (503). */
  timeoutMs?: number;
}

const OFFLINE_TTS = new Set(["offline", "flite"]);

/** "Thanks for calling <business>." with the business's name, else the agent's. */
export function defaultPreviewText(agent: AgentConfig): string {
  const business = typeof agent.business.name === "string" && agent.business.name.trim() ? agent.business.name.trim() : agent.name;
  return `Thanks for calling ${business}. How can I help you today?`.slice(0, 300);
}

/** Speaks a sample sentence with the agent's own TTS (its draft config, as "Try this agent" does) and returns it as a WAV. */
export function createVoicePreviewService(o: VoicePreviewOptions) {
  /** The agent's TTS as a call builds it: its chain through the provider manager (offline last), or flite alone. */
  async function ttsOf(tenant: TenantScope, agent: AgentConfig, voice: string): Promise<{ tts: TtsProvider; close(): void }> {
    const chain = agent.providers.tts;
    if (!o.manager || chain.every((id) => OFFLINE_TTS.has(id))) {
      const tts = ttsProviders.flite({ voice });
      return { tts, close: () => tts.close?.() };
    }
    const providers = o.manager.createCallProviders(
      { stt: [], tts: chain, llm: [], options: agent.providers.options },
      { credentials: await o.credentials(tenant), cacheDir: o.cacheDir, voice, language: agent.language },
    );
    return { tts: providers.tts, close: () => providers.close() };
  }

  return {
    async preview(tenant: TenantScope, agentId: string, body: VoicePreviewBody): Promise<Buffer> {
      const loaded = await loadAgentConfigForCall(tenant, agentId, "draft");
      const agent = found(loaded.ok ? loaded.config : undefined, "Agent");
      const text = body.text ?? defaultPreviewText(agent);
      const { tts, close } = await ttsOf(tenant, agent, body.voice ?? agent.voice);
      const signal = AbortSignal.timeout(o.timeoutMs ?? 20_000);
      const chunks: Int16Array[] = [];
      try {
        for await (const chunk of tts.synthesize(text, signal)) chunks.push(chunk);
      } catch (err) {
        throw new AppError("unavailable", "The voice could not be synthesised; try again", { reason: err instanceof Error ? err.message : String(err) });
      } finally {
        close();
      }
      if (signal.aborted) throw new AppError("unavailable", "The voice took too long to synthesise; try a shorter text");
      const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        pcm.set(c, at);
        at += c.length;
      }
      if (pcm.length === 0) throw new AppError("unavailable", "The voice produced no audio");
      return pcm16Wav(pcm, tts.sampleRate);
    },
  };
}
export type VoicePreviewService = ReturnType<typeof createVoicePreviewService>;
