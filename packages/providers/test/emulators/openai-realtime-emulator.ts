import { z } from "zod";
import type WebSocket from "ws";
import { selfSignedCert, sleep } from "./http-server.ts";
import { bufferToPcm, listenWs, rms, toneFor } from "./ws-server.ts";
import type { WsLoopback } from "./ws-server.ts";
import type { LiveTurn } from "./gemini-live-emulator.ts";

export interface OpenAiRealtimeEmulatorOptions {
  apiKey?: string;
  turns: LiveTurn[];
  replyChunkDelayMs?: number;
}

const clientEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("session.update"),
    session: z.object({
      type: z.literal("realtime"),
      instructions: z.string().optional(),
      output_modalities: z.array(z.enum(["audio", "text"])).optional(),
      audio: z
        .object({
          input: z
            .object({
              format: z.object({ type: z.string(), rate: z.number().optional() }),
              turn_detection: z
                .object({ type: z.enum(["server_vad", "semantic_vad"]), silence_duration_ms: z.number().optional() })
                .loose()
                .nullable()
                .optional(),
            })
            .loose(),
          output: z.object({ format: z.object({ type: z.string(), rate: z.number().optional() }), voice: z.string().optional() }).loose(),
        })
        .optional(),
      tools: z
        .array(z.object({ type: z.literal("function"), name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()) }))
        .optional(),
      tool_choice: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal("input_audio_buffer.append"), audio: z.string() }),
  z.object({ type: z.literal("input_audio_buffer.commit") }),
  z.object({ type: z.literal("input_audio_buffer.clear") }),
  z.object({
    type: z.literal("conversation.item.create"),
    item: z.discriminatedUnion("type", [
      z.object({ type: z.literal("function_call_output"), call_id: z.string(), output: z.string() }),
      z.object({ type: z.literal("message"), role: z.literal("user"), content: z.array(z.object({ type: z.literal("input_text"), text: z.string() })).min(1) }),
    ]),
  }),
  z.object({ type: z.literal("response.create") }).loose(),
  z.object({ type: z.literal("response.cancel") }),
]);
type RealtimeSessionConfig = Extract<z.infer<typeof clientEventSchema>, { type: "session.update" }>["session"];

export interface OpenAiRealtimeEmulator extends WsLoopback {
  /** `baseURL` for the SDK (https; the SDK switches it to wss). */
  baseURL: string;
  /** PEM to trust. */
  ca: string;
  sessions: RealtimeSessionConfig[];
  outputs: { call_id: string; output: string }[];
  /** Text the client sent as `input_text` messages. */
  texts: string[];
  stats: { connections: number; interruptions: number };
}

/**
 * OpenAI Realtime GA events over **TLS** (the SDK always uses wss): session.created → session.update
 * → session.updated; server VAD by energy; input transcription; function calls; barge-in.
 */
export async function startOpenAiRealtimeEmulator(options: OpenAiRealtimeEmulatorOptions): Promise<OpenAiRealtimeEmulator> {
  const apiKey = options.apiKey ?? "sk-rt";
  const tls = selfSignedCert();
  const sessions: RealtimeSessionConfig[] = [];
  const outputs: OpenAiRealtimeEmulator["outputs"] = [];
  const texts: string[] = [];
  const stats = { connections: 0, interruptions: 0 };
  let turnIndex = 0;
  let eventId = 0;
  const server = await listenWs(
    (req, url) => {
      if (url.pathname !== "/v1/realtime" || !url.searchParams.get("model")) return 404;
      return req.headers.authorization === `Bearer ${apiKey}` ? null : 401;
    },
    (ws: WebSocket) => {
      stats.connections++;
      const send = (ev: Record<string, unknown>): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: `event_${++eventId}`, ...ev }));
      };
      send({ type: "session.created", session: { type: "realtime", id: "sess_emu" } });
      let silenceMs = 500;
      let speechMs = 0;
      let quietMs = 0;
      let speaking = false;
      let bargedIn = false;
      let responses = 0;
      let pending: { callId: string; turn: LiveTurn; outputs: number } | null = null;
      const speak = async (turn: LiveTurn): Promise<void> => {
        const responseId = `resp_${++responses}`;
        send({ type: "response.created", response: { id: responseId, status: "in_progress" } });
        speaking = true;
        bargedIn = false;
        const pcm = toneFor(turn.reply, 24000);
        for (let i = 0; i < pcm.length; i += 2400) {
          if (bargedIn || ws.readyState !== ws.OPEN) break;
          const part = pcm.subarray(i, Math.min(pcm.length, i + 2400));
          send({
            type: "response.output_audio.delta",
            response_id: responseId,
            item_id: "item_a",
            output_index: 0,
            content_index: 0,
            delta: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString("base64"),
          });
          if (i === 0) send({ type: "response.output_audio_transcript.delta", response_id: responseId, delta: turn.reply });
          await sleep(options.replyChunkDelayMs ?? 0);
        }
        speaking = false;
        if (bargedIn) {
          stats.interruptions++;
          send({ type: "response.done", response: { id: responseId, status: "cancelled" } });
          return;
        }
        send({ type: "response.output_audio.done", response_id: responseId });
        send({ type: "response.output_audio_transcript.done", response_id: responseId, transcript: turn.reply });
        send({ type: "response.done", response: { id: responseId, status: "completed", usage: { total_tokens: 10 } } });
      };
      let textPending = false;
      /** A caller turn ended: by server VAD on audio (committed and transcribed), or by a text item + response.create. */
      const endOfTurn = (fromAudio = true): void => {
        const turn = options.turns[turnIndex++ % Math.max(1, options.turns.length)];
        if (!turn) return;
        if (fromAudio) {
          send({ type: "input_audio_buffer.speech_stopped", audio_end_ms: 0, item_id: `item_u${turnIndex}` });
          send({ type: "input_audio_buffer.committed", item_id: `item_u${turnIndex}`, previous_item_id: null });
          send({ type: "conversation.item.input_audio_transcription.completed", item_id: `item_u${turnIndex}`, content_index: 0, transcript: turn.heard });
        }
        if (turn.toolCall) {
          const responseId = `resp_${++responses}`;
          const callId = `call_${turnIndex}`;
          pending = { callId, turn, outputs: 0 };
          send({ type: "response.created", response: { id: responseId, status: "in_progress" } });
          send({
            type: "response.output_item.added",
            response_id: responseId,
            output_index: 0,
            item: { type: "function_call", call_id: callId, name: turn.toolCall.name },
          });
          const args = JSON.stringify(turn.toolCall.args);
          send({ type: "response.function_call_arguments.delta", response_id: responseId, call_id: callId, delta: args });
          send({
            type: "response.function_call_arguments.done",
            response_id: responseId,
            item_id: "item_f",
            output_index: 0,
            call_id: callId,
            name: turn.toolCall.name,
            arguments: args,
          });
          send({ type: "response.done", response: { id: responseId, status: "completed" } });
        } else void speak(turn);
      };
      ws.on("message", (data) => {
        let parsed;
        try {
          parsed = clientEventSchema.safeParse(JSON.parse(data.toString()));
        } catch {
          return send({ type: "error", error: { type: "invalid_request_error", code: "invalid_json", message: "could not parse" } });
        }
        if (!parsed.success) return send({ type: "error", error: { type: "invalid_request_error", code: "invalid_value", message: parsed.error.message } });
        const ev = parsed.data;
        switch (ev.type) {
          case "session.update":
            sessions.push(ev.session);
            silenceMs = ev.session.audio?.input.turn_detection?.silence_duration_ms ?? 500;
            return send({ type: "session.updated", session: ev.session });
          case "input_audio_buffer.append": {
            const pcm = bufferToPcm(Buffer.from(ev.audio, "base64"));
            const ms = (pcm.length / 24000) * 1000;
            if (rms(pcm) > 300) {
              if (speechMs === 0) send({ type: "input_audio_buffer.speech_started", audio_start_ms: 0, item_id: `item_u${turnIndex + 1}` });
              speechMs += ms;
              quietMs = 0;
              if (speaking) bargedIn = true;
            } else if (speechMs > 0) {
              quietMs += ms;
              if (quietMs >= silenceMs) {
                speechMs = 0;
                quietMs = 0;
                if (!speaking && !pending) endOfTurn();
              }
            }
            return;
          }
          case "conversation.item.create":
            if (ev.item.type === "message") {
              texts.push(ev.item.content.map((c) => c.text).join(""));
              textPending = true;
              return;
            }
            outputs.push({ call_id: ev.item.call_id, output: ev.item.output });
            if (pending?.callId === ev.item.call_id) pending.outputs++;
            return;
          case "response.create":
            if (textPending && !pending && !speaking) {
              textPending = false;
              endOfTurn(false);
              return;
            }
            if (pending && pending.outputs > 0) {
              const { turn } = pending;
              pending = null;
              void speak(turn);
            }
            return;
          default:
            return;
        }
      });
    },
    undefined,
    tls,
  );
  return Object.assign(server, { baseURL: `${server.url}/v1`, ca: tls.cert, sessions, outputs, texts, stats });
}
