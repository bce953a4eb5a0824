import { describe, expect, it, vi } from "vitest";
import { ProviderError, type ChatMessage } from "@orbis/ports";
import type { ServedRecord } from "../src/index.ts";
import { genAiClient } from "../src/gemini/client.ts";
import { OPENAI_BASE_URL, openAiClient } from "../src/openai/client.ts";
import { ProviderHealth, UsageMeter, UsageSlicer, costOf, isRetryableStatus, toAnthropicMessages, toGeminiContents, toOpenAiMessages } from "../src/index.ts";

describe("isRetryableStatus", () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [409, true],
    [422, false],
    [429, true],
    [500, true],
    [503, true],
    [529, true],
  ])("%i → %s", (status, retryable) => expect(isRetryableStatus(status)).toBe(retryable));
});

describe("ProviderHealth", () => {
  it("opens after the threshold of retryable failures, at once on a non-retryable one; success resets", () => {
    let now = 0;
    const h = new ProviderHealth({ failureThreshold: 2, cooldownMs: 100, now: () => now });
    h.recordFailure("a", new ProviderError("x", { provider: "a", retryable: true }));
    expect(h.status("a").state).toBe("closed");
    h.recordSuccess("a");
    h.recordFailure("a", new ProviderError("x", { provider: "a", retryable: true }));
    expect(h.status("a").state).toBe("closed");
    h.recordFailure("a", new ProviderError("x", { provider: "a", retryable: true }));
    expect(h.status("a").state).toBe("open");
    h.recordFailure("b", new ProviderError("bad key", { provider: "b", retryable: false, status: 401 }));
    expect(h.status("b")).toMatchObject({ state: "open", lastError: "bad key" });
    // Without a health check: one trial after the cooldown (half-open); a failure re-opens it.
    expect(h.isAvailable("b")).toBe(false);
    now = 150;
    expect(h.isAvailable("b")).toBe(true);
    expect(h.status("b").state).toBe("half-open");
    h.recordFailure("b", new Error("again"));
    expect(h.status("b").state).toBe("open");
    expect(h.order([{ id: "b" }, { id: "c" }]).map((p) => p.id)).toEqual(["c", "b"]);
  });
});

describe("costOf", () => {
  it("prices by full id, then vendor; missing prices cost nothing", () => {
    const usage = {
      "deepgram:nova-3": { sttSeconds: 120, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 0, realtimeSeconds: 0 },
      "openai:gpt-4o-mini": { sttSeconds: 0, llmTokensIn: 1_000_000, llmTokensOut: 500_000, ttsCharacters: 0, realtimeSeconds: 0 },
      flite: { sttSeconds: 0, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 900, realtimeSeconds: 0 },
    };
    const c = costOf(usage, { deepgram: { sttPerMinute: 0.0077 }, "openai:gpt-4o-mini": { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 } });
    expect(c.byProvider["deepgram:nova-3"]).toBeCloseTo(0.0154, 10);
    expect(c.byProvider["openai:gpt-4o-mini"]).toBeCloseTo(0.45, 10);
    expect(c.byProvider.flite).toBe(0);
    expect(c.total).toBeCloseTo(0.4654, 10);
  });
});

describe("UsageSlicer", () => {
  it("cuts cumulative usage into turns; the next utterance's recognition goes to the turn it starts", () => {
    const meter = new UsageMeter();
    let records: ServedRecord[] = [];
    const rec = (capability: ServedRecord["capability"], servedBy: string): ServedRecord => ({ capability, servedBy, tried: [servedBy], failures: [], at: 0 });
    const slicer = new UsageSlicer(
      { usage: () => meter.snapshot(), takeRecords: () => [records, (records = [])][0]! },
      { dg: { sttPerMinute: 6 }, el: { ttsPerMillionCharacters: 1e6 } },
    );
    // Greeting spoken, then the caller's first utterance is final before the greeting turn is written.
    meter.add("el", { ttsCharacters: 10 });
    records.push(rec("tts", "el"));
    meter.add("dg", { sttSeconds: 30 });
    records.push(rec("stt", "dg"));
    const greeting = slicer.take({ sttToNextTurn: true });
    expect(greeting.usage).toEqual({ el: { sttSeconds: 0, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 10, realtimeSeconds: 0, costUsd: 10 } });
    expect(greeting.servedBy.map((r) => r.capability)).toEqual(["tts"]);
    expect(greeting.costUsd).toBe(10);
    meter.add("el", { ttsCharacters: 5 });
    records.push(rec("tts", "el"));
    const first = slicer.take();
    expect(first.servedBy.map((r) => r.capability)).toEqual(["stt", "tts"]);
    expect(first.usage.dg?.sttSeconds).toBe(30);
    expect(first.usage.el?.ttsCharacters).toBe(5);
    expect(first.costUsd).toBe(3 + 5);
    expect(slicer.take()).toEqual({ servedBy: [], usage: {}, costUsd: 0 });
    expect(slicer.total().costUsd).toBe(18);
  });
});

describe("message mapping", () => {
  const history: ChatMessage[] = [
    { role: "system", content: "sys" },
    { role: "assistant", content: "Hello, how can I help?" },
    { role: "user", content: "book me" },
    {
      role: "assistant",
      content: "Checking.",
      toolCalls: [
        { id: "c1", name: "check_availability", args: { serviceId: "cleaning" } },
        { id: "c2", name: "business_info", args: {} },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "check_availability", content: '{"slots":[]}' },
    { role: "tool", toolCallId: "c2", name: "business_info", content: '"open"' },
    { role: "assistant", content: "Sure. " },
  ];

  it("OpenAI: tool calls with JSON-string arguments, tool messages by id", () => {
    const wire = toOpenAiMessages(history);
    expect(wire[3]).toEqual({
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "check_availability", arguments: '{"serviceId":"cleaning"}' } },
        { id: "c2", type: "function", function: { name: "business_info", arguments: "{}" } },
      ],
    });
    expect(wire[4]).toEqual({ role: "tool", tool_call_id: "c1", content: '{"slots":[]}' });
  });

  it("Anthropic: system apart, user first, tool results merged into one user turn, prefill trimmed", () => {
    const { system, messages } = toAnthropicMessages(history);
    expect(system).toBe("sys");
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(messages[4]?.content).toEqual([
      { type: "tool_result", tool_use_id: "c1", content: '{"slots":[]}' },
      { type: "tool_result", tool_use_id: "c2", content: '"open"' },
    ]);
    expect(messages.at(-1)?.content).toEqual([{ type: "text", text: "Sure." }]);
  });

  it("Gemini: model role, functionCall/functionResponse parts, non-object results wrapped", () => {
    const { systemInstruction, contents } = toGeminiContents(history);
    expect(systemInstruction).toBe("sys");
    expect(contents.map((c) => c.role)).toEqual(["model", "user", "model", "user", "model"]);
    expect(contents[3]?.parts).toEqual([
      { functionResponse: { id: "c1", name: "check_availability", response: { slots: [] } } },
      { functionResponse: { id: "c2", name: "business_info", response: { result: "open" } } },
    ]);
  });
});

describe("SDK clients ignore env (providers take everything from options)", () => {
  it("OPENAI_BASE_URL / OPENAI_ORG_ID and GOOGLE_GENAI_USE_VERTEXAI / GOOGLE_GEMINI_BASE_URL do not leak in", () => {
    vi.stubEnv("OPENAI_BASE_URL", "http://evil.example/v1");
    vi.stubEnv("OPENAI_ORG_ID", "org_evil");
    vi.stubEnv("GOOGLE_GENAI_USE_VERTEXAI", "true");
    vi.stubEnv("GOOGLE_GEMINI_BASE_URL", "http://evil.example/");
    try {
      const oai = openAiClient({ apiKey: "k" });
      expect(oai.baseURL).toBe(OPENAI_BASE_URL);
      expect(oai.organization).toBeNull();
      const g = genAiClient({ apiKey: "k" });
      expect(g.vertexai).toBe(false);
      expect(g.models).toBeDefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
