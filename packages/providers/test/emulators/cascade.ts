import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedWallClock, type SttProvider, type TtsProvider, type ChatModel } from "@orbis/ports";
import { InMemoryCalendar, InMemoryMessageSink, buildPhraseSpec, createLlmBrain, getBusinessTemplate } from "@orbis/brain";
import { BrainProcessor, Pipeline, SttProcessor, TtsProcessor, frames } from "@orbis/voice";
import type { Frame, PhraseSpec } from "@orbis/voice";
import { createDeepgramStt } from "../../src/deepgram/deepgram-stt.ts";
import { createElevenLabsTts } from "../../src/elevenlabs/elevenlabs-tts.ts";
import { createOpenAiChatModel } from "../../src/openai/openai-chat.ts";
import { ProviderManager } from "../../src/manager/manager.ts";
import type { CallProviders, ProviderManagerOptions } from "../../src/manager/manager.ts";
import { startDeepgramEmulator } from "./deepgram-emulator.ts";
import type { DeepgramEmulatorOptions } from "./deepgram-emulator.ts";
import { startElevenLabsEmulator } from "./elevenlabs-emulator.ts";
import type { ElevenLabsEmulatorOptions } from "./elevenlabs-emulator.ts";
import { startOpenAiChatEmulator } from "./openai-chat-emulator.ts";
import type { ChatReply } from "./openai-chat-emulator.ts";

export interface CascadeOptions {
  transcript: string;
  reply: ChatReply;
  deepgram?: DeepgramEmulatorOptions;
  elevenlabs?: ElevenLabsEmulatorOptions;
  /** What the primary LLM (openai) does; the secondary (groq, emulated) always answers `reply`. */
  openai?: ChatReply;
  manager?: ProviderManagerOptions;
  /** Offline STT's phrases (the last resort after Deepgram). */
  phraseSpec?: PhraseSpec;
  /** Use the vendor providers directly, without the manager's wrappers (the baseline for overhead figures). */
  direct?: boolean;
}

export interface TurnResult {
  /** user-turn-end pushed → first audio-out frame, ms. */
  firstAudioMs: number;
  transcript: string;
  texts: string[];
  audioSeconds: number;
}

export interface Cascade {
  call: CallProviders;
  /** Pushes one caller turn (audio in 20 ms frames, then user-turn-end) and waits for the reply. */
  turn(audio: Int16Array): Promise<TurnResult>;
  close(): Promise<void>;
}

/**
 * The cascaded cloud stack of the receptionist product — Deepgram STT → OpenAI (→ Groq) LLM brain →
 * ElevenLabs (→ Deepgram Aura) TTS, offline engines last — built by the ProviderManager against
 * zero-think-time loopback emulators and run through the real voice processors.
 */
export async function startCascade(options: CascadeOptions): Promise<Cascade> {
  const dg = await startDeepgramEmulator({ transcripts: () => options.transcript, ...options.deepgram });
  const el = await startElevenLabsEmulator(options.elevenlabs);
  const oai = await startOpenAiChatEmulator(() => options.openai ?? options.reply);
  const groq = await startOpenAiChatEmulator(() => options.reply);
  const manager = new ProviderManager(options.manager);
  const template = getBusinessTemplate("dental");
  const keys: Record<string, { apiKey: string; baseUrl: string }> = {
    deepgram: { apiKey: "dg-test", baseUrl: dg.wsUrl },
    elevenlabs: { apiKey: "el-test", baseUrl: el.wsUrl },
    openai: { apiKey: "sk-test", baseUrl: oai.baseURL },
    groq: { apiKey: "gsk-test", baseUrl: groq.baseURL },
  };
  const call = manager.createCallProviders(
    { stt: ["deepgram"], tts: ["elevenlabs", "deepgram-aura"], llm: ["openai", "groq"], options: { elevenlabs: { voiceId: "rachel" } } },
    {
      credentials: (v) => keys[v],
      cacheDir: mkdtempSync(join(tmpdir(), "orbis-cascade-lm-")),
      phraseSpec: options.phraseSpec ?? buildPhraseSpec(template.business),
    },
  );
  if (!call.llm) throw new Error("no LLM chain");
  const stt: SttProvider = options.direct ? createDeepgramStt({ apiKey: "dg-test", baseUrl: dg.wsUrl }) : call.stt;
  const tts: TtsProvider = options.direct ? createElevenLabsTts({ apiKey: "el-test", voiceId: "rachel", baseUrl: el.wsUrl }) : call.tts;
  const model: ChatModel = options.direct ? createOpenAiChatModel({ apiKey: "sk-test", model: "gpt-4o-mini", baseURL: oai.baseURL }) : call.llm;
  const clock = fixedWallClock("2026-03-05T14:00:00Z");
  const brain = createLlmBrain({
    model,
    business: template.business,
    agentPrompt: template.agent.systemPrompt,
    calendar: new InMemoryCalendar(clock),
    messages: new InMemoryMessageSink(clock),
    clock,
  });
  const session = brain.startSession({ callId: "call_cascade000000000000000", workspaceId: "ws_a", agentId: "agt_cascade0000000000000", channel: "web" });
  const down: Frame[] = [];
  let onDown: ((f: Frame) => void) | null = null;
  const pipeline = new Pipeline([new SttProcessor({ provider: stt }), new BrainProcessor({ session, greet: false }), new TtsProcessor({ provider: tts })], {
    down: (f) => {
      down.push(f);
      onDown?.(f);
    },
    up: () => {},
  });
  pipeline.push(frames.start(16000, "call_cascade000000000000000"));
  await pipeline.idle();
  return {
    call,
    async turn(audio) {
      const from = down.length;
      pipeline.push(frames.userTurnStart());
      // Faster than real time, but yielding between frames so socket events (a dying vendor) interleave as they would live.
      for (let i = 0; i + 320 <= audio.length; i += 320) {
        pipeline.push(frames.audioIn(audio.subarray(i, i + 320)));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await pipeline.idle();
      let firstAudioAt = 0;
      onDown = (f) => {
        if (f.type === "audio-out" && !firstAudioAt) firstAudioAt = performance.now();
      };
      const t0 = performance.now();
      pipeline.push(frames.userTurnEnd());
      await pipeline.idle();
      onDown = null;
      const mine = down.slice(from);
      const final = mine.find((f) => f.type === "transcript" && f.final);
      return {
        firstAudioMs: firstAudioAt ? firstAudioAt - t0 : Number.NaN,
        transcript: final?.type === "transcript" ? final.text : "",
        texts: mine.flatMap((f) => (f.type === "text" ? [f.text] : [])),
        audioSeconds: mine.reduce((n, f) => n + (f.type === "audio-out" ? f.pcm.length / f.sampleRate : 0), 0),
      };
    },
    async close() {
      pipeline.push(frames.end("hangup"));
      await pipeline.idle();
      call.close();
      manager.stop();
      await Promise.all([dg.close(), el.close(), oai.close(), groq.close()]);
    },
  };
}
