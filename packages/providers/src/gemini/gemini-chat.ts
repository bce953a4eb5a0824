import { ApiError } from "@google/genai";
import type { Content, Part } from "@google/genai";
import { z } from "zod";
import { ProviderError, type ChatChunk, type ChatMessage, type ChatModel, type ChatToolCall } from "@orbis/ports";
import { httpProviderError, networkProviderError, protocolProviderError } from "../manager/errors.ts";
import type { MeteredChatRequest } from "../manager/usage.ts";
import { genAiClient } from "./client.ts";

export interface GeminiChatOptions {
  apiKey: string;
  model: string;
  /** `https://generativelanguage.googleapis.com` by default; tests point it at a loopback emulator. */
  baseUrl?: string;
  id?: string;
  timeoutMs?: number;
}

/** Our history → Gemini contents: system → systemInstruction, assistant → `model`, tool results → `functionResponse` parts of a user turn. */
export function toGeminiContents(messages: readonly ChatMessage[]): { systemInstruction: string; contents: Content[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  const add = (role: "user" | "model", part: Part): void => {
    const last = contents.at(-1);
    if (last?.role === role) (last.parts ??= []).push(part);
    else contents.push({ role, parts: [part] });
  };
  for (const m of messages) {
    switch (m.role) {
      case "system":
        system.push(m.content);
        break;
      case "user":
        add("user", { text: m.content });
        break;
      case "assistant":
        if (m.content) add("model", { text: m.content });
        for (const c of m.toolCalls ?? []) add("model", { functionCall: { id: c.id, name: c.name, args: (c.args ?? {}) as Record<string, unknown> } });
        break;
      case "tool": {
        let response: Record<string, unknown>;
        try {
          const parsed = JSON.parse(m.content) as unknown;
          response = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { result: parsed };
        } catch {
          response = { result: m.content };
        }
        add("user", { functionResponse: { id: m.toolCallId, name: m.name, response } });
        break;
      }
    }
  }
  return { systemInstruction: system.join("\n\n"), contents };
}

const chunkSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({
            parts: z
              .array(
                z
                  .object({
                    text: z.string().optional(),
                    thought: z.boolean().optional(),
                    functionCall: z.object({ id: z.string().optional(), name: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
                  })
                  .loose(),
              )
              .optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  usageMetadata: z.object({ promptTokenCount: z.number().optional(), candidatesTokenCount: z.number().optional() }).optional(),
});

export function mapGeminiError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof ApiError) return httpProviderError(provider, err.status, err.message, err);
  return networkProviderError(provider, err);
}

/** Gemini text through `@google/genai` `generateContentStream`; function calls come whole in one part. */
export function createGeminiChatModel(options: GeminiChatOptions): ChatModel {
  const id = options.id ?? `gemini:${options.model}`;
  const ai = genAiClient({ apiKey: options.apiKey, baseUrl: options.baseUrl, timeout: options.timeoutMs ?? 30_000 });
  return {
    id,
    async *stream(req: MeteredChatRequest): AsyncIterable<ChatChunk> {
      if (req.signal.aborted) return;
      const { systemInstruction, contents } = toGeminiContents(req.messages);
      const calls: ChatToolCall[] = [];
      let reason: "stop" | "tool_calls" | "length" = "stop";
      let usage: { inputTokens: number; outputTokens: number } | undefined;
      try {
        const stream = await ai.models.generateContentStream({
          model: options.model,
          contents,
          config: {
            abortSignal: req.signal,
            ...(systemInstruction ? { systemInstruction } : {}),
            ...(req.tools.length
              ? { tools: [{ functionDeclarations: req.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }] }
              : {}),
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
            ...(req.maxTokens !== undefined ? { maxOutputTokens: req.maxTokens } : {}),
          },
        });
        for await (const raw of stream) {
          const parsed = chunkSchema.safeParse(raw);
          if (!parsed.success) throw protocolProviderError(id, JSON.stringify(raw), parsed.error);
          const chunk = parsed.data;
          if (chunk.usageMetadata)
            usage = { inputTokens: chunk.usageMetadata.promptTokenCount ?? 0, outputTokens: chunk.usageMetadata.candidatesTokenCount ?? 0 };
          const candidate = chunk.candidates?.[0];
          for (const part of candidate?.content?.parts ?? []) {
            if (part.thought) continue;
            if (part.text) yield { type: "text", text: part.text };
            if (part.functionCall)
              calls.push({ id: part.functionCall.id ?? `call_${calls.length}`, name: part.functionCall.name, args: part.functionCall.args ?? {} });
          }
          if (candidate?.finishReason === "MAX_TOKENS") reason = "length";
        }
      } catch (err) {
        if (req.signal.aborted) return;
        throw mapGeminiError(id, err);
      }
      if (req.signal.aborted) return;
      if (usage) req.onUsage?.(usage);
      for (const call of calls) yield { type: "tool_call", call };
      yield { type: "done", reason: calls.length ? "tool_calls" : reason };
    },
  };
}
