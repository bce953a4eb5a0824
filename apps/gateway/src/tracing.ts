import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from "@opentelemetry/api";
import type { Channel } from "@orbis/contracts";
import type { TimerClock } from "@orbis/ports";
import type { ToolCallRecord, TurnLatency } from "@orbis/voice";
import type { EndReason } from "./call-record-store.ts";
import type { CompletedTurn } from "./turn-recorder.ts";

/** The name the gateway's spans are created under (`otel.scope.name`). */
export const GATEWAY_TRACER = "@orbis/gateway";

/** Span names: one `call` per session, a `turn` per completed turn, a span per stage inside it. */
export const SPAN = {
  call: "call",
  turn: "turn",
  endpointing: "endpointing",
  stt: "stt",
  brain: "brain",
  tool: "tool",
  tts: "tts",
  firstAudio: "first_audio",
} as const;

/** What the trace of a session is tagged with. */
interface CallTraceInfo {
  callId: string;
  workspaceId: string;
  agentId: string;
  channel: Channel;
  /** A sales practice session (its id is the session's): the same spans, marked `practice.session`. */
  practiceSessionId?: string;
  /** A dashboard test call of the agent's draft. */
  test?: boolean;
}

/** How a turn ended: its reply played out, the caller cut it, or the call ended with it open. */
type TurnOutcome = "answered" | "no_reply" | "interrupted" | "call_ended";

/**
 * One trace per call, built from what the session already measures: the `call` span is live from start
 * to end, and each turn's spans are written in one go when the turn completes, with explicit start and
 * end times taken from the turn's timestamps (`TurnLatency`, `ToolCallRecord.ms`). Nothing runs per
 * audio frame. Spans carry ids, timings and outcomes, never what was said.
 *
 * The parent is passed as an explicit context rather than through the active context: a call's turns
 * complete in callbacks that no async context links back to the call, and it keeps the gateway on the
 * plain API whatever context manager (if any) the process registered.
 */
export class CallTrace {
  private readonly span: Span;
  private readonly parent: Context;
  /** When each tool call finished (epoch ms), noted as its result arrives; the record itself has only its length. */
  private readonly toolEnds = new WeakMap<ToolCallRecord, number>();

  constructor(
    private readonly tracer: Tracer,
    info: CallTraceInfo,
    startedAt: Date,
    /** The clock the pipeline's turn timestamps are on (monotonic ms). */
    private readonly clock: TimerClock,
  ) {
    const attributes: Attributes = {
      "orbis.call.id": info.callId,
      "orbis.workspace.id": info.workspaceId,
      "orbis.agent.id": info.agentId,
      "orbis.call.channel": info.channel,
    };
    if (info.practiceSessionId) {
      attributes["practice.session"] = true;
      attributes["orbis.practice.session_id"] = info.practiceSessionId;
    }
    if (info.test) attributes["orbis.call.test"] = true;
    this.span = tracer.startSpan(SPAN.call, { kind: SpanKind.SERVER, startTime: startedAt, attributes, root: true }, ROOT_CONTEXT);
    this.parent = trace.setSpan(ROOT_CONTEXT, this.span);
  }

  /** A tool call's result reached the session: it finished now, having run `call.ms`. */
  toolFinished(call: ToolCallRecord): void {
    this.toolEnds.set(call, Date.now());
  }

  /** A completed turn (as stored): its `turn` span and the stage spans inside it. */
  turn(turn: CompletedTurn, callEnding: boolean): void {
    const outcome: TurnOutcome = turn.interrupted ? "interrupted" : callEnding ? "call_ended" : turn.agentText === null ? "no_reply" : "answered";
    const stages = turn.latency ? this.stages(turn.latency) : [];
    const tools = turn.toolCalls.map((call) => {
      const end = this.toolEnds.get(call) ?? turn.endedAt.getTime();
      return { call, start: end - call.ms, end };
    });
    // The turn spans everything measured for it: the caller's words and endpointing come before the
    // final transcript that opened the turn's record.
    const starts = [turn.startedAt.getTime(), ...stages.map((s) => s.start), ...tools.map((t) => t.start)];
    if (turn.callerSpeech) starts.push(turn.callerSpeech.at.getTime());
    const ends = [turn.endedAt.getTime(), ...stages.map((s) => s.end), ...tools.map((t) => t.end)];
    const attributes: Attributes = {
      "orbis.turn.seq": turn.seq,
      "orbis.turn.interrupted": turn.interrupted,
      "orbis.turn.outcome": outcome,
      "orbis.turn.agent_audio_ms": Math.round(turn.agentAudioMs),
    };
    if (turn.latency?.e2e_ms !== undefined) attributes["orbis.turn.e2e_ms"] = turn.latency.e2e_ms;
    if (turn.playedMs !== undefined) attributes["orbis.turn.played_ms"] = Math.round(turn.playedMs);
    if (turn.toolCalls.length) attributes["orbis.turn.tool_calls"] = turn.toolCalls.length;
    const span = this.tracer.startSpan(SPAN.turn, { startTime: Math.min(...starts), attributes }, this.parent);
    const inside = trace.setSpan(this.parent, span);
    for (const s of stages) this.tracer.startSpan(s.name, { startTime: s.start, attributes: s.attributes }, inside).end(s.end);
    for (const { call, start, end } of tools) {
      const tool = this.tracer.startSpan(
        SPAN.tool,
        { startTime: start, attributes: { "orbis.tool.name": call.name, "orbis.tool.ok": call.ok, "orbis.tool.ms": call.ms } },
        inside,
      );
      if (!call.ok) tool.setStatus({ code: SpanStatusCode.ERROR, ...(call.error ? { message: call.error } : {}) });
      tool.end(end);
    }
    span.end(Math.max(...ends));
  }

  /** The session ended: the `call` span closes with how and how long. */
  end(reason: EndReason, endedAt: Date, startedAt: Date, detail?: string): void {
    this.span.setAttributes({
      "orbis.call.end_reason": reason,
      "orbis.call.duration_ms": Math.max(0, endedAt.getTime() - startedAt.getTime()),
      ...(detail ? { "orbis.call.end_detail": detail } : {}),
    });
    if (reason === "error" || reason === "protocol_error") this.span.setStatus({ code: SpanStatusCode.ERROR, message: detail ?? reason });
    this.span.end(endedAt);
  }

  /**
   * The stage spans of a spoken turn, on the wall clock. Each stage starts at its measured timestamp and
   * lasts the stage latency the turn stores (endpoint_ms, asr_ms, llm_ms, tts_ms), so a span's length is
   * the stored number; first audio runs from the first synthesised audio to the first frame sent.
   */
  private stages(l: TurnLatency): { name: string; start: number; end: number; attributes?: Attributes }[] {
    // One offset per turn maps the pipeline's monotonic clock onto epoch milliseconds.
    const offset = Date.now() - this.clock.now();
    const at = (t: number) => t + offset;
    const out: { name: string; start: number; end: number; attributes?: Attributes }[] = [];
    const stage = (name: string, start: number | undefined, ms: number | undefined, attributes?: Attributes) => {
      if (start === undefined || ms === undefined) return;
      out.push({ name, start: at(start), end: at(start) + ms, ...(attributes ? { attributes } : {}) });
    };
    stage(SPAN.endpointing, l.speechEndAt, l.endpoint_ms);
    stage(SPAN.stt, l.endpointAt, l.asr_ms);
    stage(SPAN.brain, l.sttFinalAt, l.llm_ms, { "orbis.stage.measures": "first_token" });
    stage(SPAN.tts, l.brainFirstTextAt, l.tts_ms, { "orbis.stage.measures": "first_audio" });
    if (l.ttsFirstAudioAt !== undefined && l.firstAudioSentAt !== undefined)
      stage(SPAN.firstAudio, l.ttsFirstAudioAt, l.firstAudioSentAt - l.ttsFirstAudioAt, { "orbis.stage.measures": "first_audio_sent" });
    return out;
  }
}

/** The trace of a session, or nothing at all when tracing is off (no tracer: no span objects, no work). */
export function startCallTrace(tracer: Tracer | undefined, info: CallTraceInfo, startedAt: Date, clock: TimerClock): CallTrace | undefined {
  return tracer ? new CallTrace(tracer, info, startedAt, clock) : undefined;
}
