/**
 * Provider layer figures with zero-think-time loopback emulators (Deepgram listen/speak, OpenAI
 * chat-completions SSE, ElevenLabs stream-input), through the real voice processors.
 * Run: npx tsx bench/providers/providers.bench.ts [turns]
 */
import { createGeminiLive, createOpenAiRealtime, speechAvailability } from "@orbis/providers";
import type { RealtimeEvent, RealtimeProvider } from "@orbis/ports";
import { createResampler } from "@orbis/voice";
import { startGeminiLiveEmulator } from "../../packages/providers/test/emulators/gemini-live-emulator.ts";
import { startOpenAiRealtimeEmulator } from "../../packages/providers/test/emulators/openai-realtime-emulator.ts";
import { startCascade } from "../../packages/providers/test/emulators/cascade.ts";
import type { TurnResult } from "../../packages/providers/test/emulators/cascade.ts";
import { RECEPTIONIST_SPEC, speak } from "../../packages/providers/test/fixtures.ts";

const TURNS = Number(process.argv[2] ?? 30);
const LINE = "i would like to book a cleaning next tuesday";
const REPLY = { text: ["Sure, I can book a cleaning. ", "What time works for you?"] };

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (xs: number[]): string =>
  `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

const audio = await speak("I would like to book a cleaning next Tuesday");

async function firstAudio(direct: boolean): Promise<number[]> {
  const cascade = await startCascade({ transcript: LINE, reply: REPLY, direct });
  const out: number[] = [];
  for (let i = 0; i < TURNS + 3; i++) {
    const t: TurnResult = await cascade.turn(audio);
    if (t.transcript !== LINE || !(t.audioSeconds > 0)) throw new Error(`turn ${i} lost: ${JSON.stringify(t)}`);
    if (i >= 3) out.push(t.firstAudioMs);
    cascade.call.takeRecords();
  }
  await cascade.close();
  return out;
}

// Interleave so background load on the shared cores hits both variants alike.
const direct: number[] = [];
const wrapped: number[] = [];
for (let round = 0; round < 3; round++) {
  direct.push(...(await firstAudio(true)));
  wrapped.push(...(await firstAudio(false)));
}
console.log(`first audio after end of speech, cascaded Deepgram → OpenAI → ElevenLabs (emulated, zero think time):`);
console.log(`  vendor providers directly:          ${fmt(direct)}`);
console.log(`  through the manager's fallback wrappers: ${fmt(wrapped)}`);
console.log(`  wrapper overhead (p50 difference): ${(pct(wrapped, 50) - pct(direct, 50)).toFixed(1)} ms`);

// Fallback: each vendor dies mid-turn; switchMs = failure noticed → replacement's first output.
const switches: Record<string, number[]> = { stt: [], llm: [], tts: [] };
const failoverFirstAudio: number[] = [];
const runs = Math.max(5, Math.floor(TURNS / 3));
for (let i = 0; i < runs; i++) {
  const cascade = await startCascade({
    transcript: LINE,
    reply: REPLY,
    deepgram: { dieAfterFrames: 30 },
    openai: { text: ["Sure, ", "I can book a cleaning. ", "What time works for you?"], dieAfter: 1 },
    elevenlabs: { dieAfterChunks: 2 },
    phraseSpec: RECEPTIONIST_SPEC,
  });
  const t = await cascade.turn(audio);
  if (!(t.audioSeconds > 0)) throw new Error("failover turn lost");
  failoverFirstAudio.push(t.firstAudioMs);
  for (const r of cascade.call.takeRecords()) if (r.switchMs !== undefined) switches[r.capability]?.push(r.switchMs);
  await cascade.close();
}
console.log(`fallback (each vendor dies mid-turn; switch = failure noticed → replacement's first output):`);
console.log(
  `  STT Deepgram → offline pocketsphinx (replays the utterance, decodes it): ${speechAvailability().stt ? fmt(switches.stt ?? []) : "skipped (no libpocketsphinx)"}`,
);
console.log(`  LLM OpenAI → Groq (emulated), to first chunk:      ${fmt(switches.llm ?? [])}`);
console.log(`  TTS ElevenLabs → Deepgram Aura (emulated), to first audio: ${fmt(switches.tts ?? [])}`);
console.log(`  first audio after end of speech in a turn where all three fail over: ${fmt(failoverFirstAudio)}`);
// Realtime (server VAD 500 ms): the clock starts when the frame completing the silence window is
// sent, i.e. when the server's VAD ends the turn, and stops at the first audio event.
async function realtimeFirstAudio(provider: RealtimeProvider, rate: number): Promise<number[]> {
  const session = await provider.connect({ instructions: "x" }, new AbortController().signal);
  const events = session.events()[Symbol.asyncIterator]();
  const until = async (pred: (e: RealtimeEvent) => boolean): Promise<void> => {
    for (;;) {
      const r = await events.next();
      if (r.done) throw new Error("session ended");
      if (pred(r.value)) return;
    }
  };
  const resampler = await createResampler({ inRate: 16000, outRate: rate });
  const speech = rate === 16000 ? audio : resampler.process(audio);
  resampler.free();
  const frame = (rate * 20) / 1000;
  const silence = new Int16Array(frame);
  const out: number[] = [];
  for (let i = 0; i < TURNS + 3; i++) {
    for (let k = 0; k + frame <= speech.length; k += frame) session.sendAudio(speech.subarray(k, k + frame));
    for (let ms = 0; ms < 480; ms += 20) session.sendAudio(silence);
    const t0 = performance.now();
    session.sendAudio(silence);
    await until((e) => e.type === "audio");
    if (i >= 3) out.push(performance.now() - t0);
    await until((e) => e.type === "transcript" && e.role === "agent" && e.final);
  }
  session.close();
  return out;
}
{
  const turns = [{ heard: LINE, reply: "Sure, what time works for you?" }];
  const gemini = await startGeminiLiveEmulator({ turns });
  const g = await realtimeFirstAudio(createGeminiLive({ apiKey: "gm-test", baseUrl: gemini.baseUrl, silenceDurationMs: 500 }), 16000);
  await gemini.close();
  const openai = await startOpenAiRealtimeEmulator({ turns });
  const o = await realtimeFirstAudio(createOpenAiRealtime({ apiKey: "sk-rt", baseURL: openai.baseURL, ca: openai.ca, silenceDurationMs: 500 }), 24000);
  await openai.close();
  console.log(`realtime, server-VAD end of turn → first audio (emulated):`);
  console.log(`  Gemini Live via @google/genai ai.live.connect: ${fmt(g)}`);
  console.log(`  OpenAI Realtime via OpenAIRealtimeWS (TLS):    ${fmt(o)}`);
}
process.exit(0);
