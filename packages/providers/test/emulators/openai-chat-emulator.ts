import { z } from "zod";
import { listenLoopback, readBody, sleep } from "./http-server.ts";
import type { LoopbackServer } from "./http-server.ts";
import { toneFor } from "./ws-server.ts";

/** `POST /audio/speech` body as documented (the fields the provider sends). */
const speechSchema = z.object({
  model: z.string(),
  voice: z.string(),
  input: z.string().min(1).max(4096),
  response_format: z.literal("pcm"),
  instructions: z.string().optional(),
});
type SpeechRequest = z.infer<typeof speechSchema>;

/** What the emulator answers to one `POST /chat/completions`. */
export interface ChatReply {
  /** Text deltas, streamed one per SSE event. */
  text?: string[];
  toolCalls?: { name: string; args: Record<string, unknown> }[];
  /** Answer with this HTTP status and an OpenAI error body instead of a stream. */
  status?: number;
  /** Destroy the socket after this many deltas (the provider dies mid-turn). */
  dieAfter?: number;
  /** Stop sending after this many deltas, keeping the connection open (the provider stalls). */
  stallAfter?: number;
}

const requestSchema = z.object({
  model: z.string(),
  stream: z.literal(true),
  messages: z.array(
    z.object({
      role: z.enum(["system", "user", "assistant", "tool", "developer"]),
      content: z.string().nullable().optional(),
      tool_call_id: z.string().optional(),
      tool_calls: z
        .array(z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) }))
        .optional(),
    }),
  ),
  tools: z
    .array(
      z.object({
        type: z.literal("function"),
        function: z.object({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()) }),
      }),
    )
    .optional(),
  stream_options: z.object({ include_usage: z.boolean() }).optional(),
});
export type ChatCompletionsRequest = z.infer<typeof requestSchema>;

export interface OpenAiChatEmulator extends LoopbackServer {
  /** `baseURL` for the SDK. */
  baseURL: string;
  requests: ChatCompletionsRequest[];
  /** Bearer tokens seen, to check the key is sent. */
  keys: string[];
  speechRequests: SpeechRequest[];
}

/**
 * Speaks the chat-completions streaming format: `data: {chat.completion.chunk}` SSE events, tool
 * call deltas (id + name first, arguments in pieces), a usage chunk, then `data: [DONE]`.
 * Replies come from `script` in order (a function gets the request); when it runs out: "OK.".
 */
export async function startOpenAiChatEmulator(script: ChatReply[] | ((req: ChatCompletionsRequest) => ChatReply) = []): Promise<OpenAiChatEmulator> {
  const requests: ChatCompletionsRequest[] = [];
  const keys: string[] = [];
  const speechRequests: SpeechRequest[] = [];
  const next = (req: ChatCompletionsRequest): ChatReply => (typeof script === "function" ? script(req) : (script.shift() ?? { text: ["OK."] }));
  const base = await listenLoopback((req, res) => {
    void (async () => {
      keys.push((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ object: "list", data: [{ id: "emu-1", object: "model", created: 0, owned_by: "emu" }] }));
        return;
      }
      if (req.method === "POST" && req.url?.endsWith("/audio/speech")) {
        const speech = speechSchema.safeParse(JSON.parse(await readBody(req)));
        if (!speech.success) {
          res
            .writeHead(400, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { message: speech.error.message, type: "invalid_request_error", code: null } }));
          return;
        }
        if (keys.at(-1) === "sk-revoked") {
          res
            .writeHead(401, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }));
          return;
        }
        speechRequests.push(speech.data);
        // Raw PCM16 24 kHz mono, streamed in 100 ms chunks.
        res.writeHead(200, { "content-type": "audio/pcm", "transfer-encoding": "chunked" });
        const pcm = toneFor(speech.data.input, 24000);
        for (let i = 0; i < pcm.length && !res.destroyed; i += 2400) {
          const part = pcm.subarray(i, Math.min(pcm.length, i + 2400));
          res.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
          await sleep(0);
        }
        res.end();
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const parsed = requestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: parsed.error.message, type: "invalid_request_error", code: null } }));
        return;
      }
      requests.push(parsed.data);
      const reply = next(parsed.data);
      if (reply.status) {
        res
          .writeHead(reply.status, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: `emulated ${reply.status}`, type: "emulated", code: String(reply.status) } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const id = `chatcmpl-${requests.length}`;
      const send = (delta: Record<string, unknown>, finish: string | null = null): void => {
        res.write(
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: parsed.data.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
        );
      };
      send({ role: "assistant", content: "" });
      let sent = 0;
      for (const text of reply.text ?? []) {
        if (reply.dieAfter !== undefined && sent >= reply.dieAfter) {
          await sleep(1);
          res.socket?.destroy();
          return;
        }
        if (reply.stallAfter !== undefined && sent >= reply.stallAfter) return; // the socket stays open, silent
        send({ content: text });
        sent++;
        await sleep(0);
      }
      (reply.toolCalls ?? []).forEach((call, index) => {
        const args = JSON.stringify(call.args);
        const half = Math.ceil(args.length / 2);
        send({ tool_calls: [{ index, id: `call_${requests.length}_${index}`, type: "function", function: { name: call.name, arguments: "" } }] });
        send({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] });
        send({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
      });
      send({}, reply.toolCalls?.length ? "tool_calls" : "stop");
      const promptChars = parsed.data.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0);
      const outChars = (reply.text ?? []).join("").length;
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: parsed.data.model, choices: [], usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(outChars / 4) + 1, total_tokens: 0 } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    })();
  });
  return Object.assign(base, { baseURL: `${base.url}/v1`, requests, keys, speechRequests });
}
