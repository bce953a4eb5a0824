import type { AgentConfig, Channel, ServerMessage } from "@orbis/contracts";
import { createId } from "@orbis/contracts";
import { buildCallSummary, summarizeWithModel, type SummaryTurn } from "@orbis/agent-runtime";
import type { TenantScope } from "@orbis/db";
import { systemTimerClock as systemClock, type TimerClock as Clock } from "@orbis/ports";
import { frames, OutputPacer, pacingClock, Pipeline, type Brain, type BrainSession, type CallContext, type Frame } from "@orbis/voice";
import type { CallPipeline, PipelineFactory } from "./agent-pipeline.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { TurnRecorder, type CompletedTurn } from "./turn-recorder.ts";
import { CallRecording, type RecordingStore } from "@orbis/recordings";
import type { CallHeartbeats } from "./call-heartbeats.ts";

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
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  clock?: Clock;
  /** Where call recordings go (agent setting `recordCalls`), under `<workspace>/<call>.wav`. */
  recordings?: RecordingStore;
  /** Extra call row fields from the transport (provider call id, callee). */
  callFields?: { providerCallId?: string; callee?: string; metadata?: Record<string, unknown> };
  /** A call row created earlier (a carrier webhook, status ringing): the session adopts it instead of inserting one. */
  callId?: string;
  /** A dashboard test call (the agent's draft, "Try this agent"): a call, but it does not activate the workspace. */
  test?: boolean;
}

export type EndReason = "caller_hangup" | "agent_ended" | "transfer" | "idle_timeout" | "error" | "server_shutdown" | "protocol_error";

/**
 * One call: the call row, the pipeline assembled from the agent, steady 20 ms output pacing, the turn
 * log written as each turn completes, and one way to end. The session knows no wire format.
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
  private events: { at: string; kind: string; detail?: unknown }[] = [];
  private recording: CallRecording | undefined;
  /** What the call's summary is built from: each completed turn's caller text and tool calls. */
  private readonly turnLog: SummaryTurn[] = [];
  lastActivityAt = Date.now();

  constructor(private readonly o: CallSessionOptions) {
    this.clock = o.clock ?? systemClock;
    this.callId = o.callId ?? createId("call");
  }

  /** Writes the call row, builds the pipeline and lets the agent greet. */
  async start(): Promise<void> {
    const o = this.o;
    this.startedAt = new Date();
    if (o.callId) {
      await o.tenant.calls.update(o.callId, { status: "in_progress", gatewayId: o.gatewayId, heartbeatAt: this.startedAt, answeredAt: this.startedAt });
    } else
      await o.tenant.transaction(async (t) => {
        const call = await t.calls.insert({
          id: this.callId,
          agentId: o.agentId,
          channel: o.channel,
          caller: o.caller ?? null,
          callee: o.callFields?.callee ?? null,
          providerCallId: o.callFields?.providerCallId ?? null,
          status: "in_progress",
          gatewayId: o.gatewayId,
          heartbeatAt: this.startedAt,
          startedAt: this.startedAt,
          answeredAt: this.startedAt,
          metadata: this.metadata(),
        });
        await t.events.record("call.started", {
          callId: call.id,
          agentId: call.agentId,
          channel: call.channel,
          direction: call.direction,
          caller: call.caller,
          startedAt: call.startedAt.toISOString(),
        });
      });
    o.metrics.liveCalls.inc({ channel: o.channel });
    if (o.agent.recordCalls && o.recordings) {
      this.recording = new CallRecording(o.recordings, `${o.tenant.workspaceId}/${this.callId}.wav`);
    }
    this.recorder = new TurnRecorder(
      (turn) => this.persistTurn(turn),
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
      log: o.log,
    });
    this.stack = built instanceof Pipeline ? { pipeline: built } : built;
    this.pipeline = this.stack.pipeline;
    if (this.stack.session) this.brainSession = this.stack.session;
    for (const n of this.stack.notes ?? []) this.note(n.kind, n.detail);
    // Lets the reaper tell a live call from one whose process died.
    o.heartbeats.add(o.tenant, this.callId);
    this.pipeline.push(frames.start(PIPELINE_RATE, this.callId));
  }

  /** 20 ms of caller audio at 16 kHz. */
  pushAudio(pcm: Int16Array): void {
    if (this.ended) return;
    this.o.metrics.framesIn.inc();
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
      case "user-turn-start":
        this.lastActivityAt = Date.now();
        break;
      case "transcript":
        transport.sendEvent({ type: "transcript", role: "user", text: frame.text, final: frame.final });
        if (frame.final && frame.text.trim()) this.recorder.callerSaid(frame.text);
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
        this.recorder.tool(frame.call);
        transport.sendEvent({ type: "tool", name: frame.call.name, status: frame.call.ok ? "succeeded" : "failed" });
        break;
      case "transfer":
        this.note("transfer", { to: frame.to, reason: frame.reason });
        this.endAfterPlayback = "transfer";
        break;
      case "agent-end":
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
        this.o.log.warn({ callId: this.callId, error: frame.error }, "pipeline error");
        if (frame.error.fatal) void this.end("error");
        break;
      default:
        break;
    }
  }

  private onSpeaking(speaking: boolean) {
    this.pipeline.push(frames.agentSpeaking(speaking), "up");
    if (speaking) return;
    this.recorder.playbackFinished();
    if (this.endAfterPlayback) void this.end(this.endAfterPlayback);
  }

  private note(kind: string, detail?: unknown) {
    this.events.push({ at: new Date().toISOString(), kind, ...(detail === undefined ? {} : { detail }) });
  }

  private metadata(): Record<string, unknown> {
    return { ...(this.o.callFields?.metadata ?? {}), ...(this.o.test ? { test: true } : {}) };
  }

  private persistTurn(turn: CompletedTurn) {
    this.turnLog.push({ userText: turn.userText, agentText: turn.agentText, toolCalls: turn.toolCalls });
    const l = turn.latency;
    const ms = (v: number | undefined) => (v === undefined ? null : Math.round(v));
    void this.track(
      this.o.tenant.calls.insertTurn({
        id: createId("turn"),
        callId: this.callId,
        seq: turn.seq,
        userText: turn.userText,
        agentText: turn.agentText,
        heardText: turn.heardText,
        interrupted: turn.interrupted,
        toolCalls: turn.toolCalls,
        endpointMs: ms(l?.endpoint_ms),
        asrMs: ms(l?.asr_ms),
        llmMs: ms(l?.llm_ms),
        ttsMs: ms(l?.tts_ms),
        e2eMs: ms(l?.e2e_ms),
        ...(turn.usage ? { servedBy: turn.usage.servedBy, usage: turn.usage.usage, costUsd: turn.usage.costUsd } : {}),
        startedAt: turn.startedAt,
        endedAt: turn.endedAt,
      }),
    );
  }

  private track(p: Promise<unknown>) {
    const tracked = p
      .catch((error: unknown) => this.o.log.error({ callId: this.callId, err: error }, "call write failed"))
      .finally(() => this.pendingWrites.delete(tracked));
    this.pendingWrites.add(tracked);
    return tracked;
  }

  /** Ends the call once: stops audio, writes the open turn and the call's outcome, closes the wire. */
  async end(reason: EndReason, closeCode = 1000): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const o = this.o;
    o.heartbeats.remove(o.tenant, this.callId);
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
      (err: unknown) => (o.log.error({ callId: this.callId, err }, "call recording failed"), false),
    );
    // The outcome and summary from the call's structured record; an agent with an LLM may word the
    // summary itself (bounded wait, and before the totals so its tokens are counted).
    const timezone = await o.tenant.workspace.get().then(
      (w) => w?.timezone ?? "UTC",
      () => "UTC",
    );
    const result = buildCallSummary(this.turnLog, { timezone, endReason: reason });
    const model = this.stack?.summaryModel;
    const summary = (model && (await summarizeWithModel(model, this.turnLog, result))) || result.summary;
    const { outcome } = result;
    const totals = this.stack?.totalUsage?.();
    this.stack?.close?.();
    await Promise.allSettled([...this.pendingWrites]);
    const recordingPath = (await recorded) ? this.recording?.location : undefined;
    const status = reason === "error" ? "failed" : "completed";
    const durationSec = Math.max(0, Math.round((endedAt.getTime() - this.startedAt.getTime()) / 1000));
    // The close, its outcome and summary, `call.ended` and (for the workspace's first real call)
    // `user.activated` are one transaction.
    await o.tenant
      .transaction(async (t) => {
        await t.calls.update(this.callId, {
          status,
          endedAt,
          durationSec,
          endReason: reason,
          outcome,
          summary,
          ...(recordingPath ? { recordingPath } : {}),
          ...(totals ? { usage: totals.usage, costUsd: totals.costUsd } : {}),
          metadata: { ...this.metadata(), events: this.events },
        });
        // Once per call, even when the reaper closed it first (a stalled process that came back); none
        // for a call whose row was never written.
        if (!(await t.calls.get(this.callId)) || (await t.events.existsForCall("call.ended", this.callId, new Date(this.startedAt.getTime() - 60_000)))) return;
        await t.events.record("call.ended", {
          callId: this.callId,
          agentId: o.agentId,
          channel: o.channel,
          status,
          durationSec,
          endReason: reason,
          outcome,
          summary,
          endedAt: endedAt.toISOString(),
        });
        if (!o.test) await t.events.recordOnce("user.activated", { workspaceId: o.tenant.workspaceId, callId: this.callId, channel: o.channel });
      })
      .catch((error: unknown) => o.log.error({ callId: this.callId, err: error }, "call close failed"));
    o.transport.sendEvent({ type: "end", reason });
    o.transport.close(closeCode, reason);
    o.log.info({ callId: this.callId, reason }, "call ended");
  }

  get isEnded() {
    return this.ended;
  }
}
