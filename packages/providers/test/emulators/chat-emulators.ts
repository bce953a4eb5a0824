import type { ServerResponse } from "node:http";
import { z } from "zod";
import { listenLoopback, readBody, sleep } from "./http-server.ts";
import type { LoopbackServer } from "./http-server.ts";
import type { ChatReply } from "./openai-chat-emulator.ts";

export interface ChatEmulator<Req> extends LoopbackServer {
  requests: Req[];
  keys: string[];
}

const next = <Req>(script: ChatReply[] | ((r: Req) => ChatReply), req: Req): ChatReply =>
  typeof script === "function" ? script(req) : (script.shift() ?? { text: ["OK."] });

/** Streams `reply.text`, honouring dieAfter/stallAfter; returns false when the reply was cut. */
async function streamText(res: ServerResponse, reply: ChatReply, send: (text: string) => void): Promise<boolean> {
  let sent = 0;
  for (const text of reply.text ?? []) {
    if (reply.dieAfter !== undefined && sent >= reply.dieAfter) {
      res.socket?.destroy();
      return false;
    }
    if (reply.stallAfter !== undefined && sent >= reply.stallAfter) return false;
    send(text);
    sent++;
    await sleep(0);
  }
  return true;
}

const anthropicBlock = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal("tool_result"), tool_use_id: z.string(), content: z.string() }),
]);
const anthropicRequest = z
  .object({
    model: z.string(),
    max_tokens: z.number().int().positive(),
    stream: z.literal(true),
    system: z.string().optional(),
    messages: z.array(z.object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(anthropicBlock)]) })).min(1),
    tools: z.array(z.object({ name: z.string(), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()) })).optional(),
  })
  .refine(
    (r) => r.messages[0]?.role === "user" && r.messages.every((m, i) => i === 0 || m.role !== r.messages[i - 1]?.role),
    "messages must alternate, starting with user",
  );
export type AnthropicRequest = z.infer<typeof anthropicRequest>;

/** Anthropic Messages streaming: message_start, content blocks (text_delta / input_json_delta), message_delta, message_stop. */
export async function startAnthropicEmulator(script: ChatReply[] | ((r: AnthropicRequest) => ChatReply) = []): Promise<ChatEmulator<AnthropicRequest>> {
  const requests: AnthropicRequest[] = [];
  const keys: string[] = [];
  const base = await listenLoopback((req, res) => {
    void (async () => {
      keys.push(String(req.headers["x-api-key"] ?? ""));
      if (req.method !== "POST" || req.url !== "/v1/messages") return void res.writeHead(404).end();
      if (req.headers["anthropic-version"] !== "2023-06-01")
        return void res.writeHead(400).end('{"type":"error","error":{"type":"invalid_request_error","message":"anthropic-version"}}');
      const parsed = anthropicRequest.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success)
        return void res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: parsed.error.message } }));
      requests.push(parsed.data);
      const reply = next(script, parsed.data);
      if (reply.status)
        return void res
          .writeHead(reply.status, { "content-type": "application/json" })
          .end(JSON.stringify({ type: "error", error: { type: "emulated_error", message: `emulated ${reply.status}` } }));
      res.writeHead(200, { "content-type": "text/event-stream" });
      const ev = (data: Record<string, unknown>): void => void res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
      ev({
        type: "message_start",
        message: {
          id: `msg_${requests.length}`,
          type: "message",
          role: "assistant",
          content: [],
          model: parsed.data.model,
          stop_reason: null,
          usage: { input_tokens: 42, output_tokens: 1 },
        },
      });
      let index = 0;
      if (reply.text?.length) {
        ev({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
        ev({ type: "ping" });
        if (!(await streamText(res, reply, (text) => ev({ type: "content_block_delta", index, delta: { type: "text_delta", text } })))) return;
        ev({ type: "content_block_stop", index: index++ });
      }
      for (const call of reply.toolCalls ?? []) {
        const json = JSON.stringify(call.args);
        ev({ type: "content_block_start", index, content_block: { type: "tool_use", id: `toolu_${requests.length}_${index}`, name: call.name, input: {} } });
        ev({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(0, 5) } });
        ev({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(5) } });
        ev({ type: "content_block_stop", index: index++ });
      }
      ev({
        type: "message_delta",
        delta: { stop_reason: reply.toolCalls?.length ? "tool_use" : "end_turn", stop_sequence: null },
        usage: { output_tokens: 7 },
      });
      ev({ type: "message_stop" });
      res.end();
    })();
  });
  return Object.assign(base, { requests, keys });
}

const geminiPart = z.object({
  text: z.string().optional(),
  functionCall: z.object({ id: z.string().optional(), name: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
  functionResponse: z.object({ id: z.string().optional(), name: z.string(), response: z.record(z.string(), z.unknown()) }).optional(),
});
const geminiRequest = z.object({
  contents: z.array(z.object({ role: z.enum(["user", "model"]), parts: z.array(geminiPart) })).min(1),
  systemInstruction: z
    .object({ parts: z.array(z.object({ text: z.string() })) })
    .loose()
    .optional(),
  tools: z
    .array(z.object({ functionDeclarations: z.array(z.object({ name: z.string(), description: z.string().optional(), parametersJsonSchema: z.unknown() })) }))
    .optional(),
  generationConfig: z.record(z.string(), z.unknown()).optional(),
});
export type GeminiRequest = z.infer<typeof geminiRequest> & { model: string };

/** Gemini `models/{model}:streamGenerateContent?alt=sse`: one GenerateContentResponse per SSE event, usage on the last. */
export async function startGeminiTextEmulator(script: ChatReply[] | ((r: GeminiRequest) => ChatReply) = []): Promise<ChatEmulator<GeminiRequest>> {
  const requests: GeminiRequest[] = [];
  const keys: string[] = [];
  const base = await listenLoopback((req, res) => {
    void (async () => {
      keys.push(String(req.headers["x-goog-api-key"] ?? ""));
      const m = /\/v1beta\/models\/([^/:]+):streamGenerateContent\?alt=sse$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) return void res.writeHead(404).end();
      const parsed = geminiRequest.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success)
        return void res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { code: 400, message: parsed.error.message, status: "INVALID_ARGUMENT" } }));
      const request = { ...parsed.data, model: m[1] ?? "" };
      requests.push(request);
      const reply = next(script, request);
      if (reply.status)
        return void res
          .writeHead(reply.status, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { code: reply.status, message: `emulated ${reply.status}`, status: "UNAVAILABLE" } }));
      res.writeHead(200, { "content-type": "text/event-stream" });
      const ev = (parts: Record<string, unknown>[], extra: Record<string, unknown> = {}): void =>
        void res.write(
          `data: ${JSON.stringify({ candidates: [{ content: { parts, role: "model" }, index: 0, ...extra }], modelVersion: request.model })}\r\n\r\n`,
        );
      if (!(await streamText(res, reply, (text) => ev([{ text }])))) return;
      const calls = (reply.toolCalls ?? []).map((c) => ({ functionCall: { name: c.name, args: c.args } }));
      res.write(
        `data: ${JSON.stringify({ candidates: [{ content: { parts: calls.length ? calls : [{ text: "" }], role: "model" }, finishReason: "STOP", index: 0 }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 6, totalTokenCount: 46 } })}\r\n\r\n`,
      );
      res.end();
    })();
  });
  return Object.assign(base, { requests, keys });
}
