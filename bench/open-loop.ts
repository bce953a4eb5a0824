// Open-loop load at a fixed rate: requests are sent on a schedule (one every 1000/rate ms), whether or
// not earlier ones have answered, and each latency is measured from its scheduled send time, so a
// stall shows up in the figures instead of slowing the generator down (no coordinated omission).
// autocannon's overallRate is not this: each connection sends back to back until its per-second quota
// is used and then waits for the next second, so its "fixed rate" latencies are closed-loop bursts.
// OPEN_LOOP_TRACE=/tmp/trace writes /tmp/trace-<rate>.json: [scheduled send (epoch ms), latency ms]
// per request, to line stalls up with the server's GC or event-loop lag.
import { writeFileSync } from "node:fs";
import net from "node:net";

export interface OpenLoopResult {
  offered: number;
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

const HEADER_END = "\r\n\r\n";
/** What every connection reads into: an `onread` callback runs to its end before the next read, and keeps nothing of it. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * One keep-alive HTTP/1.1 connection with at most one request outstanding, on a raw socket: the
 * generator shares the machine with the server and PostgreSQL, so it must cost far less per request
 * than node:http's client does. Responses must carry Content-Length (Fastify's JSON replies do).
 * Reads land in one shared buffer and bodies are counted, not kept: a Buffer per read (20 KB pages at
 * 1,000 req/s) grew the generator's external memory fast enough to force a full GC every 2–3 s, whose
 * 5–10 ms pauses were counted as the server's latency.
 */
class Connection {
  /** The response head read so far, while it spans reads. */
  private head = "";
  /** Body bytes still to come; -1 while the head is being read. */
  private bodyLeft = -1;
  private status = 0;
  private pending?: (status: number) => void;
  readonly socket: net.Socket;
  constructor(host: string, port: number) {
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (bytes: number, buffer: Uint8Array) => (this.onData(buffer as Buffer, bytes), true) },
    });
    this.socket.on("error", () => {
      this.pending?.(0);
      this.pending = undefined;
    });
  }
  send(request: Buffer, done: (status: number) => void) {
    this.pending = done;
    this.socket.write(request);
  }
  private onData(buffer: Buffer, bytes: number) {
    let offset = 0;
    while (offset < bytes) {
      if (this.bodyLeft < 0) {
        // The head is short: read it as text (with what an earlier read left of it) up to its blank line.
        const text = this.head + buffer.toString("latin1", offset, Math.min(bytes, offset + 8192));
        const end = text.indexOf(HEADER_END);
        if (end < 0) {
          this.head = text;
          offset = Math.min(bytes, offset + 8192);
          continue;
        }
        offset += end + HEADER_END.length - this.head.length;
        const head = text.slice(0, end);
        this.head = "";
        this.status = Number(head.slice(9, 12));
        this.bodyLeft = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      }
      const taken = Math.min(this.bodyLeft, bytes - offset);
      this.bodyLeft -= taken;
      offset += taken;
      if (this.bodyLeft === 0) {
        this.bodyLeft = -1;
        const done = this.pending;
        this.pending = undefined;
        done?.(this.status);
      }
    }
  }
}

export async function openLoop(url: string, headers: Record<string, string>, rate: number, durationSec: number): Promise<OpenLoopResult> {
  const target = new URL(url);
  const request = Buffer.from(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("") +
      "\r\n",
  );
  const total = Math.round(rate * durationSec);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const trace: [number, number][] | undefined = process.env.OPEN_LOOP_TRACE ? [] : undefined;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let finished = 0;
  const idle: Connection[] = [];
  const waiting: number[] = []; // scheduled times of requests with no free connection yet
  const MAX_CONNECTIONS = 256;
  let opened = 0;
  const port = Number(target.port);

  let resolveAll!: () => void;
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  const dispatch = (conn: Connection, scheduledAt: number) =>
    conn.send(request, (status) => {
      if (status === 0) errors++;
      else {
        if (status < 200 || status >= 300) non2xx++;
        latencies.push(performance.now() - scheduledAt);
        if (trace) trace.push([Math.round(performance.timeOrigin + scheduledAt), Math.round((performance.now() - scheduledAt) * 10) / 10]);
      }
      if (++finished === total) resolveAll();
      const next = waiting.shift();
      if (status !== 0 && next !== undefined) dispatch(conn, next);
      else if (status !== 0) idle.push(conn);
    });
  const connection = () => {
    const free = idle.pop();
    if (free) return free;
    if (opened >= MAX_CONNECTIONS) return undefined;
    opened++;
    return new Connection(target.hostname, port);
  };

  const t0 = performance.now();
  const tick = () => {
    const now = performance.now();
    while (sent < total && t0 + sent * interval <= now) {
      const scheduledAt = t0 + sent * interval;
      sent++;
      const conn = connection();
      if (conn) dispatch(conn, scheduledAt);
      else waiting.push(scheduledAt);
    }
    if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
  };
  tick();
  await allDone;
  const elapsed = (performance.now() - t0) / 1000;
  for (const conn of idle) conn.socket.destroy();
  latencies.sort((a, b) => a - b);
  if (trace) writeFileSync(`${process.env.OPEN_LOOP_TRACE}-${rate}.json`, JSON.stringify(trace));
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN) * 10) / 10;
  return {
    offered: rate,
    completed: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    non2xx,
    errors,
  };
}
