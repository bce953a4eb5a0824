import { z } from "zod";
import { sleep } from "./http-server.ts";
import { listenWs, toneFor } from "./ws-server.ts";
import type { WsLoopback } from "./ws-server.ts";

export interface ElevenLabsEmulatorOptions {
  apiKey?: string;
  /** Kill the socket after this many audio messages. */
  dieAfterChunks?: number;
  /** Accept text but never send audio. */
  stall?: boolean;
  /** Reply to the first text with an error message and close 1008 (e.g. a quota error). */
  errorMessage?: string;
}

const clientMessageSchema = z.object({
  text: z.string(),
  voice_settings: z.object({ stability: z.number(), similarity_boost: z.number() }).loose().optional(),
  generation_config: z.object({ chunk_length_schedule: z.array(z.number()) }).optional(),
  try_trigger_generation: z.boolean().optional(),
  flush: z.boolean().optional(),
  xi_api_key: z.string().optional(),
});

export interface ElevenLabsEmulator extends WsLoopback {
  stats: { connections: number; texts: string[] };
}

/** ElevenLabs `stream-input`: snake_case in, camelCase out, base64 PCM with alignment, `isFinal` last. */
export async function startElevenLabsEmulator(options: ElevenLabsEmulatorOptions = {}): Promise<ElevenLabsEmulator> {
  const apiKey = options.apiKey ?? "el-test";
  const stats: ElevenLabsEmulator["stats"] = { connections: 0, texts: [] };
  const server = await listenWs(
    (req, url) => {
      if (!/^\/v1\/text-to-speech\/[^/]+\/stream-input$/.test(url.pathname)) return 404;
      if (req.headers["xi-api-key"] !== apiKey) return 401;
      if (!/^pcm_\d+$/.test(url.searchParams.get("output_format") ?? "")) return 400;
      return null;
    },
    (ws, _req, url) => {
      stats.connections++;
      const rate = Number((url.searchParams.get("output_format") ?? "pcm_16000").slice(4));
      let text = "";
      let sentChunks = 0;
      let chain = Promise.resolve();
      let stalled = false;
      const speak = async (): Promise<boolean> => {
        const spoken = text.trim();
        text = "";
        if (!spoken) return true;
        stats.texts.push(spoken);
        if (options.stall) {
          stalled = true;
          return false;
        }
        const pcm = toneFor(spoken, rate);
        const step = rate / 10;
        for (let i = 0; i < pcm.length; i += step) {
          if (options.dieAfterChunks !== undefined && sentChunks >= options.dieAfterChunks) {
            ws.terminate();
            return false;
          }
          const part = pcm.subarray(i, Math.min(pcm.length, i + step));
          const chars = [...spoken];
          ws.send(
            JSON.stringify({
              audio: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString("base64"),
              isFinal: null,
              normalizedAlignment: { chars, charStartTimesMs: chars.map((_, k) => k * 60), charDurationsMs: chars.map(() => 60) },
              alignment: null,
            }),
          );
          sentChunks++;
          await sleep(0);
        }
        return true;
      };
      ws.on("message", (data) => {
        const parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) return void ws.close(1008, "invalid message");
        const msg = parsed.data;
        chain = chain.then(async () => {
          if (ws.readyState !== ws.OPEN) return;
          if (options.errorMessage && msg.text.trim()) {
            ws.send(JSON.stringify({ message: options.errorMessage, error: "quota_exceeded", code: 1008 }));
            ws.close(1008, options.errorMessage);
            return;
          }
          if (msg.text === "") {
            if ((await speak()) && !stalled && ws.readyState === ws.OPEN) {
              ws.send(JSON.stringify({ isFinal: true }));
              ws.close(1000);
            }
            return;
          }
          text += msg.text;
          if (msg.flush) await speak();
        });
      });
    },
  );
  return Object.assign(server, { stats });
}
