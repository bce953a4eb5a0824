import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildPlatform, createRuntime, startTelemetry, type Runtime, type Telemetry } from "@orbis/cli";
import { loadConfig, testConfig } from "@orbis/config";
import { schema } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { SPAN } from "@orbis/gateway";
import { voiceGateway } from "../../apps/cli/src/voice.ts";
import { createTenant, WIDGET_ORIGIN, type Tenant } from "./harness.ts";

/**
 * Traces leave the platform as OTLP/HTTP: the platform composed as `orbis start --role all` composes it
 * (`startTelemetry` from the OTEL_* variables, `voiceGateway` handed its tracer), a loopback collector
 * on `POST /v1/traces`, and a typed call through /v1/stream. The collector must receive the call's
 * trace: its `call` span with the call id, and a `turn` span for every stored turn.
 */

/** What an OTLP/HTTP JSON export carries (the parts read here). */
interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

/** A loopback OTLP collector: keeps every export and the headers it came with. */
async function startCollector() {
  const received: { headers: IncomingHttpHeaders; body: OtlpExport }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
      received.push({ headers: req.headers, body: JSON.parse(body.toString("utf8")) as OtlpExport });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans: () => received.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))),
    resources: () => received.flatMap((r) => r.body.resourceSpans.map((rs) => attributesOf(rs.resource.attributes))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attributesOf(list: { key: string; value: OtlpValue }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list)
    out[key] = value.stringValue ?? value.boolValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.doubleValue);
  return out;
}

/** A typed call: each line once the agent has finished its piece, then `end`. Resolves with the call id when the socket closed. */
function typedCall(url: string, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: WIDGET_ORIGIN });
    let callId = "";
    const queue = [...lines];
    let quiet: NodeJS.Timeout | undefined;
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("message", (d, binary) => {
      if (binary) return;
      const m = JSON.parse(d.toString()) as { type: string; role?: string; callId?: string; message?: string };
      if (m.type === "ready") callId = m.callId!;
      if (m.type === "error") reject(new Error(m.message));
      if (m.type === "transcript" && m.role === "agent") {
        clearTimeout(quiet);
        quiet = setTimeout(() => {
          const line = queue.shift();
          ws.send(JSON.stringify(line === undefined ? { type: "end" } : { type: "text", text: line }));
        }, 400);
      }
    });
    ws.on("error", reject);
    ws.on("close", () => {
      clearTimeout(quiet);
      resolve(callId);
    });
  });
}

let collector: Awaited<ReturnType<typeof startCollector>>;
let runtime: Runtime;
let telemetry: Telemetry;
let app: Awaited<ReturnType<typeof buildPlatform>>;
let tenant: Tenant;
let wsUrl: string;

beforeAll(async () => {
  collector = await startCollector();
  // The OTEL_* variables as an operator sets them, read by the config like every other setting.
  const env = loadConfig("all", {
    OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/`,
    OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20collector-secret",
  });
  const config = testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-tracing-")), telemetry: env.telemetry });
  telemetry = await startTelemetry(config, "all");
  runtime = createRuntime(config);
  await runtime.db.migrate();
  app = await buildPlatform(runtime, { mounts: [voiceGateway(runtime, telemetry)] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  wsUrl = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/stream`;
  tenant = await createTenant({ app });
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
  await telemetry?.shutdown();
  await collector?.close();
});

describe("OpenTelemetry traces over OTLP", () => {
  it("the collector receives the call's trace: a `call` span with its ids and a `turn` span for every stored turn", async () => {
    const callId = await typedCall(`${wsUrl}?agentId=${tenant.agentId}&apiKey=${tenant.publishableKey}`, ["What are your opening hours?"]);
    expect(callId).toMatch(/^call_/);
    // The call span closes once the call's record is closed, a moment after the socket: wait for the row.
    for (let i = 0; i < 100; i++) {
      const [row] = await runtime.db.system.select().from(schema.calls).where(eq(schema.calls.id, callId));
      if (row?.endedAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 100));
    const stored = await runtime.db.system.select({ seq: schema.callTurns.seq }).from(schema.callTurns).where(eq(schema.callTurns.callId, callId));
    // The greeting and the answer.
    expect(stored.length).toBeGreaterThanOrEqual(2);

    // The batch processor exports on its schedule; a flush sends what it holds now.
    await telemetry.shutdown();
    expect(collector.received.length).toBeGreaterThan(0);
    for (const r of collector.received) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers.authorization).toBe("Bearer collector-secret");
    }
    expect(collector.resources()[0]).toMatchObject({ "service.name": "orbisvoice-all", "orbis.role": "all" });

    const spans = collector.spans();
    const calls = spans.filter((s) => s.name === SPAN.call && attributesOf(s.attributes)["orbis.call.id"] === callId);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.parentSpanId ?? "").toBe("");
    expect(attributesOf(call.attributes)).toMatchObject({
      "orbis.call.id": callId,
      "orbis.workspace.id": tenant.workspaceId,
      "orbis.agent.id": tenant.agentId,
      "orbis.call.channel": "web",
      "orbis.call.end_reason": "caller_hangup",
    });

    const turns = spans.filter((s) => s.name === SPAN.turn && s.parentSpanId === call.spanId);
    expect(turns.every((t) => t.traceId === call.traceId)).toBe(true);
    expect(turns.map((t) => Number(attributesOf(t.attributes)["orbis.turn.seq"])).sort((x, y) => x - y)).toEqual(
      stored.map((r) => r.seq).sort((x, y) => x - y),
    );
    // Each turn lies inside the call.
    for (const t of turns) {
      expect(BigInt(t.startTimeUnixNano) >= BigInt(call.startTimeUnixNano) - 1_000_000n).toBe(true);
      expect(BigInt(t.endTimeUnixNano) <= BigInt(call.endTimeUnixNano)).toBe(true);
    }
  });

  it("without OTEL_EXPORTER_OTLP_ENDPOINT there is no tracer: the gateway traces nothing", async () => {
    const off = await startTelemetry(testConfig(), "gateway");
    expect(off.tracer).toBeUndefined();
    await off.shutdown();
    expect(loadConfig("gateway", {}).telemetry).toEqual({ otlpEndpoint: undefined, serviceName: "orbisvoice-gateway", otlpHeaders: {} });
  });
});
