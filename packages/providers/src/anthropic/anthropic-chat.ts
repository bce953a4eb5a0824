import { z } from "zod";
import { ProviderError, type ChatChunk, type ChatMessage, type ChatModel, type ChatToolCall } from "@orbis/ports";
import { httpProviderError, networkProviderError, protocolProviderError } from "../manager/errors.ts";
import { readSse } from "../manager/sse.ts";
import type { MeteredChatRequest } from "../manager/usage.ts";

export interface AnthropicChatOptions {
  apiKey: string;
  model: string;
  /** `https://api.anthropic.com` by default. */
  baseUrl?: string;
  /** Anthropic requires a cap; replies are spoken, so they are short. */
  maxTokens?: number;
  id?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string };
interface WireMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

/**
 * Our history → Messages API: system text moves to `system`; tool results become `tool_result`
 * blocks of a user turn; consecutive turns of one role are merged (the API wants alternation). A
 * history ending with assistant text is a prefill the model continues (used by the fallback wrapper).
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): { system: string; messages: WireMessage[] } {
  const system: string[] = [];
  const out: WireMessage[] = [];
  const add = (role: WireMessage["role"], block: ContentBlock): void => {
    const last = out.at(-1);
    if (last?.role === role) last.content.push(block);
    else out.push({ role, content: [block] });
  };
  for (const m of messages) {
    switch (m.role) {
      case "system":
        system.push(m.content);
        break;
      case "user":
        add("user", { type: "text", text: m.content });
        break;
      case "assistant":
        if (m.content) add("assistant", { type: "text", text: m.content });
        for (const c of m.toolCalls ?? []) add("assistant", { type: "tool_use", id: c.id, name: c.name, input: c.args ?? {} });
        break;
      case "tool":
        add("user", { type: "tool_result", tool_use_id: m.toolCallId, content: m.content });
        break;
    }
  }
  // The API wants a user turn first; a call starts with our greeting.
  if (out[0]?.role === "assistant") out.unshift({ role: "user", content: [{ type: "text", text: "(call connected)" }] });
  // A prefill must not end with whitespace (the API rejects it).
  const last = out.at(-1);
  const tail = last?.role === "assistant" ? last.content.at(-1) : undefined;
  if (tail?.type === "text") tail.text = tail.text.trimEnd();
  return { system: system.join("\n\n"), messages: out };
}

const eventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message_start"),
    message: z.object({ usage: z.object({ input_tokens: z.number(), output_tokens: z.number().optional() }).optional() }),
  }),
  z.object({
    type: z.literal("content_block_start"),
    index: z.number(),
    content_block: z.union([
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string() }),
      z.object({ type: z.string() }),
    ]),
  }),
  z.object({
    type: z.literal("content_block_delta"),
    index: z.number(),
    delta: z.union([
      z.object({ type: z.literal("text_delta"), text: z.string() }),
      z.object({ type: z.literal("input_json_delta"), partial_json: z.string() }),
      z.object({ type: z.string() }),
    ]),
  }),
  z.object({ type: z.literal("content_block_stop"), index: z.number() }),
  z.object({
    type: z.literal("message_delta"),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: z.object({ output_tokens: z.number() }).optional(),
  }),
  z.object({ type: z.literal("message_stop") }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }) }),
]);

/** Anthropic Messages API over fetch + SSE (no SDK): text deltas streamed, tool_use blocks assembled. */
export function createAnthropicChatModel(options: AnthropicChatOptions): ChatModel {
  const id = options.id ?? `anthropic:${options.model}`;
  const url = `${(options.baseUrl ?? "https://api.anthropic.com").replace(/\/+$/, "")}/v1/messages`;
  const doFetch = options.fetch ?? fetch;
  return {
    id,
    async *stream(req: MeteredChatRequest): AsyncIterable<ChatChunk> {
      if (req.signal.aborted) return;
      const { system, messages } = toAnthropicMessages(req.messages);
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      req.signal.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => controller.abort(new Error("timeout")), options.timeoutMs ?? 30_000);
      const blocks = new Map<number, { id: string; name: string; json: string }>();
      const calls: ChatToolCall[] = [];
      let inputTokens = 0;
      let outputTokens = 0;
      let reason: "stop" | "tool_calls" | "length" = "stop";
      try {
        const res = await doFetch(url, {
          method: "POST",
          headers: { "x-api-key": options.apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
          body: JSON.stringify({
            model: options.model,
            max_tokens: req.maxTokens ?? options.maxTokens ?? 1024,
            stream: true,
            ...(system ? { system } : {}),
            messages,
            ...(req.tools.length ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
          }),
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw httpProviderError(id, res.status, await res.text().catch(() => ""));
        for await (const sse of readSse(res.body)) {
          const parsed = eventSchema.safeParse(JSON.parse(sse.data));
          if (!parsed.success) throw protocolProviderError(id, sse.data, parsed.error);
          const ev = parsed.data;
          switch (ev.type) {
            case "message_start":
              inputTokens = ev.message.usage?.input_tokens ?? 0;
              break;
            case "content_block_start":
              if ("id" in ev.content_block && "name" in ev.content_block)
                blocks.set(ev.index, { id: ev.content_block.id, name: ev.content_block.name, json: "" });
              break;
            case "content_block_delta":
              if ("text" in ev.delta && ev.delta.text) yield { type: "text", text: ev.delta.text };
              else if ("partial_json" in ev.delta) {
                const b = blocks.get(ev.index);
                if (b) b.json += ev.delta.partial_json;
              }
              break;
            case "content_block_stop": {
              const b = blocks.get(ev.index);
              if (b) calls.push({ id: b.id, name: b.name, args: b.json.trim() ? safeJson(b.json) : {} });
              break;
            }
            case "message_delta":
              if (ev.usage) outputTokens = ev.usage.output_tokens;
              if (ev.delta.stop_reason === "max_tokens") reason = "length";
              break;
            case "error":
              // Mid-stream errors (overloaded_error, api_error) are transient by nature.
              throw new ProviderError(`${id}: ${ev.error.type}: ${ev.error.message}`, { provider: id, retryable: ev.error.type !== "invalid_request_error" });
            case "message_stop":
            case "ping":
              break;
          }
        }
      } catch (err) {
        if (req.signal.aborted) return;
        throw err instanceof ProviderError ? err : networkProviderError(id, err);
      } finally {
        clearTimeout(timer);
        req.signal.removeEventListener("abort", onAbort);
        controller.abort();
      }
      if (req.signal.aborted) return;
      req.onUsage?.({ inputTokens, outputTokens });
      for (const call of calls) yield { type: "tool_call", call };
      yield { type: "done", reason: calls.length ? "tool_calls" : reason };
    },
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { _unparsed: raw };
  }
}
