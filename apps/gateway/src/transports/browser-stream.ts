import type { WebSocket } from "ws";
import { CLOSE_CODES, clientMessageSchema, type ServerMessage } from "@orbis/contracts";
import { createResampler, Framer, type Resampler } from "@orbis/voice";
import { PIPELINE_RATE, type CallSession, type CallTransport } from "../call-session.ts";

/** A slow client gets its audio dropped beyond this much unsent data, instead of growing memory. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** Largest binary frame accepted: 200 ms of 48 kHz PCM16. */
const MAX_AUDIO_FRAME_BYTES = 19_200;
const MAX_TEXT_FRAME_BYTES = 8 * 1024;

export function browserTransport(socket: WebSocket): CallTransport {
  return {
    sendAudio(pcm) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
      socket.send(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), { binary: true });
      return true;
    },
    sendEvent(message: ServerMessage) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    clearPlayback() {
      this.sendEvent({ type: "interrupt" });
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason.slice(0, 120));
    },
  };
}

export type ProtocolViolation = { code: number; message: string };

/**
 * Reads the browser protocol (docs/protocols.md) off one socket: JSON control messages and binary PCM16
 * frames, validated; audio is resampled to 16 kHz and cut into 20 ms frames for the session.
 */
export class BrowserStreamReader {
  private started = false;
  private framer = new Framer(PIPELINE_RATE / 50);
  private resampler: Resampler | undefined;

  constructor(
    private readonly handlers: {
      start(sampleRate: number): Promise<CallSession | undefined>;
      violation(v: ProtocolViolation): void;
      /** Gateway time spent on one inbound audio message (ms). */
      audioHandled?(ms: number): void;
    },
    private session?: CallSession,
  ) {}

  /** Audio is handled synchronously (no promise per 20 ms frame); control messages may await. */
  onMessage(data: Buffer, isBinary: boolean): void | Promise<void> {
    if (isBinary) return this.onAudio(data);
    return this.onControl(data);
  }

  private async onControl(data: Buffer): Promise<void> {
    if (data.length > MAX_TEXT_FRAME_BYTES) return this.handlers.violation({ code: CLOSE_CODES.protocolError, message: "control message too large" });
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      return this.handlers.violation({ code: CLOSE_CODES.protocolError, message: "control message is not JSON" });
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.handlers.violation({
        code: CLOSE_CODES.protocolError,
        message: `invalid message: ${issue?.path.join(".") || "type"} ${issue?.message ?? ""}`.trim(),
      });
    }
    const msg = parsed.data;
    if (msg.type === "start") {
      if (this.started) return this.handlers.violation({ code: CLOSE_CODES.protocolError, message: "start sent twice" });
      this.started = true;
      const rate = msg.sampleRate ?? PIPELINE_RATE;
      if (rate !== PIPELINE_RATE) this.resampler = await createResampler({ inRate: rate, outRate: PIPELINE_RATE });
      this.session = await this.handlers.start(rate);
      return;
    }
    if (!this.session) return this.handlers.violation({ code: CLOSE_CODES.protocolError, message: `${msg.type} before start` });
    switch (msg.type) {
      case "text": {
        // NUL and lone surrogates cannot be stored (PostgreSQL text): the caller's words without them (none: nothing said).
        const text = storableText(msg.text);
        if (text) this.session.pushText(text);
        break;
      }
      case "dtmf":
        this.session.pushDtmf(msg.digit);
        break;
      case "end":
        await this.session.end("caller_hangup");
        break;
    }
  }

  onAudio(data: Buffer): void {
    const t0 = performance.now();
    this.handleAudio(data);
    this.handlers.audioHandled?.(performance.now() - t0);
  }

  private handleAudio(data: Buffer): void {
    if (!this.session) return this.handlers.violation({ code: CLOSE_CODES.protocolError, message: "audio before start" });
    if (data.length > MAX_AUDIO_FRAME_BYTES || data.length % 2 !== 0) {
      return this.handlers.violation({
        code: CLOSE_CODES.protocolError,
        message: `audio frame must be even-length PCM16 of at most ${MAX_AUDIO_FRAME_BYTES} bytes`,
      });
    }
    // Copy (one memcpy): the ws buffer may be unaligned for Int16Array, and a view would keep the
    // whole socket read alive for as long as the frame is held. PCM16 is little-endian on the wire and
    // on every host Node supports.
    const samples = copyToInt16(data);
    const pcm = this.resampler ? this.resampler.process(samples) : samples;
    for (const frame of this.framer.push(pcm)) this.session.pushAudio(frame);
  }

  dispose(): void {
    this.resampler?.free();
  }
}

/**
 * A copy of PCM16 bytes as samples. Small frames come from Node's shared Buffer pool (slices of one
 * slab, each at an 8-byte-aligned offset; larger ones get their own buffer at offset 0) instead of a
 * fresh ArrayBuffer each: a backing store per 20 ms frame is an allocation plus garbage-collector
 * bookkeeping fifty times a second per call.
 */
export function copyToInt16(data: Uint8Array): Int16Array {
  const copy = Buffer.allocUnsafe(data.length);
  copy.set(data);
  return new Int16Array(copy.buffer, copy.byteOffset, data.length / 2);
}

/** Text as PostgreSQL can store it: without NUL and without unpaired UTF-16 surrogates. */
function storableText(text: string): string {
  return text
    .replaceAll("\u0000", "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .trim();
}
