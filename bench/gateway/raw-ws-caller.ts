// A lean WebSocket client for load generation: plain TCP sockets, frames built once, inbound frames
// counted, not copied. The `ws` client masks every frame with a fresh key and parses each message
// into a Buffer; on a 2-core machine that work competes with the gateway it is meant to measure.
// Frames are masked with an all-zero key (RFC 6455 §5.3 lets the key be any 32-bit value; the
// server still unmasks every byte), so the gateway does exactly the work a browser's frames cost it.
import net from "node:net";
import { randomBytes } from "node:crypto";

/** One masked client frame (opcode 1 text, 2 binary) with a zero masking key, built once and reused. */
export function clientFrame(opcode: 1 | 2, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65_536 ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]) : undefined;
  if (!head) throw new Error("frame too large for the load generator");
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

function pongFrame(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length]), Buffer.alloc(4), payload]);
}

export interface RawCall {
  /** Binary frames received from the gateway. */
  binary: number;
  /** Text frames received, decoded (control messages are rare). */
  texts: string[];
  write(frame: Buffer): void;
  close(): void;
  readonly open: boolean;
}

/**
 * Opens `/v1/stream` (upgrade with Origin), sends `start`, resolves on `ready`. Server frames are
 * unmasked; the parser walks headers and skips binary payloads without copying them.
 */
export function openRawCall(wsUrl: string, origin: string): Promise<RawCall> {
  const url = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let open = false;
    let handshake = true;
    let pending: Buffer = Buffer.alloc(0);
    let skip = 0; // binary payload bytes still to skip
    const call: RawCall = {
      binary: 0,
      texts: [],
      write: (frame) => {
        if (open) socket.write(frame);
      },
      close: () => {
        open = false;
        socket.end();
      },
      get open() {
        return open;
      },
    };
    socket.on("connect", () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      if (handshake) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return void (pending = buf);
        const status = buf.subarray(0, buf.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) return reject(new Error(`upgrade refused: ${status}`));
        handshake = false;
        open = true;
        socket.write(clientFrame(1, Buffer.from(JSON.stringify({ type: "start" }))));
        buf = buf.subarray(end + 4);
      }
      let at = 0;
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        skip -= n;
        at = n;
      }
      while (at < buf.length) {
        if (buf.length - at < 2) break;
        const opcode = buf[at]! & 0x0f;
        let len = buf[at + 1]! & 0x7f;
        let head = 2;
        if (len === 126) {
          if (buf.length - at < 4) break;
          len = buf.readUInt16BE(at + 2);
          head = 4;
        } else if (len === 127) {
          if (buf.length - at < 10) break;
          len = Number(buf.readBigUInt64BE(at + 2));
          head = 10;
        }
        if (opcode === 2) {
          call.binary++;
          const available = buf.length - at - head;
          if (available < len) {
            skip = len - available;
            at = buf.length;
            break;
          }
          at += head + len;
          continue;
        }
        if (buf.length - at - head < len) break; // wait for the whole control/text frame
        const payload = buf.subarray(at + head, at + head + len);
        at += head + len;
        if (opcode === 1) {
          const text = payload.toString("utf8");
          call.texts.push(text);
          if (text.includes('"type":"ready"')) resolve(call);
        } else if (opcode === 9) {
          // The gateway's keep-alive ping: answer it, or the sweeper drops the call as dead.
          socket.write(pongFrame(payload));
        } else if (opcode === 8) {
          open = false;
          reject(new Error(`closed ${len >= 2 ? payload.readUInt16BE(0) : 1005}`));
        }
      }
      if (at < buf.length) pending = Buffer.from(buf.subarray(at));
    });
    socket.on("error", reject);
    socket.on("close", () => {
      open = false;
      reject(new Error("socket closed"));
    });
  });
}
