import type { Tracer } from "@opentelemetry/api";
import type { AgentConfig, Channel, ServerMessage } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { systemTimerClock as systemClock, type TimerClock as Clock } from "@orbis/ports";
import { frames, OutputPacer, pacingClock, Pipeline, type Brain, type BrainSession, type CallContext, type Frame } from "@orbis/voice";
import type { CallPipeline, PipelineFactory } from "./agent-pipeline.ts";
import { countTurnUsage, type GatewayMetrics } from "./metrics.ts";
import { TurnRecorder, type CallerSpeech } from "./turn-recorder.ts";
import { CallRecording, type RecordingStore } from "@orbis/recordings";
import type { CallHeartbeats } from "./call-heartbeats.ts";
import { callRecordStore, type CallRecordStore, type EndReason, type SessionNote } from "./call-record-store.ts";
import { startCallTrace, type CallTrace } from "./tracing.ts";

export type { EndReason } from "./call-record-store.ts";

export const PIPELINE_RATE = 16_000;

/** What a call session needs from the wire it came in on (browser WS, Twilio, Telnyx). */
export interface CallTransport {
  /** One 20 ms frame of agent audio at 16 kHz; false when the frame was dropped (slow client). */
  sendAudio(pcm: Int16Array): boolean;
  sendEvent(message: ServerMessage): void;
  /** Barge-in: stop whatever the client is still playing. */
  clearPlayback(): void;
  /** Close the connection after the call ended. */
  close(code: number, reason: string): void;
  /** Audio sent but not yet confirmed played by the far end (carrier marks); what an interruption subtracts from "heard". */
  unplayedMs?(): number;
}

/** A session's logger: Fastify's (pino) in the gateway, whose `child` binds the call's ids to every line. */
export interface SessionLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child?(bindings: Record<string, unknown>): SessionLog;
}

/** `log` with `bindings` on every line: pino's child when there is one, else merged into each line's object. */
function boundLog(log: SessionLog, bindings: Record<string, unknown>): SessionLog {
  return log.child ? log.child(bindings) : mergedLog(log, bindings);
}

/** `bindings` merged into each line's object: a line that names one of them itself says it once, not twice. */
function mergedLog(log: SessionLog, bindings: Record<string, unknown>): SessionLog {
  return {
    info: (obj, msg) => log.info({ ...bindings, ...obj }, msg),
    warn: (obj, msg) => log.warn({ ...bindings, ...obj }, msg),
    error: (obj, msg) => log.error({ ...bindings, ...obj }, msg),
  };
}

export interface CallSessionOptions {
  tenant: TenantScope;
  agentId: string;
  agent: AgentConfig;
  channel: Channel;
  caller?: string;
  gatewayId: string;
  brain: Brain;
  pipelineFactory: PipelineFactory;
  transport: CallTransport;
  metrics: GatewayMetrics;
  /** The process's heartbeat registry: a live call is beaten for until it ends. */
  heartbeats: CallHeartbeats;
  log: SessionLog;
  clock?: Clock;
  /** Where call recordings go (agent setting `recordCalls`), under `<workspace>/<call>.wav`. */
  recordings?: RecordingStore;
  /** Extra call row fields from the transport (provider call id, callee). */
  callFields?: { providerCallId?: string; callee?: string; metadata?: Record<string, unknown> };
  /** A call row created earlier (a carrier webhook, status ringing): the session adopts it instead of inserting one. */
  callId?: string;
  /** A dashboard test call (the agent's draft, "Try this agent"): a call, but it does not activate the workspace. */
  test?: boolean;
  /** Where the session's record goes; default a call (`callRecordStore` from the options above). */
  store?: CallRecordStore;
  /** A sales practice session (its store is the practice store): on the trace and on every log line. */
  practiceSessionId?: string;
  /** OpenTelemetry: one trace per session (`tracing.ts`); absent, tracing is off and costs nothing. */
  tracer?: Tracer;
}

/**
 * One call: its record (the call row by default, `CallRecordStore`), the pipeline assembled from the
 * agent, steady 20 ms output pacing, the turn log written as each turn completes, and one way to end.
 * The session knows no wire format.
 */
export class CallSession {
  readonly callId: string;
  private pipeline!: Pipeline;
  /** The providers behind the pipeline: usage per turn and call, and their release at hang-up. */
  private stack: CallPipeline | undefined;
  private brainSession!: BrainSession;
  private pacer!: OutputPacer;
  private recorder!: TurnRecorder;
  private readonly clock: Clock;
  private startedAt = new Date();
  private ended = false;
  private endAfterPlayback: EndReason | undefined;
  private pendingWrites = new Set<Promise<unknown>>();
  private events: SessionNote[] = [];
  private recording: CallRecording | undefined;
  private readonly store: CallRecordStore;
  /** Caller audio received, in ms of audio: the timeline the caller's speech is measured on. */
  private audioMs = 0;
  /** The caller's turn under way (turn-taker `user-turn-start` → `user-turn-end`), on the audio timeline. */
  private speech: { at: Date; fromAudioMs: number; speechMs?: number } | undefined;
  /** Why the brain ended the call (`agent-end`), for stores that keep it. */
  private agentEndReason: string | undefined;
  private trace: CallTrace | undefined;
  /** The session's logger: every line carries callId, workspaceId and agentId (and practiceSessionId). */
  readonly log: SessionLog;
  /** The same ids for the pipeline's lines, merged (they name callId themselves). */
  private readonly pipelineLog: SessionLog;
  lastActivityAt = Date.now();

  constructor(private readonly o: CallSessionOptions) {
    this.clock = o.clock ?? systemClock;
    this.store =
      o.store ??
      callRecordStore({
        tenant: o.tenant,
        agentId: o.agentId,
        channel: o.channel,
        ...(o.caller !== undefined ? { caller: o.caller } : {}),
        gatewayId: o.gatewayId,
        ...(o.callFields ? { callFields: o.callFields } : {}),
        ...(o.callId ? { callId: o.callId } : {}),
        ...(o.test ? { test: true } : {}),
        log: { error: (obj, msg) => this.log.error(obj, msg) },
      });
    this.callId = this.store.id;
    const ids = {
      callId: this.callId,
      workspaceId: o.tenant.workspaceId,
      agentId: o.agentId,
      ...(o.practiceSessionId ? { practiceSessionId: o.practiceSessionId } : {}),
    };
    this.log = boundLog(o.log, ids);
    this.pipelineLog = mergedLog(o.log, ids);
  }

  /** Writes the session's record (the call row), builds the pipeline and lets the agent greet. */
  async start(): Promise<void> {
    const o = this.o;
    this.startedAt = new Date();
    await this.store.start(this.startedAt);
    this.trace = startCallTrace(
      o.tracer,
      {
        callId: this.callId,
        workspaceId: o.tenant.workspaceId,
        agentId: o.agentId,
        channel: o.channel,
        ...(o.practiceSessionId ? { practiceSessionId: o.practiceSessionId } : {}),
        ...(o.test ? { test: true } : {}),
      },
      this.startedAt,
      this.clock,
    );
    o.metrics.liveCalls.inc({ channel: o.channel });
    if (o.agent.recordCalls && o.recordings) {
      this.recording = new CallRecording(o.recordings, `${o.tenant.workspaceId}/${this.callId}.wav`);
    }
    this.recorder = new TurnRecorder(
      (turn) => {
        this.trace?.turn(turn, this.ended);
        countTurnUsage(o.metrics, turn.usage);
        void this.track(this.store.turn(turn));
      },
      undefined,
      (options) => this.stack?.takeUsage?.(options),
    );
    this.pacer = new OutputPacer({
      // One shared timer per 2 ms slot for every call's pacer in the process (P1 capacity).
      clock: o.clock ?? pacingClock,
      sampleRate: PIPELINE_RATE,
      send: (pcm) => {
        this.recording?.agentFrame(pcm);
        if (o.transport.sendAudio(pcm)) o.metrics.framesOut.inc();
        else o.metrics.framesDropped.inc();
      },
      onSpeaking: (speaking) => this.onSpeaking(speaking),
      onDelay: (late) => o.metrics.frameDelay.observe(late),
    });
    const call: CallContext = { callId: this.callId, workspaceId: o.tenant.workspaceId, agentId: o.agentId, channel: o.channel, caller: o.caller };
    this.brainSession = o.brain.startSession(call);
    const built = await o.pipelineFactory({
      agentId: o.agentId,
      agent: o.agent,
      brain: o.brain,
      session: this.brainSession,
      // Upstream only errors matter here; an interrupt travels both ways and is handled once, downstream.
      sinks: { down: (f) => this.fromPipeline(f), up: (f) => f.type === "error" && this.fromPipeline(f) },
      tenant: o.tenant,
      call,
      log: this.pipelineLog,
    });
    this.stack = built instanceof Pipeline ? { pipeline: built } : built;
    this.pipeline = this.stack.pipeline;
    if (this.stack.session) this.brainSession = this.stack.session;
    for (const n of this.stack.notes ?? []) this.note(n.kind, n.detail);
    // Lets the reaper tell a live call from one whose process died.
    if (this.store.heartbeats) o.heartbeats.add(o.tenant, this.callId);
    this.pipeline.push(frames.start(PIPELINE_RATE, this.callId));
  }

  /** 20 ms of caller audio at 16 kHz. */
  pushAudio(pcm: Int16Array): void {
    if (this.ended) return;
    this.o.metrics.framesIn.inc();
    this.audioMs += (pcm.length * 1000) / PIPELINE_RATE;
    this.recording?.callerFrame(pcm);
    this.pipeline.push(frames.audioIn(pcm, PIPELINE_RATE));
  }

  pushText(text: string): void {
    if (this.ended) return;
    this.lastActivityAt = Date.now();
    this.interruptIfSpeaking("client");
    this.recorder.callerSaid(text);
    this.o.transport.sendEvent({ type: "transcript", role: "user", text, final: true });
    this.pipeline.push(frames.userInput({ kind: "typed", text }));
  }

  pushDtmf(digits: string): void {
    if (this.ended) return;
    this.lastActivityAt = Date.now();
    this.recorder.callerSaid(`[dtmf ${digits}]`);
    this.pipeline.push(frames.userInput({ kind: "dtmf", digits }));
  }

  private interruptIfSpeaking(reason: "client" | "barge-in") {
    if (this.pacer.queuedMs > 0) {
      this.pipeline.push(frames.interrupt(reason));
    }
  }

  private fromPipeline(frame: Frame): void {
    const { transport, metrics } = this.o;
    switch (frame.type) {
      case "audio-out":
        this.recorder.agentAudio(frame.text, (frame.pcm.length * 1000) / frame.sampleRate);
        this.pacer.enqueue(frame.pcm);
        this.pacer.flush();
        break;
      case "interrupt": {
        const playedMs = Math.max(0, this.pacer.playedMs - (transport.unplayedMs?.() ?? 0));
        this.pacer.clear();
        transport.clearPlayback();
        const heard = this.recorder.interrupted(playedMs);
        this.brainSession.interrupted?.(heard);
        this.note("interrupted", { heard, reason: frame.reason });
        break;
      }
      case "user-turn-start": {
        this.lastActivityAt = Date.now();
        // The turn-taker starts a turn only after this much speech: the words began that long ago.
        const t = this.o.agent.turnTaking;
        const lead = frame.bargeIn ? Math.max(t.bargeInMs, t.minSpeechMs) : t.minSpeechMs;
        this.speech = { at: new Date(Date.now() - lead), fromAudioMs: Math.max(0, this.audioMs - lead) };
        break;
      }
      case "user-turn-end":
        if (this.speech) this.speech.speechMs = Math.max(0, Math.round(this.audioMs - frame.trailingSilenceMs - this.speech.fromAudioMs));
        break;
      case "transcript":
        transport.sendEvent({ type: "transcript", role: "user", text: frame.text, final: frame.final });
        if (frame.final && frame.text.trim()) this.recorder.callerSaid(frame.text, this.takeSpeech());
        break;
      case "text":
        this.recorder.agentSentence(frame.text);
        transport.sendEvent({ type: "transcript", role: "agent", text: frame.text, final: true });
        break;
      case "agent-turn-end":
        this.recorder.agentDone();
        if (this.pacer.queuedMs === 0) this.recorder.playbackFinished();
        break;
      case "tool-call":
        transport.sendEvent({ type: "tool", name: frame.name, status: "started" });
        break;
      case "tool-result":
        this.trace?.toolFinished(frame.call);
        this.recorder.tool(frame.call);
        transport.sendEvent({ type: "tool", name: frame.call.name, status: frame.call.ok ? "succeeded" : "failed" });
        break;
      case "transfer":
        this.note("transfer", { to: frame.to, reason: frame.reason });
        this.endAfterPlayback = "transfer";
        break;
      case "agent-end":
        this.agentEndReason = frame.reason;
        this.endAfterPlayback = "agent_ended";
        if (this.pacer.queuedMs === 0) void this.end("agent_ended");
        break;
      case "turn-metrics": {
        const m = frame.metrics;
        this.recorder.latency(m);
        for (const stage of ["asr", "llm", "tts", "e2e"] as const) {
          const v = m[`${stage}_ms`];
          if (v !== undefined) metrics.turnLatency.observe({ stage }, v);
        }
        break;
      }
      case "watchdog":
        this.note("watchdog", { action: frame.action, attempt: frame.attempt });
        if (frame.action === "end") this.endAfterPlayback = "agent_ended";
        break;
      case "error":
        this.note("error", frame.error);
        this.log.warn({ error: frame.error }, "pipeline error");
        if (frame.error.fatal) void this.end("error");
        break;
      default:
        break;
    }
  }

  /** The caller's speech of the turn just recognised, once. */
  private takeSpeech(): CallerSpeech | undefined {
    const s = this.speech;
    this.speech = undefined;
    return s?.speechMs !== undefined ? { at: s.at, speechMs: s.speechMs } : undefined;
  }

  private onSpeaking(speaking: boolean) {
    this.pipeline.push(frames.agentSpeaking(speaking), "up");
    if (speaking) return this.recorder.agentPlaying();
    this.recorder.playbackFinished();
    if (this.endAfterPlayback) void this.end(this.endAfterPlayback);
  }

  private note(kind: string, detail?: unknown) {
    this.events.push({ at: new Date().toISOString(), kind, ...(detail === undefined ? {} : { detail }) });
  }

  private track(p: Promise<unknown>) {
    const tracked = p.catch((error: unknown) => this.log.error({ err: error }, "call write failed")).finally(() => this.pendingWrites.delete(tracked));
    this.pendingWrites.add(tracked);
    return tracked;
  }

  /**
   * Ends the call once: stops audio, writes the open turn and the record's end, closes the wire.
   * `detail` says how, where the reason lumps cases together (`disconnected`: the socket closed without
   * an `end` message; `time_up`: the gateway's time limit); the brain's own reason is added here.
   */
  async end(reason: EndReason, closeCode = 1000, detail?: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const o = this.o;
    if (this.store.heartbeats) o.heartbeats.remove(o.tenant, this.callId);
    if (this.pacer) {
      this.pacer.stop();
      if (this.pipeline) this.pipeline.push(frames.end(reason));
      this.recorder.close();
      o.metrics.liveCalls.dec({ channel: o.channel });
    }
    o.metrics.callsEnded.inc({ reason });
    const endedAt = new Date();
    const recorded = this.recording?.close().then(
      () => true,
      (err: unknown) => (this.log.error({ err }, "call recording failed"), false),
    );
    const stack = this.stack;
    const how = detail ?? (reason === "agent_ended" ? this.agentEndReason : undefined);
    const told = await this.store
      .end({
        reason,
        ...(how ? { detail: how } : {}),
        startedAt: this.startedAt,
        endedAt,
        notes: this.events,
        ...(stack?.summaryModel ? { summaryModel: stack.summaryModel } : {}),
        settle: async () => {
          const totals = stack?.totalUsage?.();
          stack?.close?.();
          await Promise.allSettled([...this.pendingWrites]);
          const recordingPath = (await recorded) ? this.recording?.location : undefined;
          return { ...(totals ? { totals } : {}), ...(recordingPath ? { recordingPath } : {}) };
        },
      })
      .catch((error: unknown) => (this.log.error({ err: error }, "session close failed"), undefined));
    this.trace?.end(reason, endedAt, this.startedAt, how);
    o.transport.sendEvent({ type: "end", reason: told ?? reason });
    o.transport.close(closeCode, told ?? reason);
    this.log.info({ reason }, "call ended");
  }

  get isEnded() {
    return this.ended;
  }
}
