import { z } from "zod";
import type WebSocket from "ws";
import { sleep } from "./http-server.ts";
import { bufferToPcm, listenWs, rms, toneFor } from "./ws-server.ts";
import type { WsLoopback } from "./ws-server.ts";

/** What the emulated model does after one caller turn. */
export interface LiveTurn {
  /** What the caller "said" (input transcription). */
  heard: string;
  /** Calls a tool first, waits for the tool response, then speaks `reply`. */
  toolCall?: { name: string; args: Record<string, unknown> };
  reply: string;
}

export interface GeminiLiveEmulatorOptions {
  apiKey?: string;
  turns: LiveTurn[];
  /** Delay between 100 ms reply chunks (0 = zero think time; > 0 lets a test barge in). */
  replyChunkDelayMs?: number;
  /** After this many completed turns, send a resumption handle and goAway, then close the socket. */
  goAwayAfterTurns?: number;
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const clientMessageSchema = z.union([
  z.object({
    setup: z
      .object({
        model: z.string().regex(/^models\//),
        generationConfig: z
          .object({ responseModalities: z.array(z.string()), speechConfig: z.unknown().optional() })
          .loose()
          .optional(),
        systemInstruction: z
          .object({ parts: z.array(z.object({ text: z.string() })) })
          .loose()
          .optional(),
        tools: z
          .array(
            z.object({ functionDeclarations: z.array(z.object({ name: z.string(), description: z.string().optional(), parameters: z.unknown().optional() })) }),
          )
          .optional(),
        sessionResumption: z.object({ handle: z.string().optional(), transparent: z.boolean().optional() }).optional(),
        realtimeInputConfig: z
          .object({ automaticActivityDetection: z.object({ disabled: z.boolean().optional(), silenceDurationMs: z.number().optional() }).loose().optional() })
          .loose()
          .optional(),
      })
      .loose(),
  }),
  z.object({
    realtimeInput: z.object({
      audio: z.object({ data: b64, mimeType: z.literal("audio/pcm;rate=16000") }).optional(),
      audioStreamEnd: z.boolean().optional(),
      text: z.string().optional(),
    }),
  }),
  z.object({
    toolResponse: z.object({ functionResponses: z.array(z.object({ id: z.string(), name: z.string(), response: z.record(z.string(), z.unknown()) })) }),
  }),
  z.object({ clientContent: z.object({ turns: z.array(z.unknown()).optional(), turnComplete: z.boolean().optional() }) }),
]);
type LiveSetup = Extract<z.infer<typeof clientMessageSchema>, { setup: unknown }>["setup"];

export interface GeminiLiveEmulator extends WsLoopback {
  /** base URL for the SDK (`httpOptions.baseUrl`); it rewrites http → ws. */
  baseUrl: string;
  setups: LiveSetup[];
  toolResponses: { id: string; name: string; response: Record<string, unknown> }[];
  stats: { connections: number; audioFrames: number; interruptions: number; resumedWith: string[]; texts: string[] };
}

/**
 * Gemini Live `BidiGenerateContent` on loopback: JSON in **binary** frames both ways, `setupComplete`
 * after `setup`, server VAD by energy (`silenceDurationMs` of silence after speech ends the turn),
 * scripted turns with optional tool calls, `interrupted` on barge-in, goAway + resumption handles.
 */
export async function startGeminiLiveEmulator(options: GeminiLiveEmulatorOptions): Promise<GeminiLiveEmulator> {
  const apiKey = options.apiKey ?? "gm-test";
  const setups: LiveSetup[] = [];
  const toolResponses: GeminiLiveEmulator["toolResponses"] = [];
  const stats: GeminiLiveEmulator["stats"] = { connections: 0, audioFrames: 0, interruptions: 0, resumedWith: [], texts: [] };
  let turnIndex = 0;
  let completed = 0;
  const server = await listenWs(
    (_req, url) => (url.pathname.endsWith("/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent") ? null : 404),
    (ws: WebSocket, _req, url) => {
      stats.connections++;
      const send = (msg: Record<string, unknown>): void => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(msg)), { binary: true });
      };
      let setupDone = false;
      let silenceMs = 500;
      let speechMs = 0;
      let quietMs = 0;
      let speaking = false; // the model is replying
      let bargedIn = false;
      let pendingTool: { id: string; turn: LiveTurn } | null = null;
      const reply = async (turn: LiveTurn): Promise<void> => {
        speaking = true;
        bargedIn = false;
        const pcm = toneFor(turn.reply, 24000);
        send({ serverContent: { outputTranscription: { text: turn.reply } } });
        for (let i = 0; i < pcm.length; i += 2400) {
          if (bargedIn || ws.readyState !== ws.OPEN) break;
          const part = pcm.subarray(i, Math.min(pcm.length, i + 2400));
          send({
            serverContent: {
              modelTurn: {
                parts: [
                  { inlineData: { mimeType: "audio/pcm;rate=24000", data: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString("base64") } },
                ],
              },
            },
          });
          await sleep(options.replyChunkDelayMs ?? 0);
        }
        speaking = false;
        if (bargedIn) {
          stats.interruptions++;
          send({ serverContent: { interrupted: true } });
          send({ serverContent: { turnComplete: true } });
          return;
        }
        send({ serverContent: { generationComplete: true } });
        send({ serverContent: { turnComplete: true } });
        completed++;
        send({ sessionResumptionUpdate: { newHandle: `handle-${completed}`, resumable: true } });
        if (options.goAwayAfterTurns !== undefined && completed === options.goAwayAfterTurns) {
          send({ goAway: { timeLeft: "0.2s" } });
          setTimeout(() => ws.close(1000), 200);
        }
      };
      /** A caller turn ended: by server VAD on audio (transcribed), or by `realtimeInput.text` (not transcribed, as live). */
      const endOfTurn = (transcribe = true): void => {
        const turn = options.turns[turnIndex++ % Math.max(1, options.turns.length)];
        if (!turn) return;
        if (transcribe) send({ serverContent: { inputTranscription: { text: turn.heard, finished: true } } });
        if (turn.toolCall) {
          const id = `fc_${turnIndex}`;
          pendingTool = { id, turn };
          send({ toolCall: { functionCalls: [{ id, name: turn.toolCall.name, args: turn.toolCall.args }] } });
        } else void reply(turn);
      };
      ws.on("message", (data) => {
        let parsed;
        try {
          parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
        } catch {
          return void ws.close(1007, "Request contains an invalid argument.");
        }
        if (!parsed.success) return void ws.close(1007, "Request contains an invalid argument.");
        const msg = parsed.data;
        if ("setup" in msg) {
          if (url.searchParams.get("key") !== apiKey) return void ws.close(1008, "API key not valid. Please pass a valid API key.");
          setups.push(msg.setup);
          if (msg.setup.sessionResumption?.handle) stats.resumedWith.push(msg.setup.sessionResumption.handle);
          silenceMs = msg.setup.realtimeInputConfig?.automaticActivityDetection?.silenceDurationMs ?? 500;
          setupDone = true;
          return send({ setupComplete: {} });
        }
        if (!setupDone) return void ws.close(1007, "setup must come first");
        if ("toolResponse" in msg) {
          for (const r of msg.toolResponse.functionResponses) toolResponses.push(r);
          if (pendingTool && msg.toolResponse.functionResponses.some((r) => r.id === pendingTool?.id)) {
            const { turn } = pendingTool;
            pendingTool = null;
            void reply(turn);
          }
          return;
        }
        if ("realtimeInput" in msg && msg.realtimeInput.text !== undefined) {
          stats.texts.push(msg.realtimeInput.text);
          if (!speaking && !pendingTool) endOfTurn(false);
          return;
        }
        if ("realtimeInput" in msg && msg.realtimeInput.audio) {
          const pcm = bufferToPcm(Buffer.from(msg.realtimeInput.audio.data, "base64"));
          stats.audioFrames++;
          const ms = (pcm.length / 16000) * 1000;
          if (rms(pcm) > 300) {
            speechMs += ms;
            quietMs = 0;
            if (speaking && speechMs >= 200) bargedIn = true;
          } else if (speechMs > 0) {
            quietMs += ms;
            if (quietMs >= silenceMs) {
              speechMs = 0;
              quietMs = 0;
              if (!speaking && !pendingTool) endOfTurn();
            }
          }
        }
      });
    },
  );
  return Object.assign(server, { baseUrl: server.url, setups, toolResponses, stats });
}
