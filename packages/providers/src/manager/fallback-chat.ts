import { ProviderError, type ChatChunk, type ChatMessage, type ChatModel, type ChatRequest } from "@orbis/ports";
import type { ChainEntry } from "./fallback-stt.ts";
import type { ProviderHealth } from "./health.ts";
import { ServedLog, StallError, failureOf, withDeadline } from "./records.ts";
import type { ProviderFailure, ServedRecord } from "./records.ts";
import type { ChatUsage, MeteredChatRequest, UsageMeter } from "./usage.ts";

export interface FallbackChatOptions {
  health: ProviderHealth;
  meter: UsageMeter;
  log?: ServedLog;
  /** Longest wait for the first chunk (models think before they speak; tool calls come whole at the end). */
  firstChunkTimeoutMs?: number;
  /** Longest gap between chunks once streaming. */
  chunkTimeoutMs?: number;
}

const CONTINUE_NOTE =
  "Your previous reply was cut off after the assistant text above (already spoken to the caller). Continue from there without repeating it.";

/**
 * A `ChatModel` over a chain of models. Failing before any output → the next model answers the same
 * request. Failing mid-reply → the next model gets the text already spoken as an assistant message
 * and is asked to continue, so the caller hears one reply, not two.
 */
export class FallbackChatModel implements ChatModel {
  readonly id: string;
  readonly log: ServedLog;
  private readonly demoted = new Set<string>();

  constructor(
    private readonly chain: readonly ChainEntry<ChatModel>[],
    private readonly options: FallbackChatOptions,
  ) {
    if (chain.length === 0) throw new Error("FallbackChatModel needs at least one model");
    for (const c of chain) if (c.healthCheck) options.health.registerCheck(c.provider.id, c.healthCheck);
    this.id = chain.length === 1 ? (chain[0] as ChainEntry<ChatModel>).provider.id : `fallback(${chain.map((c) => c.provider.id).join(">")})`;
    this.log = options.log ?? new ServedLog();
  }

  takeRecords(): ServedRecord[] {
    return this.log.take();
  }

  private order(): ChatModel[] {
    const ordered = this.options.health.order(this.chain.map((c) => c.provider));
    return [...ordered.filter((p) => !this.demoted.has(p.id)), ...ordered.filter((p) => this.demoted.has(p.id))];
  }

  async *stream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const tried: string[] = [];
    const failures: ProviderFailure[] = [];
    let spoken = "";
    let failedAt: number | undefined;
    let switchMs: number | undefined;
    for (const model of this.order()) {
      if (req.signal.aborted) return;
      tried.push(model.id);
      const inner = new AbortController();
      const onAbort = (): void => inner.abort();
      req.signal.addEventListener("abort", onAbort, { once: true });
      let usage: ChatUsage | undefined;
      let produced = "";
      const messages: ChatMessage[] = spoken
        ? [...req.messages, { role: "assistant", content: spoken }, { role: "system", content: CONTINUE_NOTE }]
        : [...req.messages];
      const metered: MeteredChatRequest = { ...req, messages, signal: inner.signal, onUsage: (u) => (usage = u) };
      const iterator = model.stream(metered)[Symbol.asyncIterator]();
      let chunks = 0;
      try {
        for (;;) {
          const ms = chunks === 0 ? (this.options.firstChunkTimeoutMs ?? 8000) : (this.options.chunkTimeoutMs ?? 4000);
          const next = await withDeadline(iterator.next(), ms, () => new StallError(model.id, chunks === 0 ? "timeout" : "stall", ms));
          if (next.done || req.signal.aborted) break;
          if (chunks === 0 && failedAt !== undefined) switchMs = performance.now() - failedAt;
          chunks++;
          if (next.value.type === "text") produced += next.value.text;
          yield next.value;
        }
        this.meterUsage(model.id, messages, produced, usage);
        this.options.health.recordSuccess(model.id);
        if (!req.signal.aborted)
          this.log.push({ capability: "llm", servedBy: model.id, tried, failures, at: Date.now(), ...(switchMs !== undefined ? { switchMs } : {}) });
        return;
      } catch (err) {
        this.meterUsage(model.id, messages, produced, usage);
        if (req.signal.aborted) return;
        failedAt ??= performance.now();
        spoken += produced;
        this.demoted.add(model.id);
        this.options.health.recordFailure(model.id, err);
        failures.push(failureOf(model.id, err, err instanceof StallError ? err.kind : "error"));
      } finally {
        req.signal.removeEventListener("abort", onAbort);
        inner.abort();
        void iterator.return?.()?.catch(() => {});
      }
    }
    this.log.push({ capability: "llm", servedBy: null, tried, failures, at: Date.now() });
    throw new ProviderError(`every chat model failed: ${failures.map((f) => f.message).join("; ")}`, { provider: this.id, retryable: true });
  }

  /** Vendor token counts when reported; otherwise ~4 characters a token, so usage is never silently zero. */
  private meterUsage(id: string, messages: readonly ChatMessage[], produced: string, usage: ChatUsage | undefined): void {
    if (usage) this.options.meter.add(id, { llmTokensIn: usage.inputTokens, llmTokensOut: usage.outputTokens });
    else {
      const chars = messages.reduce((n, m) => n + m.content.length, 0);
      this.options.meter.add(id, { llmTokensIn: Math.ceil(chars / 4), llmTokensOut: Math.ceil(produced.length / 4) });
    }
  }
}
