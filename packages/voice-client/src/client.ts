import type { ServerMessage } from "@orbis/contracts";
import { backoffDelay } from "./backoff.ts";
import { pcm16FromBytes, pcm16ToFloat, STREAM_RATE } from "./pcm.ts";
import { WORKLET_NAME, workletUrl } from "./worklet.ts";

/** The browser side of the voice stream (docs/protocols.md), shared by the widget and the dashboard's "Try this agent". */

export type CallStatus = "idle" | "connecting" | "live" | "reconnecting" | "ended" | "error";

interface VoiceClientEvents {
  status(status: CallStatus, detail?: string): void;
  transcript(role: "user" | "agent", text: string, final: boolean): void;
  tool?(name: string, status: string): void;
  /** The microphone could not be opened; the call goes on with typed input. */
  micError?(message: string): void;
  ready?(callId: string): void;
}

export interface VoiceClientOptions {
  /** Origin of the OrbisVoice server, e.g. https://voice.example.com */
  baseUrl: string;
  agentId: string;
  /** Publishable key (widget). Without it the dashboard session cookie is used. */
  apiKey?: string;
  /** Which configuration answers: callers hear the published one; the dashboard's "Try this agent" may run the draft (signed-in members only). */
  mode?: "published" | "draft";
  /**
   * A voice token issued elsewhere (a sales-practice session's): the client opens `/v1/stream?token=…`
   * with it instead of asking `/v1/voice/sessions` for one. Such a token is good for one connection.
   */
  token?: string;
  /** Browser voice processing; on by default (echo cancellation matters for barge-in on speakers). */
  audioProcessing?: boolean;
  maxReconnects?: number;
  events: VoiceClientEvents;
}

/** Close codes after which reconnecting cannot help (docs/protocols.md). */
const FATAL_CLOSE: Record<number, string> = {
  4000: "This agent is not available (invalid agent or session).",
  4002: "The call ended after a long silence.",
  4003: "This agent has reached its call quota.",
  4004: "The call stopped because of a protocol error.",
};

class SessionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  get retryable() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** POST /v1/voice/sessions → the stream URL; the server checks the key and the page's Origin. */
async function openSession(opts: Pick<VoiceClientOptions, "baseUrl" | "agentId" | "apiKey" | "mode">): Promise<{ url: string; token: string }> {
  let res: Response;
  try {
    res = await fetch(`${opts.baseUrl}/v1/voice/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
      credentials: opts.apiKey ? "omit" : "include",
      body: JSON.stringify({ agentId: opts.agentId, ...(opts.mode ? { mode: opts.mode } : {}) }),
    });
  } catch {
    throw new SessionError("Cannot reach the voice service. Check your connection.", 0);
  }
  const body = (await res.json().catch(() => ({}))) as { url?: string; token?: string; error?: { message?: string } };
  if (!res.ok || !body.url || !body.token) {
    throw new SessionError(body.error?.message ?? `Voice service answered ${res.status}`, res.status);
  }
  return { url: body.url, token: body.token };
}

const streamUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/^http/, "ws")}/v1/stream?token=${encodeURIComponent(token)}`;

/** Schedules agent audio back to back; stop() silences it at once (barge-in). */
export class Player {
  private playhead = 0;
  private readonly sources = new Set<AudioBufferSourceNode>();
  rate = STREAM_RATE;

  constructor(private readonly ctx: AudioContext) {}

  play(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    const buffer = this.ctx.createBuffer(1, pcm.length, this.rate);
    buffer.getChannelData(0).set(pcm16ToFloat(pcm));
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    const at = Math.max(this.playhead, this.ctx.currentTime + 0.03);
    src.start(at);
    this.playhead = at + buffer.duration;
    this.sources.add(src);
    src.onended = () => this.sources.delete(src);
  }

  get playing(): boolean {
    return this.sources.size > 0;
  }

  stop(): void {
    for (const src of this.sources) {
      try {
        src.stop();
      } catch {
        /* already stopped */
      }
    }
    this.sources.clear();
    this.playhead = 0;
  }
}

export class VoiceClient {
  private ws: WebSocket | undefined;
  private ctx: AudioContext | undefined;
  private player: Player | undefined;
  private stream: MediaStream | undefined;
  private mic: AudioWorkletNode | undefined;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private live = false;
  private wantMic = false;
  callId: string | undefined;
  status: CallStatus = "idle";

  constructor(private readonly opts: VoiceClientOptions) {}

  /** Call from a user gesture (click): the AudioContext must be created inside it to be allowed to play. */
  start({ mic = true }: { mic?: boolean } = {}): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempts = 0;
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (Ctx && !this.ctx) {
      this.ctx = new Ctx();
      this.player = new Player(this.ctx);
    }
    void this.ctx?.resume();
    // The microphone opens only once the server accepted the call: a refused origin never prompts for it.
    this.wantMic = mic;
    void this.connect();
  }

  sendText(text: string): boolean {
    const t = text.trim();
    if (!t || !this.live || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ type: "text", text: t }));
    return true;
  }

  /** Hangs up: tells the server, closes normally, releases the microphone. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "end" }));
    ws?.close(1000, "caller hung up");
    this.teardownAudio();
    this.setStatus("ended");
  }

  get micActive(): boolean {
    return !!this.mic;
  }

  private setStatus(status: CallStatus, detail?: string) {
    this.status = status;
    this.opts.events.status(status, detail);
  }

  private async connect(): Promise<void> {
    this.live = false;
    this.setStatus(this.attempts ? "reconnecting" : "connecting");
    let url: string;
    try {
      url = this.opts.token ? streamUrl(this.opts.baseUrl, this.opts.token) : (await openSession(this.opts)).url;
    } catch (err) {
      const e = err instanceof SessionError ? err : new SessionError(String(err), 0);
      return e.retryable ? this.retry(e.message) : this.fail(e.message);
    }
    if (this.stopped) return;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "start", sampleRate: STREAM_RATE }));
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (typeof ev.data === "string") this.onControl(ev.data);
      else if (this.live) this.player?.play(pcm16FromBytes(ev.data as ArrayBuffer));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = undefined;
      this.live = false;
      this.player?.stop();
      if (ev.code === 1000) return this.finish();
      const fatal = FATAL_CLOSE[ev.code];
      if (fatal) return this.fail(ev.reason ? `${fatal} (${ev.reason})` : fatal);
      this.retry(ev.code === 4001 ? "Too many calls right now; retrying…" : "Connection lost; reconnecting…");
    };
  }

  private onControl(raw: string) {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case "ready":
        this.live = true;
        this.attempts = 0;
        this.callId = msg.callId;
        if (this.player) this.player.rate = msg.sampleRate;
        this.setStatus("live");
        this.opts.events.ready?.(msg.callId);
        if (this.wantMic && !this.stream) {
          this.wantMic = false;
          void this.openMic();
        }
        break;
      case "transcript":
        this.opts.events.transcript(msg.role, msg.text, msg.final);
        break;
      case "interrupt":
        this.player?.stop();
        break;
      case "tool":
        this.opts.events.tool?.(msg.name, msg.status);
        break;
      case "error":
        this.opts.events.status(this.status, msg.message);
        break;
      case "end":
        this.finish(msg.reason);
        break;
    }
  }

  private finish(reason?: string) {
    if (this.stopped) return;
    this.stopped = true;
    this.ws?.close(1000);
    this.ws = undefined;
    this.teardownAudio();
    this.setStatus("ended", reason);
  }

  private retry(message: string) {
    if (this.stopped) return;
    if (this.attempts >= (this.opts.maxReconnects ?? 5)) return this.fail(message);
    const delay = backoffDelay(this.attempts++);
    this.setStatus("reconnecting", message);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private fail(message: string) {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = undefined;
    this.teardownAudio();
    this.setStatus("error", message);
  }

  private async openMic(): Promise<void> {
    const ctx = this.ctx;
    try {
      if (!ctx || !navigator.mediaDevices?.getUserMedia || !ctx.audioWorklet) {
        throw new Error("Microphone needs a secure page (https or localhost) and a current browser.");
      }
      const processing = this.opts.audioProcessing ?? true;
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing },
      });
      if (this.stopped) return stream.getTracks().forEach((t) => t.stop());
      this.stream = stream;
      const url = workletUrl();
      try {
        await ctx.audioWorklet.addModule(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      if (this.stopped) return;
      const node = new AudioWorkletNode(ctx, WORKLET_NAME, { numberOfInputs: 1, numberOfOutputs: 0 });
      node.port.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
        if (this.live && this.ws?.readyState === WebSocket.OPEN) this.ws.send(ev.data);
      };
      ctx.createMediaStreamSource(stream).connect(node);
      this.mic = node;
      if (this.status === "live") this.setStatus("live");
    } catch (err) {
      const name = err instanceof Error ? err.name : "";
      const message =
        name === "NotAllowedError"
          ? "Microphone permission was denied. You can still type."
          : name === "NotFoundError"
            ? "No microphone found. You can still type."
            : `Microphone unavailable: ${err instanceof Error ? err.message : String(err)}`;
      this.opts.events.micError?.(message);
    }
  }

  private teardownAudio() {
    this.mic?.port.close();
    this.mic?.disconnect();
    this.mic = undefined;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = undefined;
    this.player?.stop();
    void this.ctx?.close().catch(() => {});
    this.ctx = undefined;
    this.player = undefined;
  }
}
