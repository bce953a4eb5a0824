import { ttsProviders } from "@orbis/providers";
import { createResampler, decodeMulaw, encodeMulaw } from "@orbis/voice";

/**
 * Labelled synthetic answers for answering-machine detection: people saying a short greeting and
 * waiting, and voicemail greetings followed by a beep, spoken by the offline flite voices the caller
 * simulator uses, on an 8 kHz μ-law line (a little line noise, a ring-to-answer gap).
 */
export type AmdLabel = "human" | "machine";
export interface AmdSample {
  label: AmdLabel;
  voice: string;
  text: string;
  /** 8 kHz PCM16 as it comes off a μ-law line. */
  pcm: Int16Array;
  beepHz?: number;
}

export const AMD_VOICES = ["slt", "kal16", "rms", "awb", "kal"] as const;

export const HUMAN_GREETINGS = [
  "Hello?",
  "Hello.",
  "Hi.",
  "Yeah, hello?",
  "Hello, who is this?",
  "Good morning.",
  "Speaking.",
  "Hi, this is Mark.",
  "Yes?",
  "Hello, Sarah speaking.",
];

export const MACHINE_GREETINGS = [
  "Hi, you've reached Sarah. I can't come to the phone right now, please leave a message after the tone.",
  "The person you are calling is not available. Please leave your message after the tone.",
  "Hello, this is Mark. Sorry I missed your call. Leave your name and number and I will call you back.",
  "You have reached the voicemail of five five five, zero one two three. Please record your message.",
  "Thanks for calling Riverside Plumbing. Our office is closed. Please leave a message.",
  "Hey, it's Jen. Leave a message!",
];

const BEEPS = [1000, 850, 1400, 950];

async function speech8k(text: string, voice: string): Promise<Int16Array> {
  const tts = ttsProviders.flite({ voice });
  const chunks: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) chunks.push(c);
  tts.close?.();
  const joined = concat(chunks);
  if (tts.sampleRate === 8000) return joined;
  const resampler = await createResampler({ inRate: tts.sampleRate, outRate: 8000 });
  const out = resampler.process(joined);
  resampler.free();
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const silence = (ms: number) => new Int16Array((ms * 8000) / 1000);

/** A pure tone with 10 ms ramps, as voicemail systems play it. */
export function beep(hz: number, ms: number, amplitude = 0.35): Int16Array {
  const n = (ms * 8000) / 1000;
  const ramp = 80;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / ramp, (n - 1 - i) / ramp);
    out[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / 8000) * amplitude * env * 32767);
  }
  return out;
}

/** A deterministic pseudo-random stream (sample sets are the same on every run). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Line noise (about −55 dBFS) and the μ-law round trip of a phone line. */
export function onPhoneLine(pcm: Int16Array, seed = 1): Int16Array {
  const r = rng(seed);
  const noisy = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) noisy[i] = Math.max(-32768, Math.min(32767, pcm[i]! + Math.round((r() - 0.5) * 120)));
  const out = new Int16Array(pcm.length);
  for (let i = 0; i + 160 <= pcm.length; i += 160) out.set(decodeMulaw(encodeMulaw(noisy.subarray(i, i + 160))), i);
  return out;
}

/** A person: picks up, says the greeting, waits in silence for the caller. */
export async function humanSample(text: string, voice: string, seed = 1): Promise<AmdSample> {
  const r = rng(seed);
  const pcm = concat([silence(100 + Math.round(r() * 5) * 100), await speech8k(text, voice), silence(4000)]);
  return { label: "human", voice, text, pcm: onPhoneLine(pcm, seed) };
}

/** A voicemail: the greeting, a short pause, the beep, then the recording's silence. */
export async function machineSample(text: string, voice: string, seed = 1, beepHz = BEEPS[seed % BEEPS.length]!): Promise<AmdSample> {
  const r = rng(seed);
  const pcm = concat([
    silence(100 + Math.round(r() * 4) * 100),
    await speech8k(text, voice),
    silence(300 + Math.round(r() * 4) * 100),
    beep(beepHz, 500),
    silence(3000),
  ]);
  return { label: "machine", voice, text, pcm: onPhoneLine(pcm, seed), beepHz };
}

/** The whole labelled set: every greeting in every voice. */
export async function amdSampleSet(): Promise<AmdSample[]> {
  const out: AmdSample[] = [];
  let seed = 1;
  for (const voice of AMD_VOICES) {
    for (const text of HUMAN_GREETINGS) out.push(await humanSample(text, voice, seed++));
    for (const text of MACHINE_GREETINGS) out.push(await machineSample(text, voice, seed++));
  }
  return out;
}
