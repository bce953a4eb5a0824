import { afterEach, describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
// The SDK's in-memory exporter (\`@opentelemetry/sdk-trace-base\` 2.x re-exports these from \`@opentelemetry/sdk-trace\`).
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { Registry } from "prom-client";
import type { ServerMessage } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { agentConfigSchema } from "@orbis/contracts";
import { systemTimerClock } from "@orbis/ports";
import { FrameProcessor, Pipeline, type Brain, type BrainSession, type Direction, type Frame, type ToolCallRecord, type TurnLatency } from "@orbis/voice";
import { CallHeartbeats } from "../src/call-heartbeats.ts";
import type { CallRecordStore } from "../src/call-record-store.ts";
import { CallSession, type SessionLog } from "../src/call-session.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import { GATEWAY_TRACER, SPAN, startCallTrace } from "../src/tracing.ts";
import type { CompletedTurn } from "../src/turn-recorder.ts";

/**
 * A scripted agent: greets on `start`; to each typed line it answers as a spoken turn would be measured
 * (a `turn-metrics` frame with its stage timestamps, on the session's clock), after one tool call. It
 * runs synchronously, as the pipeline's synchronous processors do: each turn completes as it is pushed.
 */
class ScriptedAgent extends FrameProcessor {
  readonly latencies: TurnLatency[] = [];
  private turn = 0;
  constructor() {
    super("scripted");
  }
  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === "start") {
      this.emit(frame, direction);
      this.emit({ type: "text", lane: "data", text: "Hello, how can I help?", turn: 0 });
      this.emit({ type: "agent-turn-end", lane: "data", turn: 0 });
      return;
    }
    if (frame.type !== "user-input") return this.emit(frame, direction);
    // A goodbye gets no answer before the caller hangs up: that turn is still open when the call ends.
    if (frame.input.kind === "typed" && frame.input.text.startsWith("Thanks")) return;
    const n = ++this.turn;
    // Stage lengths as a real turn has them: 300 ms silence, 180 ms STT, 240 ms to the first token, 95 ms TTS, 20 ms to the wire.
    const t0 = systemTimerClock.now() - 900;
    const latency: TurnLatency = {
      turn: n,
      speechEndAt: t0,
      endpointAt: t0 + 300,
      sttFinalAt: t0 + 480,
      brainFirstTextAt: t0 + 720,
      ttsFirstAudioAt: t0 + 815,
      firstAudioSentAt: t0 + 835,
      endpoint_ms: 300,
      asr_ms: 180,
      llm_ms: 240,
      tts_ms: 95,
      e2e_ms: 835,
    };
    this.latencies.push(latency);
    const call: ToolCallRecord = { name: "check_availability", args: { day: "tuesday" }, ok: n !== 2, ms: 120, ...(n === 2 ? { error: "calendar down" } : {}) };
    this.emit({ type: "tool-call", lane: "data", turn: n, name: call.name, args: call.args });
    this.emit({ type: "tool-result", lane: "data", turn: n, call });
    this.emit({ type: "text", lane: "data", text: `Answer ${n}.`, turn: n });
    this.emit({ type: "turn-metrics", lane: "data", keep: true, metrics: latency });
    this.emit({ type: "agent-turn-end", lane: "data", turn: n });
  }
}

const brainSession = { greet: async function* () {}, respond: async function* () {}, expecting: () => "none" } as unknown as BrainSession;
const brain: Brain = { id: "scripted", startSession: () => brainSession };
const silentLog: SessionLog = { info: () => {}, warn: () => {}, error: () => {} };

let heartbeats: CallHeartbeats | undefined;
afterEach(() => heartbeats?.stop());

/** One typed call on the scripted agent: what was stored, what the client was sent, and the agent. */
async function typedCall(o: { tracer?: Tracer; practiceSessionId?: string; lines: string[]; log?: SessionLog }) {
  const turns: CompletedTurn[] = [];
  const sent: ServerMessage[] = [];
  const store: CallRecordStore = {
    id: o.practiceSessionId ?? "call_traced000001",
    heartbeats: false,
    start: async () => {},
    turn: async (t) => void turns.push(t),
    end: async (e) => (await e.settle(), undefined),
  };
  const agent = new ScriptedAgent();
  heartbeats = new CallHeartbeats(() => {}, 60_000);
  const session = new CallSession({
    tenant: { workspaceId: "ws_tracing" } as unknown as TenantScope,
    agentId: "agt_tracing",
    agent: agentConfigSchema.parse({ name: "Tracing" }),
    channel: "web",
    gatewayId: "gw_test",
    brain,
    pipelineFactory: async ({ sinks }) => new Pipeline([agent], sinks),
    transport: { sendAudio: () => true, sendEvent: (m) => void sent.push(m), clearPlayback: () => {}, close: () => {} },
    metrics: createGatewayMetrics(new Registry()),
    heartbeats,
    log: o.log ?? silentLog,
    store,
    ...(o.practiceSessionId ? { practiceSessionId: o.practiceSessionId } : {}),
    ...(o.tracer ? { tracer: o.tracer } : {}),
  });
  await session.start();
  expect(turns).toHaveLength(1);
  for (const [i, line] of o.lines.entries()) {
    session.pushText(line);
    expect(turns).toHaveLength(i + 2);
  }
  // The last line's answer is still open when the caller hangs up: it is written as the call ends.
  session.pushText("Thanks, bye.");
  await session.end("caller_hangup");
  return { turns, sent, agent, session };
}

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, tracer: provider.getTracer(GATEWAY_TRACER) };
}

const ms = (s: ReadableSpan) => s.duration[0] * 1000 + s.duration[1] / 1e6;
const startMs = (s: ReadableSpan) => s.startTime[0] * 1000 + s.startTime[1] / 1e6;
const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) => spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

describe("call traces", () => {
  it("one `call` span per call, a `turn` child per stored turn, stage children as long as the stored latencies", async () => {
    const { exporter, tracer } = tracing();
    const { turns, agent } = await typedCall({ tracer, lines: ["Do you have Tuesday?", "And Wednesday?"] });
    const spans = exporter.getFinishedSpans();

    const calls = spans.filter((s) => s.name === SPAN.call);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.parentSpanContext).toBeUndefined();
    expect(call.kind).toBe(SpanKind.SERVER);
    expect(call.attributes).toMatchObject({
      "orbis.call.id": "call_traced000001",
      "orbis.workspace.id": "ws_tracing",
      "orbis.agent.id": "agt_tracing",
      "orbis.call.channel": "web",
      "orbis.call.end_reason": "caller_hangup",
    });
    expect(call.attributes["orbis.call.duration_ms"]).toBeTypeOf("number");
    expect(call.attributes["practice.session"]).toBeUndefined();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([call.spanContext().traceId]));

    // Greeting, two answers, and the goodbye still open at hang-up: four stored turns, four turn spans.
    expect(turns.map((t) => t.seq)).toEqual([0, 1, 2, 3]);
    const turnSpans = childrenOf(spans, call);
    expect(turnSpans.every((s) => s.name === SPAN.turn)).toBe(true);
    expect(turnSpans.map((s) => s.attributes["orbis.turn.seq"]).sort()).toEqual([0, 1, 2, 3]);
    const bySeq = (seq: number) => turnSpans.find((s) => s.attributes["orbis.turn.seq"] === seq)!;
    expect(bySeq(0).attributes).toMatchObject({ "orbis.turn.outcome": "answered", "orbis.turn.interrupted": false });
    expect(childrenOf(spans, bySeq(0))).toEqual([]);
    expect(bySeq(3).attributes["orbis.turn.outcome"]).toBe("call_ended");

    for (const seq of [1, 2]) {
      const stored = turns[seq]!.latency!;
      expect(stored).toBe(agent.latencies[seq - 1]);
      const stages = childrenOf(spans, bySeq(seq));
      const stage = (name: string) => stages.find((s) => s.name === name)!;
      expect(stages.map((s) => s.name).sort()).toEqual(["brain", "endpointing", "first_audio", "stt", "tool", "tts"]);
      expect(ms(stage(SPAN.endpointing))).toBeCloseTo(stored.endpoint_ms, 3);
      expect(ms(stage(SPAN.stt))).toBeCloseTo(stored.asr_ms!, 3);
      expect(ms(stage(SPAN.brain))).toBeCloseTo(stored.llm_ms!, 3);
      expect(ms(stage(SPAN.tts))).toBeCloseTo(stored.tts_ms!, 3);
      expect(ms(stage(SPAN.firstAudio))).toBeCloseTo(stored.firstAudioSentAt! - stored.ttsFirstAudioAt!, 3);
      // Stages follow each other as measured: STT starts where endpointing ends, and so on.
      expect(startMs(stage(SPAN.stt)) - startMs(stage(SPAN.endpointing))).toBeCloseTo(stored.endpoint_ms, 3);
      expect(startMs(stage(SPAN.brain)) - startMs(stage(SPAN.stt))).toBeCloseTo(stored.asr_ms!, 3);
      // The turn span holds its stages.
      expect(startMs(bySeq(seq))).toBeLessThanOrEqual(startMs(stage(SPAN.endpointing)) + 0.001);
      expect(bySeq(seq).attributes).toMatchObject({ "orbis.turn.seq": seq, "orbis.turn.e2e_ms": stored.e2e_ms, "orbis.turn.tool_calls": 1 });

      const tool = stage(SPAN.tool);
      expect(ms(tool)).toBeCloseTo(turns[seq]!.toolCalls[0]!.ms, 3);
      expect(tool.attributes).toMatchObject({ "orbis.tool.name": "check_availability", "orbis.tool.ms": 120, "orbis.tool.ok": seq !== 2 });
      expect(tool.status.code).toBe(seq === 2 ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
    }
    // Only ids and timings: nothing the caller or the agent said.
    const said = ["Tuesday", "Wednesday", "Answer", "Hello"];
    for (const s of spans) for (const v of Object.values(s.attributes)) for (const w of said) expect(String(v)).not.toContain(w);
  });

  it("a practice session is the same trace, marked practice.session", async () => {
    const { exporter, tracer } = tracing();
    await typedCall({ tracer, practiceSessionId: "prs_tracing0001", lines: ["Hi, this is Sam from Acme."] });
    const call = exporter.getFinishedSpans().find((s) => s.name === SPAN.call)!;
    expect(call.attributes).toMatchObject({ "practice.session": true, "orbis.practice.session_id": "prs_tracing0001", "orbis.call.id": "prs_tracing0001" });
    expect(childrenOf(exporter.getFinishedSpans(), call).length).toBe(3);
  });

  it("off (no tracer): no trace object, and the call stores and sends exactly what a traced call does", async () => {
    expect(
      startCallTrace(undefined, { callId: "call_x", workspaceId: "ws_x", agentId: "agt_x", channel: "web" }, new Date(), systemTimerClock),
    ).toBeUndefined();
    const { exporter, tracer } = tracing();
    const lines = ["Do you have Tuesday?", "And Wednesday?"];
    const traced = await typedCall({ tracer, lines });
    exporter.reset();
    const untraced = await typedCall({ lines });
    expect(exporter.getFinishedSpans()).toEqual([]);
    // Everything but the clock readings.
    const comparable = (t: CompletedTurn) => ({
      ...t,
      startedAt: 0,
      endedAt: 0,
      ...(t.latency
        ? { latency: { ...t.latency, speechEndAt: 0, endpointAt: 0, sttFinalAt: 0, brainFirstTextAt: 0, ttsFirstAudioAt: 0, firstAudioSentAt: 0 } }
        : {}),
    });
    expect(untraced.turns.map(comparable)).toEqual(traced.turns.map(comparable));
    expect(untraced.sent).toEqual(traced.sent);
  });
});

describe("call logs", () => {
  it("every line of a session carries callId, workspaceId and agentId: pino's child, or merged into a plain logger's lines", async () => {
    const childLines: { bindings: Record<string, unknown>; obj: object; msg?: string | undefined }[] = [];
    const pinoLike: SessionLog = {
      ...silentLog,
      child: (bindings) => ({
        info: (obj, msg) => void childLines.push({ bindings, obj, msg }),
        warn: (obj, msg) => void childLines.push({ bindings, obj, msg }),
        error: (obj, msg) => void childLines.push({ bindings, obj, msg }),
      }),
    };
    const { session } = await typedCall({ log: pinoLike, practiceSessionId: "prs_logs000001", lines: [] });
    const ended = childLines.find((l) => l.msg === "call ended")!;
    expect(ended.bindings).toEqual({ callId: "prs_logs000001", workspaceId: "ws_tracing", agentId: "agt_tracing", practiceSessionId: "prs_logs000001" });
    // The binding is the logger's: the line itself does not repeat callId (pino would print it twice).
    expect(ended.obj).toEqual({ reason: "caller_hangup" });
    expect(session.log).not.toBe(pinoLike);

    const plainLines: object[] = [];
    const plain: SessionLog = { info: (obj) => void plainLines.push(obj), warn: (obj) => void plainLines.push(obj), error: (obj) => void plainLines.push(obj) };
    await typedCall({ log: plain, lines: [] });
    expect(plainLines).toContainEqual({ callId: "call_traced000001", workspaceId: "ws_tracing", agentId: "agt_tracing", reason: "caller_hangup" });
  });
});
