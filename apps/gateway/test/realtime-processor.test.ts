import { describe, expect, it } from "vitest";
import { ProviderError, type RealtimeEvent, type RealtimeProvider, type RealtimeSession, type Vad } from "@orbis/ports";
import type { RealtimeAgent } from "@orbis/brain";
import { ProviderHealth } from "@orbis/providers";
import { frames, type Frame } from "@orbis/voice";
import { CALL_CONNECTED_CUE, realtimePipeline } from "../src/realtime-pipeline.ts";

/** A scripted realtime session: the test pushes provider events, and sees what the gateway sent. */
class FakeSession implements RealtimeSession {
  readonly audio: Int16Array[] = [];
  readonly toolResults: { id: string; result: unknown }[] = [];
  readonly texts: string[] = [];
  closed = false;
  private readonly pending: RealtimeEvent[] = [];
  private wake: (() => void) | null = null;
  emit(e: RealtimeEvent): void {
    this.pending.push(e);
    this.wake?.();
  }
  sendAudio(pcm: Int16Array): void {
    this.audio.push(pcm);
  }
  sendText(text: string): void {
    this.texts.push(text);
  }
  sendToolResult(id: string, result: unknown): void {
    this.toolResults.push({ id, result });
  }
  async *events(): AsyncIterable<RealtimeEvent> {
    while (!this.closed) {
      const e = this.pending.shift();
      if (e) yield e;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
}

const energyVad: Vad = { sampleRate: 16000, frameSamples: 320, process: (pcm) => pcm.some((s) => Math.abs(s) > 1000), reset: () => {}, free: () => {} };
const agent: RealtimeAgent = {
  instructions: () => "be brief",
  tools: [],
  greets: true,
  startSession: () => ({
    runTool: async (name, args) => ({
      record: { name, args, ok: true, result: { reason: "done" }, ms: 1 },
      response: { reason: "done" },
      ...(name === "end_call" ? { stop: { type: "end" as const, reason: "done" } } : {}),
    }),
  }),
};

async function setup() {
  const session = new FakeSession();
  const provider: RealtimeProvider = { id: "fake-live:m1", inputSampleRate: 16000, connect: async () => session };
  const health = new ProviderHealth();
  const down: Frame[] = [];
  const up: Frame[] = [];
  const call = { callId: "call_rt000000000000000000", workspaceId: "ws_a", agentId: "agt_rt0000000000000000000", channel: "web" as const };
  const built = await realtimePipeline({
    provider,
    providerKey: "fake-live",
    health,
    agent,
    call,
    vad: energyVad,
    sinks: { down: (f) => down.push(f), up: (f) => up.push(f) },
    prices: { "fake-live": { realtimePerMinute: 0.6 } },
    log: { warn: () => {} },
  });
  built.pipeline.push(frames.start(16000, call.callId));
  return { session, health, down, up, built };
}

const loud = () => new Int16Array(320).fill(5000);
const of = <T extends Frame["type"]>(list: Frame[], type: T) => list.filter((f): f is Extract<Frame, { type: T }> => f.type === type);

describe("RealtimeProcessor", () => {
  it("streams caller audio to the model and turns its events into the cascade's frames", async () => {
    const { session, down, built } = await setup();
    for (let i = 0; i < 50; i++) built.pipeline.push(frames.audioIn(i < 25 ? loud() : new Int16Array(320)));
    expect(session.audio).toHaveLength(50);

    session.emit({ type: "transcript", role: "user", text: "hi", final: true });
    session.emit({ type: "audio", pcm: new Int16Array(320), sampleRate: 16000 });
    session.emit({ type: "transcript", role: "agent", text: "Hello there", final: false });
    session.emit({ type: "audio", pcm: new Int16Array(320), sampleRate: 16000 });
    session.emit({ type: "transcript", role: "agent", text: "Hello there, how can I help?", final: true });
    await expect.poll(() => of(down, "agent-turn-end").length).toBe(1);

    expect(of(down, "transcript")).toEqual([{ type: "transcript", lane: "data", text: "hi", final: true }]);
    expect(of(down, "audio-out").map((f) => f.text)).toEqual(["", "Hello there"]);
    expect(of(down, "text")).toEqual([{ type: "text", lane: "data", text: "Hello there, how can I help?", turn: 1 }]);
    const metrics = of(down, "turn-metrics");
    expect(metrics).toHaveLength(1);
    expect(metrics[0]!.metrics.e2e_ms).toBeGreaterThanOrEqual(0);

    const slice = built.takeUsage!({ sttToNextTurn: false });
    expect(slice.servedBy).toEqual([expect.objectContaining({ capability: "realtime", servedBy: "fake-live:m1" })]);
    expect(slice.usage["fake-live:m1"]?.realtimeSeconds).toBeCloseTo(1, 6);
    expect(slice.costUsd).toBeCloseTo(0.01, 6);
    built.close!();
    expect(session.closed).toBe(true);
  });

  it("cues the model to greet when the call starts; typed text and DTMF go in as text", async () => {
    const { session, built } = await setup();
    expect(session.texts).toEqual([CALL_CONNECTED_CUE]);
    built.pipeline.push(frames.userInput({ kind: "typed", text: "Do you take insurance?" }));
    built.pipeline.push(frames.userInput({ kind: "dtmf", digits: "1" }));
    built.pipeline.push(frames.userInput({ kind: "silence" }));
    await built.pipeline.idle();
    expect(session.texts).toEqual([CALL_CONNECTED_CUE, "Do you take insurance?", "(The caller pressed 1 on the keypad.)"]);
    built.close!();
  });

  it("barge-in: the partial reply goes into the turn, then interrupt; the cut response's final transcript is dropped", async () => {
    const { session, down, built } = await setup();
    session.emit({ type: "transcript", role: "user", text: "what are your hours", final: true });
    session.emit({ type: "transcript", role: "agent", text: "We are open Monday", final: false });
    session.emit({ type: "audio", pcm: new Int16Array(320), sampleRate: 16000 });
    session.emit({ type: "interrupted" });
    session.emit({ type: "transcript", role: "agent", text: "We are open Monday to", final: true });
    session.emit({ type: "transcript", role: "user", text: "wait", final: true });
    await expect.poll(() => of(down, "transcript").length).toBe(2);
    const types = down.map((f) => f.type).filter((t) => t !== "turn-metrics");
    expect(types).toEqual(["start", "transcript", "audio-out", "text", "interrupt", "transcript"]);
    expect(of(down, "text").map((f) => f.text)).toEqual(["We are open Monday"]);
    built.close!();
  });

  it("tool calls run through the agent's tools, results go back to the model; end_call ends after playback; a provider error ends the call and opens the breaker", async () => {
    const { session, down, up, health, built } = await setup();
    session.emit({ type: "tool-call", id: "fc_1", name: "end_call", args: { reason: "done" } });
    await expect.poll(() => of(down, "agent-end").length).toBe(1);
    expect(of(down, "tool-call")).toMatchObject([{ name: "end_call" }]);
    expect(of(down, "tool-result")).toMatchObject([{ call: { name: "end_call", ok: true } }]);
    expect(session.toolResults).toEqual([{ id: "fc_1", result: { reason: "done" } }]);

    session.emit({ type: "error", error: new ProviderError("socket closed 1008", { provider: "fake-live:m1", retryable: false }) });
    await expect.poll(() => up.length).toBe(1);
    expect(up[0]).toMatchObject({ type: "error", error: { fatal: true, retryable: false } });
    expect(health.isAvailable("fake-live")).toBe(false);
    built.close!();
  });
});
