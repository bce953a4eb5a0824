import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type WebSocket from "ws";
import { listenLoopback } from "./http-server.ts";
import type { LoopbackServer, TlsMaterial } from "./http-server.ts";

export interface WsLoopback extends LoopbackServer {
  wsUrl: string;
  /** Open server-side sockets. */
  sockets: Set<WebSocket>;
  /** Abruptly kills every connection (TCP reset, the client sees 1006). */
  kill(): void;
}

/**
 * A loopback WebSocket server. `accept` sees the upgrade request and returns an HTTP status to refuse
 * the handshake (as real servers do for a bad key: 401) or null to accept.
 */
export async function listenWs(
  accept: (req: IncomingMessage, url: URL) => number | null,
  onConnection: (ws: WebSocket, req: IncomingMessage, url: URL) => void,
  onHttp?: Parameters<typeof listenLoopback>[0],
  tls?: TlsMaterial,
): Promise<WsLoopback> {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const base = await listenLoopback(onHttp ?? ((_req, res) => res.writeHead(404).end()), tls);
  base.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Not `new URL(req.url, base)`: the genai SDK requests `//ws/…`, which would parse as a host.
    const url = new URL(`http://127.0.0.1${req.url ?? "/"}`);
    const status = accept(req, url);
    if (status !== null) {
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ err_code: String(status), err_msg: "emulated refusal" })}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      onConnection(ws, req, url);
    });
  });
  const kill = (): void => {
    for (const ws of sockets) ws.terminate();
  };
  return {
    ...base,
    wsUrl: `${tls ? "wss" : "ws"}://127.0.0.1:${base.port}`,
    sockets,
    kill,
    close: async () => {
      kill();
      wss.close();
      await base.close();
    },
  };
}

/** RMS of a PCM16 frame: the emulators' stand-in for "is someone speaking". */
export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return pcm.length ? Math.sqrt(sum / pcm.length) : 0;
}

export function bufferToPcm(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/** A tone standing in for speech: ~60 ms per character, 440 Hz, amplitude 8000. */
export function toneFor(text: string, sampleRate: number): Int16Array {
  const samples = Math.round((text.trim().length * 60 * sampleRate) / 1000);
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return out;
}
