import { BandFill, createResampler, decodeMulaw, encodeMulaw, Framer, ReorderBuffer, RollingStats, SpectralFold, type Resampler } from "@orbis/voice";
import { PIPELINE_RATE } from "../call-session.ts";

const PHONE_RATE = 8000;
const PHONE_FRAME_BYTES = 160;
const FRAME_MS = 20;

export interface PhoneAudioOptions {
  /** Band-fill amplitude before the 16 kHz recogniser (0 turns it off). */
  bandFill: number;
  /** Spectral folding strength before the 16 kHz recogniser (0 turns it off). */
  spectralFold?: number;
  /** Reordering window in 20 ms frames: a missing frame is waited for (jitterDepth + 1) × 20 ms. */
  jitterDepth: number;
  /** Each caller frame's reordering delay (ms), for metrics. */
  onDelay?: (ms: number) => void;
}

/** No frames from the carrier this long: time keeps moving for the turn-taker with silence. */
const CARRIER_SILENT_MS = 400;

/**
 * Caller audio from a carrier: μ-law 8 kHz frames by sequence number → reorder buffer → PCM16 →
 * 16 kHz → spectral fold (and band fill, off by default) → 20 ms frames into the session. The consumer is a recogniser, not an ear, so
 * frames go on the moment they are in order (no playout delay, nothing inserted into speech when
 * frames arrive in bursts); only a missing frame holds the ones behind it, for a short window.
 */
export class PhoneInbound {
  private readonly reorder: ReorderBuffer;
  private readonly framer = new Framer(PIPELINE_RATE / 50);
  private readonly bandFill: BandFill | undefined;
  private readonly fold: SpectralFold | undefined;
  private readonly onDelay: ((ms: number) => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastArrival = 0;
  private disposed = false;
  /** Time each caller frame was held for reordering (ms). */
  readonly delay = new RollingStats();

  private constructor(
    private readonly resampler: Resampler,
    private readonly push: (pcm16k: Int16Array) => void,
    o: PhoneAudioOptions,
  ) {
    this.reorder = new ReorderBuffer({ frameSamples: PHONE_FRAME_BYTES, maxWaitMs: (o.jitterDepth + 1) * FRAME_MS, maxFrames: 50 });
    this.bandFill = o.bandFill > 0 ? new BandFill({ amplitude: o.bandFill }) : undefined;
    this.fold = (o.spectralFold ?? 0) > 0 ? new SpectralFold({ strength: o.spectralFold! }) : undefined;
    this.onDelay = o.onDelay;
  }

  static async create(push: (pcm16k: Int16Array) => void, o: PhoneAudioOptions): Promise<PhoneInbound> {
    return new PhoneInbound(await createResampler({ inRate: PHONE_RATE, outRate: PIPELINE_RATE }), push, o);
  }

  /** One carrier frame; false when it is not 20 ms of μ-law. */
  put(seq: number, mulaw: Uint8Array): boolean {
    if (mulaw.length !== PHONE_FRAME_BYTES || this.disposed) return mulaw.length === PHONE_FRAME_BYTES;
    const now = performance.now();
    this.lastArrival = now;
    this.reorder.put(seq, decodeMulaw(mulaw), now);
    this.pump(now);
    // Gives up on missing frames, and keeps time moving if the carrier goes quiet.
    this.timer ??= setInterval(this.tick, FRAME_MS);
    return true;
  }

  get stats() {
    return {
      ...this.reorder.stats,
      /** Reordering window in frames: the most a missing frame delays the ones behind it. */
      targetFrames: this.reorder.maxWaitMs / FRAME_MS,
      arrivalJitterMs: Math.round(this.reorder.arrivalJitterMs * 10) / 10,
      delay: this.delay.summary(),
    };
  }

  private pump(now: number) {
    for (const frame of this.reorder.take(now)) {
      if (frame.kind === "audio") {
        this.delay.add(frame.heldMs);
        this.onDelay?.(frame.heldMs);
      }
      this.forward(frame.pcm);
    }
  }

  private tick = () => {
    const now = performance.now();
    this.pump(now);
    if (now - this.lastArrival >= CARRIER_SILENT_MS && this.reorder.heldFrames === 0) this.forward(SILENT_FRAME);
  };

  private forward(pcm8k: Int16Array) {
    for (const frame of this.framer.push(this.resampler.process(pcm8k))) {
      this.fold?.process(frame);
      this.push(this.bandFill ? this.bandFill.process(frame) : frame);
    }
  }

  dispose() {
    this.disposed = true;
    clearInterval(this.timer);
    this.resampler.free();
  }
}

const SILENT_FRAME = new Int16Array(PHONE_FRAME_BYTES);

/**
 * Agent audio to a carrier: 16 kHz frames → 8 kHz μ-law 20 ms payloads, with a mark every few frames so
 * the carrier's echo tells how much the caller has actually heard (barge-in bookkeeping).
 */
export class PhoneOutbound {
  private readonly framer = new Framer(PHONE_FRAME_BYTES);
  private sent = 0;
  private confirmed = 0;
  private cleared = 0;

  private constructor(
    private readonly resampler: Resampler,
    private readonly markEvery: number,
  ) {}

  static async create(markEvery = 5): Promise<PhoneOutbound> {
    return new PhoneOutbound(await createResampler({ inRate: PIPELINE_RATE, outRate: PHONE_RATE }), markEvery);
  }

  /** Base64 μ-law payloads for one 16 kHz frame, each followed by a mark name when one is due. */
  encode(pcm16k: Int16Array): { payload: string; mark?: string }[] {
    const out: { payload: string; mark?: string }[] = [];
    for (const frame of this.framer.push(this.resampler.process(pcm16k))) {
      this.sent++;
      const payload = Buffer.from(encodeMulaw(frame)).toString("base64");
      out.push(this.sent % this.markEvery === 0 ? { payload, mark: `f${this.sent}` } : { payload });
    }
    return out;
  }

  /** The carrier played everything before this mark. Marks from before a `clear` are echoed at once and mean nothing. */
  onMark(name: string) {
    const n = /^f(\d+)$/.exec(name);
    if (!n) return;
    const count = Number(n[1]);
    if (count > this.cleared && count > this.confirmed) this.confirmed = count;
  }

  /** After `clear`: nothing sent before is still to be played. */
  onClear() {
    this.cleared = this.sent;
    this.confirmed = this.sent;
    this.framer.clear();
  }

  get unplayedMs(): number {
    return (this.sent - this.confirmed) * FRAME_MS;
  }

  dispose() {
    this.resampler.free();
  }
}
