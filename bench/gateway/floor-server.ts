// The floor under P1: a bare `ws` server on /v1/stream with no gateway code — no auth, sessions,
// pipeline or pacer. It answers `start` with `ready` and every 20 ms caller frame with one 20 ms frame
// at once. What it costs at N calls is what Node, `ws` and this machine's loopback TCP cost before
// OrbisVoice adds anything. `orbis_output_frame_delay_ms` here is event-loop lag, probed every 2 ms:
// how late a frame due at that moment would have left.
import { createServer } from "node:http";
import { Histogram, Registry } from "prom-client";
import { WebSocketServer } from "ws";

const metrics = new Registry();
const lag = new Histogram({ name: "orbis_output_frame_delay_ms", help: "event-loop lag", buckets: [1, 2, 5, 10, 20, 40, 80], registers: [metrics] });
const handling = new Histogram({
  name: "orbis_inbound_frame_handling_ms",
  help: "per inbound frame",
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metrics],
});
const reply = Buffer.alloc(640);
const http = createServer(async (req, res) => {
  if (req.url === "/metrics") return res.end(await metrics.metrics());
  res.statusCode = 404;
  res.end();
});
const wss = new WebSocketServer({ server: http, path: "/v1/stream", perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    const t0 = performance.now();
    if (isBinary) ws.send(reply);
    else ws.send(JSON.stringify({ type: "ready", callId: "floor", sampleRate: 16000 }));
    handling.observe(performance.now() - t0);
  });
});
let expected = performance.now() + 2;
setInterval(() => {
  const now = performance.now();
  lag.observe(Math.max(0, now - expected));
  expected = now + 2;
}, 2);
http.listen(0, "127.0.0.1", () => {
  const { port } = http.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  process.stdout.write(JSON.stringify({ url, wsUrl: `ws://127.0.0.1:${port}/v1/stream`, origin: "http://bench.localhost", pid: process.pid }) + "\n");
});
process.on("SIGTERM", () => process.exit(0));
