/**
 * OrbisVoice's own answering-machine detection on the first seconds of the callee's audio (pure: PCM
 * in, decisions out; no clock but the audio's own). Two cues:
 *
 * - **Greeting length.** A person answers with a short "Hello?" and waits; a machine plays a long
 *   greeting ("Hi, you've reached …, please leave a message after the tone"). Speech is found by
 *   frame energy against an adaptive noise floor; pauses shorter than `wordGapMs` join words into one
 *   utterance.
 * - **Beep.** A sustained pure tone (Goertzel bins 400–2000 Hz, ~1 kHz typical): one bin holding most
 *   of the frame's energy, at a steady frequency, for `beepMinMs`.
 *
 * `push` takes 20 ms frames (8 or 16 kHz; 16 kHz is averaged down to 8 kHz first, which also drops the
 * gateway's 4–8 kHz band fill) and returns at most one event per frame: the decision (`human`,
 * `machine`, `unknown`) within `maxDecisionMs`, then — for a machine — the cue to leave a voicemail
 * (the beep ended, the greeting ended in silence, or the wait ran out).
 */

export type AmdResult = "human" | "machine" | "unknown";

export interface AmdDecision {
  kind: "decision";
  result: AmdResult;
  /** What decided: `short_greeting`, `long_greeting`, `beep`, `silence`, `timeout`, `carrier`. */
  reason: string;
  /** Audio time from the first frame to the decision. */
  decisionMs: number;
}

export interface VoicemailCue {
  kind: "leave_message";
  /** `beep`: the tone ended; `silence`: the greeting ended without one; `timeout`: waited `maxBeepWaitMs`. */
  cue: "beep" | "silence" | "timeout";
  atMs: number;
}

export type AmdEvent = AmdDecision | VoicemailCue;

export interface AmdOptions {
  /** Input sample rate: 8000 (carrier μ-law decoded) or 16000 (the gateway's pipeline rate). */
  sampleRate?: number;
  /** The decision is made by then at the latest (audio time). */
  maxDecisionMs?: number;
  /** A first utterance no longer than this, followed by `humanSilenceMs` of quiet, is a person. */
  maxHumanGreetingMs?: number;
  humanSilenceMs?: number;
  /** Speech going on this long (from its first word, pauses shorter than `wordGapMs` included) is a machine. */
  machineGreetingMs?: number;
  /** Pauses shorter than this are between words of one utterance. */
  wordGapMs?: number;
  /** Frames whose RMS (full scale 1) is below this are never speech. */
  minSpeechRms?: number;
  beepMinMs?: number;
  /** Share of a frame's energy in one Goertzel bin for the frame to be tone. */
  beepPurity?: number;
  /** After a machine decision, how long to wait for the beep or the greeting's end. */
  maxBeepWaitMs?: number;
  /** After a machine's greeting, this much silence (no beep) means it is recording. */
  greetingEndSilenceMs?: number;
}

const FRAME_MS = 20;
const RATE = 8000;
const FRAME = (RATE * FRAME_MS) / 1000;
/** Goertzel bins 400–2000 Hz every 25 Hz: within 12.5 Hz of any tone, ≥ 80 % of its power on a 160-sample frame. */
const BEEP_FREQS = Array.from({ length: 65 }, (_, i) => 400 + i * 25);
const COEFFS = BEEP_FREQS.map((f) => 2 * Math.cos((2 * Math.PI * f) / RATE));

const DEFAULTS: Required<AmdOptions> = {
  sampleRate: RATE,
  maxDecisionMs: 4000,
  maxHumanGreetingMs: 1500,
  humanSilenceMs: 700,
  machineGreetingMs: 2000,
  wordGapMs: 400,
  minSpeechRms: 0.02,
  beepMinMs: 200,
  beepPurity: 0.6,
  maxBeepWaitMs: 25_000,
  greetingEndSilenceMs: 1500,
};

/** Power of one frequency over a frame, scaled so a pure on-bin tone gives its mean square (A²/2). */
function goertzelPower(x: Float64Array, coeff: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (x.length * x.length);
}

/** The strongest 400–2000 Hz bin of a frame and its share of the frame's energy. */
export function dominantTone(frame: Float64Array): { freq: number; purity: number } {
  let meanSquare = 0;
  for (let i = 0; i < frame.length; i++) meanSquare += frame[i]! * frame[i]!;
  meanSquare /= frame.length;
  if (meanSquare <= 0) return { freq: 0, purity: 0 };
  let best = 0;
  let bestPower = 0;
  for (let k = 0; k < COEFFS.length; k++) {
    const p = goertzelPower(frame, COEFFS[k]!);
    if (p > bestPower) {
      bestPower = p;
      best = k;
    }
  }
  return { freq: BEEP_FREQS[best]!, purity: Math.min(1, bestPower / meanSquare) };
}

export class AnsweringMachineDetector {
  private readonly o: Required<AmdOptions>;
  private readonly buffer = new Float64Array(FRAME);
  private filled = 0;
  private t = 0;
  /** Starts low: the first frames (often the line's own quiet) set it. */
  private noiseFloor = 0.005;
  private speechStartMs: number | undefined;
  private lastSpeechMs: number | undefined;
  private toneFrames = 0;
  private toneFreq = 0;
  private beepHeard = false;
  private decided: AmdDecision | undefined;
  private cued = false;

  constructor(options: AmdOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    if (this.o.sampleRate !== 8000 && this.o.sampleRate !== 16000) throw new Error("AnsweringMachineDetector takes 8 or 16 kHz audio");
  }

  get decision(): AmdDecision | undefined {
    return this.decided;
  }

  /** Audio time seen so far. */
  get elapsedMs(): number {
    return this.t;
  }

  /**
   * A decision from elsewhere (the carrier's own detection) that wins if none was made yet: the
   * detector goes on listening for the voicemail cue after a machine.
   */
  decide(result: AmdResult, reason: string): AmdDecision | undefined {
    if (this.decided) return undefined;
    this.decided = { kind: "decision", result, reason, decisionMs: this.t };
    return this.decided;
  }

  /** Any number of samples; events for whole 20 ms frames (the first one that happened, at most one per call). */
  push(pcm: Int16Array): AmdEvent | undefined {
    const step = this.o.sampleRate === 16000 ? 2 : 1;
    let event: AmdEvent | undefined;
    for (let i = 0; i + step - 1 < pcm.length; i += step) {
      this.buffer[this.filled++] = step === 2 ? (pcm[i]! + pcm[i + 1]!) / 65536 : pcm[i]! / 32768;
      if (this.filled === FRAME) {
        this.filled = 0;
        event ??= this.frame(this.buffer);
      }
    }
    return event;
  }

  private frame(x: Float64Array): AmdEvent | undefined {
    this.t += FRAME_MS;
    let ms = 0;
    for (let i = 0; i < x.length; i++) ms += x[i]! * x[i]!;
    const rms = Math.sqrt(ms / x.length);
    // The floor follows the quietest frames fast and louder ones slowly (a rising line noise is learnt, speech is not).
    this.noiseFloor = rms < this.noiseFloor ? Math.max(rms, 1e-4) : this.noiseFloor + (rms - this.noiseFloor) * 0.002;
    const loud = rms >= Math.max(this.o.minSpeechRms, this.noiseFloor * 4);
    const tone = loud ? dominantTone(x) : { freq: 0, purity: 0 };
    const isTone = tone.purity >= this.o.beepPurity;
    if (isTone && this.toneFrames > 0 && Math.abs(tone.freq - this.toneFreq) <= 50) this.toneFrames++;
    else this.toneFrames = isTone ? 1 : 0;
    if (isTone) this.toneFreq = tone.freq;
    const beepNow = this.toneFrames * FRAME_MS >= this.o.beepMinMs;
    const beepEnded = this.beepHeard && !isTone;
    if (beepNow) this.beepHeard = true;
    if (loud && !isTone) {
      this.speechStartMs ??= this.t - FRAME_MS;
      this.lastSpeechMs = this.t;
    }
    if (!this.decided) {
      const d = this.decideOnFrame(beepNow);
      if (d) return (this.decided = d);
      return undefined;
    }
    if (this.decided.result !== "machine" || this.cued) return undefined;
    // A machine: leave the message once the beep has ended, or the greeting has ended in silence.
    if (beepEnded) return this.cue("beep");
    const quietFor = this.t - (this.lastSpeechMs ?? 0);
    if (!this.beepHeard && !loud && quietFor >= this.o.greetingEndSilenceMs) return this.cue("silence");
    if (this.t >= this.o.maxBeepWaitMs) return this.cue("timeout");
    return undefined;
  }

  private cue(cue: VoicemailCue["cue"]): VoicemailCue {
    this.cued = true;
    return { kind: "leave_message", cue, atMs: this.t };
  }

  private decideOnFrame(beepNow: boolean): AmdDecision | undefined {
    const at = (result: AmdResult, reason: string): AmdDecision => ({ kind: "decision", result, reason, decisionMs: this.t });
    const o = this.o;
    if (beepNow) return at("machine", "beep");
    const start = this.speechStartMs;
    const last = this.lastSpeechMs;
    if (start === undefined || last === undefined) return this.t >= o.maxDecisionMs ? at("unknown", "silence") : undefined;
    const quietFor = this.t - last;
    const utteranceMs = last - start;
    // Pauses between words are part of the greeting; a longer one ends the first utterance.
    if (quietFor < o.wordGapMs && this.t - start >= o.machineGreetingMs) return at("machine", "long_greeting");
    if (quietFor >= o.humanSilenceMs && utteranceMs <= o.maxHumanGreetingMs) return at("human", "short_greeting");
    if (this.t >= o.maxDecisionMs) {
      if (utteranceMs > o.maxHumanGreetingMs || quietFor < o.wordGapMs) return at("machine", "timeout");
      return at("unknown", "timeout");
    }
    return undefined;
  }
}
