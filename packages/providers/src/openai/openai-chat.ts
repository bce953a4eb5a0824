import OpenAI from "openai";
import { z } from "zod";
import { OutboundBlockedError } from "@orbis/outbound";
import { ProviderError, type ChatChunk, type ChatMessage, type ChatModel, type ChatToolCall } from "@orbis/ports";
import { openAiClient } from "./client.ts";
import { httpProviderError, isAbortError, networkProviderError, protocolProviderError } from "../manager/errors.ts";
import type { MeteredChatRequest } from "../manager/usage.ts";

export interface OpenAiChatOptions {
  apiKey: string;
  model: string;
  /** Any OpenAI-compatible server: Ollama `http://host:11434/v1`, vLLM, llama.cpp, Groq, OpenRouter. */
  baseURL?: string;
  /** Provider id in records and prices (default `openai:<model>`). */
  id?: string;
  /** Per-request timeout; the fallback wrapper also watches for stalls. */
  timeoutMs?: number;
  /** SDK-level retries. 0 by default: retrying is the fallback wrapper's job (errors say whether to). */
  maxRetries?: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** The parts of a streamed chat.completion.chunk we rely on; anything else is ignored. */
const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().optional(),
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export function toOpenAiMessages(messages: readonly ChatMessage[]): WireMessage[] {
  return messages.map((m): WireMessage => {
    switch (m.role) {
      case "system":
      case "user":
        return { role: m.role, content: m.content };
      case "assistant":
        return {
          role: "assistant",
          content: m.content || null,
          ...(m.toolCalls?.length
            ? {
                tool_calls: m.toolCalls.map((c) => ({
                  id: c.id,
                  type: "function" as const,
                  function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) },
                })),
              }
            : {}),
        };
      case "tool":
        return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
    }
  });
}

/** Arguments arrive as a JSON string; a model that writes broken JSON gets `{}` and the tool runner's validation error. */
function parseArgs(raw: string): unknown {
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { _unparsed: raw };
  }
}

export function mapOpenAiError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  // The outbound guard refused the tenant's server (a private address, a bad scheme): asking again is refused again.
  const blocked = err instanceof OpenAI.APIConnectionError ? err.cause : err;
  if (blocked instanceof OutboundBlockedError) return new ProviderError(`${provider}: ${blocked.message}`, { provider, retryable: false, cause: blocked });
  if (err instanceof OpenAI.APIConnectionError) return networkProviderError(provider, err);
  if (err instanceof OpenAI.APIError && typeof err.status === "number") return httpProviderError(provider, err.status, err.message, err);
  return networkProviderError(provider, err);
}

/** OpenAI-compatible chat completions, streamed, with tool calls assembled from their deltas. */
export function createOpenAiChatModel(options: OpenAiChatOptions): ChatModel {
  const id = options.id ?? `openai:${options.model}`;
  const client = openAiClient({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries,
    defaultHeaders: options.headers,
    fetch: options.fetch,
  });
  return {
    id,
    async *stream(req: MeteredChatRequest): AsyncIterable<ChatChunk> {
      if (req.signal.aborted) return;
      const pending = new Map<number, { id: string; name: string; args: string }>();
      let reason: "stop" | "tool_calls" | "length" = "stop";
      let usageReported = false;
      try {
        const stream = await client.chat.completions.create(
          {
            model: options.model,
            messages: toOpenAiMessages(req.messages),
            stream: true,
            stream_options: { include_usage: true },
            ...(req.tools.length
              ? {
                  tools: req.tools.map((t) => ({
                    type: "function" as const,
                    function: { name: t.name, description: t.description, parameters: t.parameters },
                  })),
                }
              : {}),
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
            ...(req.maxTokens !== undefined ? { max_completion_tokens: req.maxTokens } : {}),
          },
          { signal: req.signal },
        );
        for await (const raw of stream) {
          const parsed = chunkSchema.safeParse(raw);
          if (!parsed.success) throw protocolProviderError(id, JSON.stringify(raw), parsed.error);
          const chunk = parsed.data;
          if (chunk.usage && !usageReported) {
            usageReported = true;
            req.onUsage?.({ inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens });
          }
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.delta?.content) yield { type: "text", text: choice.delta.content };
          for (const tc of choice.delta?.tool_calls ?? []) {
            const entry = pending.get(tc.index) ?? { id: "", name: "", args: "" };
            if (tc.id) entry.id = tc.id;
            if (tc.function?.name) entry.name += tc.function.name;
            if (tc.function?.arguments) entry.args += tc.function.arguments;
            pending.set(tc.index, entry);
          }
          if (choice.finish_reason === "length") reason = "length";
          else if (choice.finish_reason === "tool_calls") reason = "tool_calls";
        }
      } catch (err) {
        if (req.signal.aborted || isAbortError(err)) return;
        throw mapOpenAiError(id, err);
      }
      if (req.signal.aborted) return;
      const calls: ChatToolCall[] = [...pending.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, c]) => ({ id: c.id || `call_${index}`, name: c.name, args: parseArgs(c.args) }));
      for (const call of calls) yield { type: "tool_call", call };
      if (calls.length) reason = "tool_calls";
      yield { type: "done", reason };
    },
  };
}

/** Health check for OpenAI-compatible servers: `GET /models` answers without spending tokens. */
export async function checkOpenAiCompatible(options: Pick<OpenAiChatOptions, "apiKey" | "baseURL" | "fetch">, signal?: AbortSignal): Promise<void> {
  const client = openAiClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: 5000, fetch: options.fetch });
  try {
    await client.models.list({ signal });
  } catch (err) {
    throw mapOpenAiError("openai", err);
  }
}
