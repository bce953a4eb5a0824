import { z } from "zod";
import { readBody, sleep } from "./http-server.ts";
import { bufferToPcm, listenWs, rms, toneFor } from "./ws-server.ts";
import type { WsLoopback } from "./ws-server.ts";

export interface DeepgramEmulatorOptions {
  apiKey?: string;
  /** What each utterance "says": consumed one per utterance with speech (a function gets the utterance number). */
  transcripts?: string[] | ((n: number) => string);
  /** Frames with RMS above this count as speech. */
  speechRms?: number;
  /** Kill the listen socket when this many audio frames have arrived on it (dies mid-utterance). */
  dieAfterFrames?: number;
  /** Never answer Finalize (a stalled provider). */
  stallFinalize?: boolean;
  /** Answer `/v1/speak` with this status. */
  speakStatus?: number;
  /** Kill the speak response after this many 100 ms chunks. */
  speakDieAfterChunks?: number;
}

const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("KeepAlive") }),
  z.object({ type: z.literal("Finalize") }),
  z.object({ type: z.literal("CloseStream") }),
]);

export interface DeepgramEmulator extends WsLoopback {
  stats: { connections: number; frames: number; keepAlives: number; finalizes: number; closeStreams: number; speakRequests: string[] };
}

/**
 * Deepgram's `/v1/listen` (WebSocket) and `/v1/speak` (HTTP streaming) on loopback. It "recognises"
 * by energy: an utterance with speech gets the next scripted transcript; interim Results every
 * 200 ms of speech carry a growing prefix; `endpointing` ms of silence gives an is_final +
 * speech_final Result, `utterance_end_ms` an UtteranceEnd; Finalize flushes with `from_finalize`.
 */
export async function startDeepgramEmulator(options: DeepgramEmulatorOptions = {}): Promise<DeepgramEmulator> {
  const apiKey = options.apiKey ?? "dg-test";
  const stats: DeepgramEmulator["stats"] = { connections: 0, frames: 0, keepAlives: 0, finalizes: 0, closeStreams: 0, speakRequests: [] };
  let utterances = 0;
  const script = options.transcripts ?? ["hello"];
  const nextTranscript = (): string => (typeof script === "function" ? script(utterances++) : (script[utterances++ % script.length] ?? ""));
  const authorized = (header: string | undefined): boolean => header === `Token ${apiKey}`;

  const server = await listenWs(
    (req, url) => {
      if (!authorized(req.headers.authorization)) return 401;
      if (url.pathname !== "/v1/listen") return 404;
      if (url.searchParams.get("encoding") !== "linear16" || !url.searchParams.get("sample_rate")) return 400;
      return null;
    },
    (ws, _req, url) => {
      stats.connections++;
      const rate = Number(url.searchParams.get("sample_rate"));
      const frame = (rate * 20) / 1000;
      const endpointing = Number(url.searchParams.get("endpointing") ?? 10);
      const utteranceEndMs = url.searchParams.get("interim_results") === "true" ? Number(url.searchParams.get("utterance_end_ms") ?? 0) : 0;
      let pending = Buffer.alloc(0);
      let framesHere = 0;
      let clockMs = 0;
      let segStartMs = 0;
      let speechMs = 0;
      let silenceMs = 0;
      let sinceInterim = 0;
      let words: string[] | null = null; // the current segment's transcript, once speech started
      let lastWordEndMs = -1;
      const result = (transcript: string, flags: { is_final: boolean; speech_final?: boolean; from_finalize?: boolean }): void => {
        ws.send(
          JSON.stringify({
            type: "Results",
            channel_index: [0, 1],
            duration: (clockMs - segStartMs) / 1000,
            start: segStartMs / 1000,
            is_final: flags.is_final,
            speech_final: flags.speech_final ?? false,
            from_finalize: flags.from_finalize ?? false,
            channel: { alternatives: [{ transcript, confidence: 0.99, words: [] }] },
            metadata: { request_id: "emu", model_info: { name: "emu", version: "0", arch: "emu" }, model_uuid: "emu" },
          }),
        );
      };
      const endSegment = (flags: { speech_final?: boolean; from_finalize?: boolean }): void => {
        result(words ? words.join(" ") : "", { is_final: true, ...flags });
        if (words) lastWordEndMs = clockMs - silenceMs;
        words = null;
        speechMs = 0;
        sinceInterim = 0;
        segStartMs = clockMs;
      };
      const onFrame = (pcm: Int16Array): void => {
        clockMs += 20;
        if (rms(pcm) > (options.speechRms ?? 300)) {
          words ??= nextTranscript().split(/\s+/).filter(Boolean);
          speechMs += 20;
          silenceMs = 0;
          sinceInterim += 20;
          if (sinceInterim >= 200) {
            sinceInterim = 0;
            const n = Math.max(1, Math.min(words.length - 1, Math.floor(speechMs / 300)));
            result(words.slice(0, n).join(" "), { is_final: false });
          }
        } else {
          silenceMs += 20;
          if (words && silenceMs >= endpointing) endSegment({ speech_final: true });
          if (utteranceEndMs && lastWordEndMs >= 0 && !words && clockMs - lastWordEndMs >= utteranceEndMs) {
            ws.send(JSON.stringify({ type: "UtteranceEnd", channel: [0, 1], last_word_end: lastWordEndMs / 1000 }));
            lastWordEndMs = -1;
          }
        }
      };
      ws.on("message", (data, isBinary) => {
        if (isBinary) {
          pending = Buffer.concat([pending, data as Buffer]);
          while (pending.length >= frame * 2) {
            onFrame(bufferToPcm(pending.subarray(0, frame * 2)));
            pending = pending.subarray(frame * 2);
            stats.frames++;
            if (options.dieAfterFrames !== undefined && ++framesHere >= options.dieAfterFrames) {
              ws.terminate();
              return;
            }
          }
          return;
        }
        const parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) {
          ws.close(1008, "DATA-0000");
          return;
        }
        switch (parsed.data.type) {
          case "KeepAlive":
            stats.keepAlives++;
            return;
          case "Finalize":
            stats.finalizes++;
            if (!options.stallFinalize) endSegment({ from_finalize: true });
            return;
          case "CloseStream":
            stats.closeStreams++;
            if (words) endSegment({});
            ws.send(
              JSON.stringify({
                type: "Metadata",
                transaction_key: "deprecated",
                request_id: "emu",
                sha256: "",
                created: new Date(0).toISOString(),
                duration: clockMs / 1000,
                channels: 1,
              }),
            );
            ws.close(1000);
            return;
        }
      });
    },
    (req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        if (req.method !== "POST" || url.pathname !== "/v1/speak") return void res.writeHead(404).end();
        if (!authorized(req.headers.authorization)) return void res.writeHead(401, { "content-type": "application/json" }).end('{"err_code":"INVALID_AUTH"}');
        const body = z.object({ text: z.string() }).safeParse(JSON.parse(await readBody(req)));
        const rate = Number(url.searchParams.get("sample_rate") ?? 24000);
        if (!body.success || url.searchParams.get("encoding") !== "linear16") return void res.writeHead(400).end('{"err_code":"Bad Request"}');
        stats.speakRequests.push(body.data.text);
        if (options.speakStatus) return void res.writeHead(options.speakStatus, { "content-type": "application/json" }).end('{"err_code":"emulated"}');
        res.writeHead(200, { "content-type": "audio/l16", "transfer-encoding": "chunked" });
        const pcm = toneFor(body.data.text, rate);
        const step = rate / 10;
        for (let i = 0, n = 0; i < pcm.length; i += step, n++) {
          if (options.speakDieAfterChunks !== undefined && n >= options.speakDieAfterChunks) return void res.socket?.destroy();
          const part = pcm.subarray(i, Math.min(pcm.length, i + step));
          res.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
          await sleep(0);
        }
        res.end();
      })();
    },
  );
  return Object.assign(server, { stats });
}
