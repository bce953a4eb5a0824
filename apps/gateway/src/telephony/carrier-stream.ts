import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { CarrierMessage, CarrierProtocol } from "@orbis/telephony";
import type { CallSession, CallTransport } from "../call-session.ts";
import { PhoneInbound, PhoneOutbound, type PhoneAudioOptions } from "./phone-audio.ts";

const MAX_TEXT_FRAME_BYTES = 64 * 1024;
const MAX_BUFFERED_BYTES = 256 * 1024;
/** Keys pressed within this of each other are one entry (typical IVR inter-digit timeout). */
const DTMF_INTER_DIGIT_MS = 1500;

export interface StreamCounters {
  invalid: number;
  binary: number;
  mediaBeforeStart: number;
  badMedia: number;
}

/**
 * One carrier media WebSocket. Carriers do not retry a stream, so a bad frame is logged, counted and
 * skipped rather than ending the caller's call; the socket closes on `stop`, on a failed `start`, or
 * when the call ends.
 */
export class CarrierStream {
  private session: CallSession | undefined;
  private streamId = "";
  private inbound: PhoneInbound | undefined;
  private outbound: PhoneOutbound | undefined;
  private starting = false;
  private digits = "";
  private digitTimer: ReturnType<typeof setTimeout> | undefined;
  readonly counters: StreamCounters = { invalid: 0, binary: 0, mediaBeforeStart: 0, badMedia: 0 };

  constructor(
    private readonly socket: WebSocket,
    private readonly protocol: CarrierProtocol,
    private readonly log: FastifyBaseLogger,
    private readonly handlers: {
      /** Authenticates the start and builds the session (not yet started); undefined refuses the stream. */
      start(msg: Extract<CarrierMessage, { kind: "start" }>, transport: CallTransport): Promise<CallSession | undefined>;
      audioHandled?(ms: number): void;
      /** The session ended with a transfer: hand the live call to a person through the carrier's API. */
      transfer?(): Promise<void>;
    },
    private readonly audio: PhoneAudioOptions,
  ) {}

  transport(): CallTransport {
    const { socket, protocol } = this;
    return {
      sendAudio: (pcm) => {
        if (!this.outbound || socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
        for (const { payload, mark } of this.outbound.encode(pcm)) {
          socket.send(protocol.media(this.streamId, payload));
          if (mark) socket.send(protocol.mark(this.streamId, mark));
        }
        return true;
      },
      // Carriers carry audio only; transcripts and tool events live in the call log.
      sendEvent: () => undefined,
      clearPlayback: () => {
        this.outbound?.onClear();
        if (socket.readyState === socket.OPEN) socket.send(protocol.clear(this.streamId));
      },
      close: (code, reason) => {
        const shut = () => {
          // Carriers see normal ends, server shutdowns (1012) and everything else as an internal error.
          const wire = code === 1000 || code === 1012 ? code : 1011;
          if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(wire, reason.slice(0, 120));
        };
        // A transfer must reach the carrier before the stream closes: closing first would end the call.
        if (reason === "transfer" && this.handlers.transfer) {
          void this.handlers
            .transfer()
            .catch((err: unknown) => this.log.error({ err, carrier: protocol.carrier }, "carrier transfer failed"))
            .finally(shut);
          return;
        }
        shut();
      },
      unplayedMs: () => this.outbound?.unplayedMs ?? 0,
    };
  }

  get callSession() {
    return this.session;
  }

  /** A `start` arrived (whether or not it was accepted). */
  get startReceived() {
    return this.starting;
  }

  inboundStats() {
    return this.inbound?.stats;
  }

  private reported: Record<string, number> = {};
  /** Inbound frame outcomes since the last call (for counters): stream-level rejects and jitter-buffer fates. */
  frameCountsDelta(): Record<string, number> {
    const j = this.inbound?.stats;
    const now: Record<string, number> = {
      invalid: this.counters.invalid,
      binary: this.counters.binary,
      before_start: this.counters.mediaBeforeStart,
      bad_media: this.counters.badMedia,
      ...(j ? { received: j.received, late: j.late, duplicate: j.duplicate, lost: j.lost, concealed: j.concealed, overflow: j.overflowDrops } : {}),
    };
    const delta: Record<string, number> = {};
    for (const [kind, n] of Object.entries(now)) {
      const d = n - (this.reported[kind] ?? 0);
      if (d > 0) delta[kind] = d;
    }
    this.reported = now;
    return delta;
  }

  async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
      this.counters.binary++;
      if (this.counters.binary === 1) this.log.warn({ carrier: this.protocol.carrier }, "binary frame on a carrier stream ignored (carriers send JSON text)");
      return;
    }
    if (data.length > MAX_TEXT_FRAME_BYTES) return this.invalid("frame too large");
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      return this.invalid("not JSON");
    }
    const msg = this.protocol.parse(json);
    switch (msg.kind) {
      case "invalid":
        return this.invalid(msg.message);
      case "connected":
        return;
      case "start":
        return this.onStart(msg);
      case "media":
        return this.onMedia(msg);
      case "dtmf":
        return this.onDigit(msg.digit);
      case "mark":
        this.outbound?.onMark(msg.name);
        return;
      case "carrier_error":
        this.log.warn({ carrier: this.protocol.carrier, error: msg.message }, "carrier reported a stream error");
        return;
      case "stop":
        await this.session?.end("caller_hangup");
        this.transport().close(1000, "stop");
        return;
    }
  }

  /**
   * Carriers send one event per key: digits are collected into one entry (a phone number is one answer,
   * not ten turns) and handed over on `#` or after DTMF_INTER_DIGIT_MS without a key.
   */
  private onDigit(digit: string) {
    if (!this.session) return;
    clearTimeout(this.digitTimer);
    if (digit !== "#") this.digits += digit;
    if (digit === "#" || this.digits.length >= 20) return this.flushDigits();
    this.digitTimer = setTimeout(() => this.flushDigits(), DTMF_INTER_DIGIT_MS);
  }

  private flushDigits() {
    clearTimeout(this.digitTimer);
    const digits = this.digits;
    this.digits = "";
    if (digits) this.session?.pushDtmf(digits);
  }

  private invalid(message: string) {
    this.counters.invalid++;
    if (this.counters.invalid <= 3) this.log.info({ carrier: this.protocol.carrier, message }, "carrier stream message skipped");
  }

  private async onStart(msg: Extract<CarrierMessage, { kind: "start" }>) {
    if (this.starting) return this.invalid("start sent twice");
    this.starting = true;
    if (!this.protocol.isMulaw(msg.encoding, msg.sampleRate)) {
      this.log.warn({ encoding: msg.encoding, sampleRate: msg.sampleRate }, "carrier stream is not μ-law 8 kHz");
      return this.transport().close(1011, "unsupported media format");
    }
    this.streamId = msg.streamId;
    this.outbound = await PhoneOutbound.create();
    const session = await this.handlers.start(msg, this.transport());
    if (!session) return this.transport().close(1011, "stream refused");
    this.inbound = await PhoneInbound.create((pcm) => session.pushAudio(pcm), this.audio);
    this.session = session;
    await session.start();
  }

  private onMedia(msg: Extract<CarrierMessage, { kind: "media" }>) {
    if (!this.session || !this.inbound) {
      this.counters.mediaBeforeStart++;
      return;
    }
    if (msg.track !== "inbound" && msg.track !== "inbound_track") return;
    const t0 = performance.now();
    if (!this.inbound.put(msg.seq, Buffer.from(msg.payload, "base64"))) this.counters.badMedia++;
    this.handlers.audioHandled?.(performance.now() - t0);
  }

  dispose() {
    clearTimeout(this.digitTimer);
    this.inbound?.dispose();
    this.outbound?.dispose();
  }
}
