import { ttsProviders } from "@orbis/providers";
import { createResampler, decodeMulaw, encodeMulaw } from "@orbis/voice";

/** 20 ms of μ-law at 8 kHz. */
const PHONE_FRAME = 160;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EmulatedStep {
  say: string;
  /** Start talking this long after the agent's answer started (barge-in). */
  bargeInAfterMs?: number;
  /** Press these keys instead of speaking. */
  dtmf?: string;
}

export interface EmulatedCallResult {
  greetingMs: number;
  turns: { said: string; heardMs: number; latencyMs?: number }[];
  clears: number;
  marksEchoed: number;
  /** Outbound messages that do not match the documented shapes (docs/protocols.md). */
  shapeErrors: string[];
  /** Arrival time (ms, performance.now) of every outbound media frame. */
  frameTimes: number[];
  closeCode?: number;
  /** Loudest agent sample heard (|PCM16|): real speech, not silence. */
  agentPeak?: number;
}

/** Offline speech as μ-law 8 kHz 20 ms frames (flite 16 kHz → speex → G.711). */
async function speechFrames(text: string, voice = "slt"): Promise<Uint8Array[]> {
  const tts = ttsProviders.flite({ voice });
  const chunks: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) chunks.push(c);
  tts.close?.();
  const resampler = await createResampler({ inRate: 16_000, outRate: 8000 });
  const pcm8 = chunks.map((c) => resampler.process(c));
  resampler.free();
  const all = new Int16Array(pcm8.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of pcm8) {
    all.set(c, off);
    off += c.length;
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += PHONE_FRAME) {
    const f = new Int16Array(PHONE_FRAME);
    f.set(all.subarray(i, i + PHONE_FRAME));
    frames.push(encodeMulaw(f));
  }
  return frames;
}

/** What a carrier's wire format does with the caller's side of the line. */
export interface LineWire {
  /** One 20 ms inbound frame (base64 μ-law), numbered from 1. */
  media(chunk: number, payload: string): void;
  dtmf(digit: string): void;
  /** The carrier's echo of one of our marks, once the audio before it has played. */
  mark(name: string): void;
}

/** One agent message, already checked against the carrier's documented outbound shape. */
export type AgentMessage = { kind: "media"; payload: string } | { kind: "mark"; name: string } | { kind: "clear" };

/**
 * The caller's end of an emulated phone line, independent of the carrier: one inbound frame every
 * 20 ms (μ-law silence unless speaking flite speech), playback of the agent's audio at real time with
 * marks echoed when reached, `clear` flushing what is buffered (pending marks echoed at once), and a
 * scripted conversation (speak, wait for the agent to finish, optional barge-in).
 */
export class CallerLine {
  readonly result: EmulatedCallResult = { greetingMs: 0, turns: [], clears: 0, marksEchoed: 0, shapeErrors: [], frameTimes: [] };
  private readonly playQueue: ({ kind: "audio" } | { kind: "mark"; name: string })[] = [];
  private lastAudioAt = 0;
  private firstAudioAfterSpeech: number | undefined;
  private speechEndedAt: number | undefined;
  private turnAudioFrames = 0;
  private speech: Uint8Array[] = [];
  private speechDone: (() => void) | undefined;
  private chunk = 0;
  private t0 = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly wire: LineWire,
    private readonly o: { voice?: string; log?: (line: string) => void; turnTimeoutMs?: number } = {},
  ) {}

  private log(line: string) {
    this.o.log?.(line);
  }

  get isClosed() {
    return this.closed;
  }

  /** The media socket closed (hang-up, transfer, or the gateway ended the call). */
  closedWith(code: number) {
    this.closed = true;
    this.result.closeCode = code;
    this.speechDone?.();
  }

  shapeError(message: string) {
    this.result.shapeErrors.push(message);
  }

  onAgent(m: AgentMessage) {
    if (m.kind === "media") {
      const bytes = Buffer.from(m.payload, "base64");
      if (bytes.length !== PHONE_FRAME) this.shapeError(`media of ${bytes.length} bytes`);
      const pcm = decodeMulaw(bytes);
      for (const v of pcm) if (Math.abs(v) > (this.result.agentPeak ?? 0)) this.result.agentPeak = Math.abs(v);
      const now = performance.now();
      this.result.frameTimes.push(now);
      this.lastAudioAt = now;
      this.turnAudioFrames++;
      if (this.speechEndedAt !== undefined && this.firstAudioAfterSpeech === undefined) this.firstAudioAfterSpeech = now;
      this.playQueue.push({ kind: "audio" });
    } else if (m.kind === "mark") {
      this.playQueue.push({ kind: "mark", name: m.name });
    } else {
      this.result.clears++;
      this.log("(clear)");
      // The carrier flushes buffered audio and echoes the pending marks at once.
      for (const item of this.playQueue.splice(0)) if (item.kind === "mark") this.echoMark(item.name);
    }
  }

  private echoMark(name: string) {
    this.result.marksEchoed++;
    this.wire.mark(name);
  }

  /** Starts the 20 ms line: caller frames out, one frame of agent audio played per tick. */
  start() {
    const silence = new Uint8Array(PHONE_FRAME).fill(0xff);
    this.t0 = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor((performance.now() - this.t0) / 20);
      while (this.chunk < due && !this.closed) {
        this.chunk++;
        const frame = this.speech.shift();
        this.wire.media(this.chunk, Buffer.from(frame ?? silence).toString("base64"));
        if (frame && this.speech.length === 0) {
          this.speechEndedAt = performance.now();
          this.speechDone?.();
        }
        let played = false;
        while (this.playQueue.length > 0) {
          const head = this.playQueue[0]!;
          if (head.kind === "audio") {
            if (played) break;
            played = true;
            this.playQueue.shift();
          } else {
            this.playQueue.shift();
            this.echoMark(head.name);
          }
        }
      }
    }, 5);
  }

  stop() {
    clearInterval(this.timer);
  }

  /** Seconds since the line started (the carrier's billed duration). */
  get elapsedSec() {
    return Math.max(1, Math.round((performance.now() - this.t0) / 1000));
  }

  private async speak(text: string) {
    await this.play(await speechFrames(text, this.o.voice));
  }

  /** The callee speaks before the agent does (an outbound call answered with "Hello?", a voicemail greeting). */
  async say(text: string) {
    this.log(`callee: ${text}`);
    await this.speak(text);
  }

  /** Plays 20 ms μ-law frames into the line at real time (a voicemail beep). */
  async play(frames: Uint8Array[]) {
    if (this.closed) return;
    const done = new Promise<void>((r) => (this.speechDone = r));
    this.speech = [...frames];
    await done;
  }

  /** Waits until the agent has spoken and gone quiet for 1.5 s (or the line closed); ms of agent audio since `since`. */
  async agentSpoke(): Promise<number> {
    this.turnAudioFrames = 0;
    await this.agentFinished(performance.now());
    return this.turnAudioFrames * 20;
  }

  private async agentFinished(since: number) {
    const deadline = performance.now() + (this.o.turnTimeoutMs ?? 25_000);
    while (!this.closed && performance.now() < deadline) {
      await sleep(50);
      if (this.turnAudioFrames > 0 && performance.now() - Math.max(this.lastAudioAt, since) > 1500) return;
    }
  }

  /** Waits for the greeting, then plays the script turn by turn. */
  async converse(steps: EmulatedStep[], hangUpAfterMs?: number) {
    await this.agentFinished(performance.now());
    this.result.greetingMs = this.turnAudioFrames * 20;
    this.log(`greeting: ${this.result.greetingMs} ms of audio`);
    for (const step of steps) {
      if (this.closed) break;
      await sleep(300);
      this.turnAudioFrames = 0;
      this.firstAudioAfterSpeech = undefined;
      this.speechEndedAt = undefined;
      this.log(`caller: ${step.dtmf ? `[dtmf ${step.dtmf}]` : step.say}`);
      if (step.dtmf) {
        for (const digit of step.dtmf) this.wire.dtmf(digit);
        this.speechEndedAt = performance.now();
      } else await this.speak(step.say);
      const started = performance.now();
      if (step.bargeInAfterMs !== undefined) {
        while (!this.closed && this.firstAudioAfterSpeech === undefined && performance.now() - started < 15_000) await sleep(10);
        await sleep(step.bargeInAfterMs);
        await this.speak("wait, stop, i have a question");
      }
      await this.agentFinished(started);
      const latencyMs =
        this.firstAudioAfterSpeech !== undefined && this.speechEndedAt !== undefined ? Math.round(this.firstAudioAfterSpeech - this.speechEndedAt) : undefined;
      this.result.turns.push({ said: step.say, heardMs: this.turnAudioFrames * 20, ...(latencyMs !== undefined ? { latencyMs } : {}) });
      this.log(`  agent answered with ${this.turnAudioFrames * 20} ms of audio${latencyMs !== undefined ? `, ${latencyMs} ms after the caller stopped` : ""}`);
    }
    if (hangUpAfterMs) await sleep(hangUpAfterMs);
  }
}
