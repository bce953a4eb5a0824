import {
  ProviderError,
  systemTimerClock as systemClock,
  type TimerClock as Clock,
  type RealtimeEvent,
  type RealtimeProvider,
  type RealtimeSession,
  type Vad,
} from "@orbis/ports";
import type { RealtimeAgent } from "@orbis/brain";
import { ServedLog, UsageMeter, UsageSlicer, acceptsText, type PriceTable, type ProviderHealth } from "@orbis/providers";
import {
  FrameProcessor,
  Pipeline,
  VadProcessor,
  createResampler,
  frames,
  type CallContext,
  type Direction,
  type Frame,
  type PipelineSinks,
  type Resampler,
} from "@orbis/voice";
import type { CallPipeline } from "./agent-pipeline.ts";

const PIPELINE_RATE = 16_000;
/** Sent as text when the call starts: speech-to-speech models otherwise wait for the caller to speak. */
export const CALL_CONNECTED_CUE = "(The call has just connected. Greet the caller now.)";

export interface RealtimePipelineOptions {
  provider: RealtimeProvider;
  /** The id the agent config names (`gemini-live`): the circuit breaker's key. */
  providerKey: string;
  health: ProviderHealth;
  agent: RealtimeAgent;
  call: CallContext;
  vad: Vad;
  sinks: PipelineSinks;
  prices: PriceTable;
  voice?: string;
  connectTimeoutMs?: number;
  clock?: Clock;
  log: { warn(obj: object, msg?: string): void };
}

/**
 * `transport-in → vad → realtime → transport-out` (docs/architecture.md). Connects before the call starts, so
 * a provider that does not answer throws here and the caller can run the cascaded pipeline instead.
 */
export async function realtimePipeline(o: RealtimePipelineOptions): Promise<CallPipeline> {
  const session = await o.provider.connect(
    { instructions: o.agent.instructions(), tools: o.agent.tools, ...(o.voice ? { voice: o.voice } : {}) },
    AbortSignal.timeout(o.connectTimeoutMs ?? 10_000),
  );
  o.health.recordSuccess(o.providerKey);
  const input = o.provider.inputSampleRate === PIPELINE_RATE ? null : await createResampler({ inRate: PIPELINE_RATE, outRate: o.provider.inputSampleRate });
  const meter = new UsageMeter();
  const served = new ServedLog();
  const processor = new RealtimeProcessor({ ...o, session, input, meter, served, clock: o.clock ?? systemClock });
  const slicer = new UsageSlicer({ usage: () => meter.snapshot(), takeRecords: () => served.take() }, o.prices);
  return {
    pipeline: new Pipeline([new VadProcessor({ vad: o.vad }), processor], o.sinks),
    kind: "realtime",
    notes: [{ kind: "pipeline", detail: { kind: "realtime", provider: o.provider.id } }],
    takeUsage: (opts) => slicer.take(opts),
    totalUsage: () => slicer.total(),
    close: () => processor.close(),
  };
}

interface ProcessorDeps extends RealtimePipelineOptions {
  session: RealtimeSession;
  input: Resampler | null;
  meter: UsageMeter;
  served: ServedLog;
  clock: Clock;
}

/**
 * Bridges a speech-to-speech session to the call's frames: caller audio out to the model; model audio
 * (resampled to 16 kHz), transcripts, tool calls and interruptions back as the same frames the
 * cascaded pipeline produces, so the call session stores turns and transcripts the same way. Tools run
 * through the agent's Toolbox (bookings land in the workspace's calendar).
 */
export class RealtimeProcessor extends FrameProcessor {
  private readonly tools: ReturnType<RealtimeAgent["startSession"]>;
  private readonly toolsAbort = new AbortController();
  private output: Resampler | null = null;
  private outputRate = 0;
  private loop: Promise<void> | undefined;
  private closed = false;
  private turn = 0;
  /** Caller speech since the agent last started answering, and when the last speech frame arrived. */
  private speechPending = false;
  private lastSpeechAt = 0;
  private answering = false;
  /** The agent's transcript so far in this response, and how much of it is already attached to audio. */
  private agentPartial = "";
  private agentAttached = "";
  private skipAgentFinal = false;

  constructor(private readonly d: ProcessorDeps) {
    super("realtime");
    this.tools = d.agent.startSession(d.call);
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (direction === "up") {
      this.emit(frame, direction);
      return;
    }
    switch (frame.type) {
      case "start":
        this.loop ??= this.readEvents().catch((err: unknown) => this.failCall(err));
        if (this.d.agent.greets && acceptsText(this.d.session)) this.d.session.sendText(CALL_CONNECTED_CUE);
        this.emit(frame);
        return;
      case "audio-in": {
        if (this.closed) return;
        if (frame.speech) {
          this.speechPending = true;
          this.lastSpeechAt = this.d.clock.now();
        }
        const pcm = this.d.input ? this.d.input.process(frame.pcm) : frame.pcm;
        this.d.session.sendAudio(pcm);
        this.d.meter.add(this.d.provider.id, { realtimeSeconds: frame.pcm.length / frame.sampleRate });
        return;
      }
      case "user-input": {
        // Typed text and DTMF go in as text where the session takes it (both vendors do); the call
        // session has already recorded them as the caller's turn.
        if (this.closed || !acceptsText(this.d.session)) return;
        const input = frame.input;
        if (input.kind === "silence") return;
        this.turn++;
        this.speechPending = false;
        this.d.session.sendText(input.kind === "dtmf" ? `(The caller pressed ${input.digits} on the keypad.)` : input.text);
        return;
      }
      case "end":
        this.close();
        this.emit(frame);
        return;
      default:
        this.emit(frame);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.toolsAbort.abort();
    this.d.session.close();
    this.d.input?.free();
    this.output?.free();
    this.output = null;
  }

  private async readEvents(): Promise<void> {
    for await (const event of this.d.session.events()) {
      if (this.closed) return;
      await this.handle(event);
    }
  }

  private async handle(e: RealtimeEvent): Promise<void> {
    switch (e.type) {
      case "audio":
        await this.agentAudio(e.pcm, e.sampleRate);
        return;
      case "transcript":
        if (e.role === "user") {
          if (e.final) this.turn++;
          this.emit({ type: "transcript", lane: "data", text: e.text, final: e.final });
          return;
        }
        if (!e.final) {
          this.agentPartial = e.text;
          return;
        }
        if (this.skipAgentFinal) {
          this.skipAgentFinal = false;
          return;
        }
        this.emit({ type: "text", lane: "data", text: e.text, turn: this.turn });
        this.emit({ type: "agent-turn-end", lane: "data", turn: this.turn });
        this.responseDone();
        return;
      case "interrupted":
        // What was said so far goes into the turn before the interrupt closes it; the provider's final
        // transcript of the cut response, which follows, is then dropped.
        if (this.agentPartial) {
          this.emit({ type: "text", lane: "data", text: this.agentPartial, turn: this.turn });
          this.skipAgentFinal = true;
        }
        this.responseDone();
        this.output?.reset();
        this.emit(frames.interrupt("barge-in"));
        return;
      case "tool-call": {
        this.emit({ type: "tool-call", lane: "data", turn: this.turn, name: e.name, args: e.args });
        const outcome = await this.tools.runTool(e.name, e.args, this.toolsAbort.signal);
        if (this.closed) return;
        this.emit({ type: "tool-result", lane: "data", keep: true, turn: this.turn, call: outcome.record });
        this.d.session.sendToolResult(e.id, outcome.response);
        if (outcome.stop?.type === "transfer") this.emit({ type: "transfer", lane: "data", keep: true, to: outcome.stop.to, reason: outcome.stop.reason });
        if (outcome.stop?.type === "end") this.emit({ type: "agent-end", lane: "data", keep: true, reason: outcome.stop.reason });
        return;
      }
      case "error":
        this.failCall(e.error);
        return;
    }
  }

  private async agentAudio(pcm: Int16Array, rate: number): Promise<void> {
    if (rate !== PIPELINE_RATE && rate !== this.outputRate) {
      this.output?.free();
      this.output = await createResampler({ inRate: rate, outRate: PIPELINE_RATE });
      this.outputRate = rate;
    }
    const out = rate === PIPELINE_RATE ? pcm : this.output!.process(pcm);
    if (this.closed || out.length === 0) return;
    const now = this.d.clock.now();
    if (!this.answering) {
      this.answering = true;
      this.d.served.push({ capability: "realtime", servedBy: this.d.provider.id, tried: [this.d.provider.id], failures: [], at: now });
      if (this.speechPending) {
        const e2e = Math.max(0, now - this.lastSpeechAt);
        this.emit({
          type: "turn-metrics",
          lane: "data",
          keep: true,
          metrics: {
            turn: this.turn,
            speechEndAt: this.lastSpeechAt,
            endpointAt: now,
            endpoint_ms: 0,
            firstAudioSentAt: now,
            e2e_ms: Math.round(e2e * 10) / 10,
          },
        });
      }
      this.speechPending = false;
    }
    // Each chunk carries the transcript that arrived since the previous one, so "heard" on barge-in
    // follows the audio actually played (transcription lags the audio a little).
    const text = this.agentPartial.startsWith(this.agentAttached) ? this.agentPartial.slice(this.agentAttached.length).trim() : "";
    this.agentAttached = this.agentPartial;
    this.emit({ type: "audio-out", lane: "data", pcm: out, sampleRate: PIPELINE_RATE, turn: this.turn, text });
  }

  private responseDone(): void {
    this.answering = false;
    this.agentPartial = "";
    this.agentAttached = "";
  }

  /** A realtime session cannot be swapped mid-call: the call ends with an error, and the breaker learns. */
  private failCall(err: unknown): void {
    if (this.closed) return;
    this.d.health.recordFailure(this.d.providerKey, err);
    this.d.log.warn(
      { callId: this.d.call.callId, provider: this.d.provider.id, err: err instanceof Error ? err.message : String(err) },
      "realtime session failed",
    );
    const retryable = err instanceof ProviderError ? err.retryable : false;
    this.emit(frames.error({ source: this.name, message: err instanceof Error ? err.message : String(err), retryable, fatal: true }), "up");
  }
}
