// Open-loop load at a fixed rate: requests are sent on a schedule (one every 1000/rate ms), whether or
// not earlier ones have answered, and each latency is measured from its scheduled send time, so a
// stall shows up in the figures instead of slowing the generator down (no coordinated omission).
// autocannon's overallRate is not this: each connection sends back to back until its per-second quota
// is used and then waits for the next second, so its "fixed rate" latencies are closed-loop bursts.
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

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * One keep-alive HTTP/1.1 connection with at most one request outstanding, on a raw socket: the
 * generator shares the machine with the server and PostgreSQL, so it must cost far less per request
 * than node:http's client does. Responses must carry Content-Length (Fastify's JSON replies do).
 */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending?: (status: number) => void;
  readonly socket: net.Socket;
  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk) => this.onData(chunk));
    this.socket.on("error", () => {
      this.pending?.(0);
      this.pending = undefined;
    });
  }
  send(request: Buffer, done: (status: number) => void) {
    this.pending = done;
    this.socket.write(request);
  }
  private onData(chunk: Buffer) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.subarray(0, headerEnd).toString("latin1");
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const end = headerEnd + 4 + length;
    if (this.buffered.length < end) return;
    this.buffered = this.buffered.subarray(end);
    const done = this.pending;
    this.pending = undefined;
    done?.(Number(head.slice(9, 12)));
  }
}

export async function openLoop(url: string, headers: Record<string, string>, rate: number, durationSec: number): Promise<OpenLoopResult> {
  const target = new URL(url);
  const request = Buffer.from(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
      "\r\n",
  );
  const total = Math.round(rate * durationSec);
  const interval = 1000 / rate;
  const latencies: number[] = [];
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
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN) * 10) / 10;
  return { offered: rate, completed: latencies.length, perSecond: Math.round(latencies.length / elapsed), p50: at(0.5), p99: at(0.99), max: at(1), non2xx, errors };
}
