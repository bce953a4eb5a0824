import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import websocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import type { AppConfig } from "@orbis/config";
import type { TokenService } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import { CLOSE_CODES, type AgentConfig } from "@orbis/contracts";
import { systemRepository, type Database } from "@orbis/db";
import { localRecordingStore, type RecordingStore } from "@orbis/recordings";
import type { Brain } from "@orbis/voice";
import type { Registry } from "prom-client";
import type { PipelineFactory } from "./agent-pipeline.ts";
import { CallHeartbeats } from "./call-heartbeats.ts";
import { CallSession } from "./call-session.ts";
import { createCallLimiter, type CallLimiter } from "./limits.ts";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.ts";
import { drainCleanups } from "./shutdown.ts";
import { authenticateStream } from "./stream-auth.ts";
import { BrowserStreamReader, browserTransport } from "./transports/browser-stream.ts";

export type BrainFactory = (workspaceId: string, agentId: string, agent: AgentConfig) => Brain | Promise<Brain>;

export interface GatewayRuntime {
  config: AppConfig;
  db: Database;
  cache: Cache;
  tokens: TokenService;
  metrics: Registry;
  /** The clock of carrier webhook checks (tests move it); the system clock when absent. */
  now?: () => Date;
}

export interface GatewayOptions {
  brains: BrainFactory;
  pipeline: PipelineFactory;
  /** A call whose process stopped heart-beating this long ago is closed by the reaper. */
  staleAfterMs?: number;
  heartbeatMs?: number;
  /** How often live calls' heartbeat_at is refreshed (one UPDATE per workspace); well under staleAfterMs. */
  callHeartbeatMs?: number;
  /** Call recordings (agents with `recordCalls`); default the directory `<DATA_DIR>/recordings`. */
  recordings?: RecordingStore;
  /** More WebSocket routes (carrier media streams) in the same websocket scope, sharing metrics and limits. */
  extraRoutes?: ((scope: FastifyInstance, ctx: GatewayContext) => Promise<void>)[];
}

export interface GatewayContext {
  runtime: GatewayRuntime;
  gatewayId: string;
  metrics: GatewayMetrics;
  limiter: CallLimiter;
  heartbeats: CallHeartbeats;
  recordings: RecordingStore;
}

/** The gateway role: WebSocket /v1/stream (and, later, carrier media streams) on the given server. */
export function gatewayMount(options: GatewayOptions) {
  return async (app: FastifyInstance, runtime: GatewayRuntime) => {
    const gatewayId = `gw_${randomBytes(6).toString("hex")}`;
    const metrics = createGatewayMetrics(runtime.metrics);
    const limiter = createCallLimiter(runtime.cache, { perWorkspace: runtime.config.maxCallsPerWorkspace, perKey: runtime.config.maxCallsPerKey });
    const live = new Map<WebSocket, { session?: CallSession; alive: boolean; idleMs: number }>();
    const staleAfterMs = options.staleAfterMs ?? 120_000;
    const recordings = options.recordings ?? localRecordingStore(join(runtime.config.dataDir, "recordings"));
    const heartbeats = new CallHeartbeats((err) => app.log.error({ err }, "call heartbeat failed"), options.callHeartbeatMs ?? 30_000);

    const reap = async () => {
      const closed = await systemRepository(runtime.db.system).closeAbandonedCalls(new Date(Date.now() - staleAfterMs));
      if (closed > 0) app.log.warn({ closed }, "reaper closed calls left open by a stopped gateway");
    };
    await reap();
    const reaper = setInterval(() => void reap().catch((err: unknown) => app.log.error({ err }, "reaper failed")), 60_000);
    // Ping/pong finds dead peers; the same sweep enforces the per-agent idle timeout.
    const sweeper = setInterval(() => {
      const now = Date.now();
      for (const [socket, entry] of live) {
        if (!entry.alive) {
          socket.terminate();
          continue;
        }
        entry.alive = false;
        socket.ping();
        const s = entry.session;
        if (s && !s.isEnded && now - s.lastActivityAt > entry.idleMs) void s.end("idle_timeout", CLOSE_CODES.idleTimeout);
      }
    }, options.heartbeatMs ?? 15_000);
    reaper.unref();
    sweeper.unref();
    // Slot releases and call closes still running when the server shuts down; awaited before the cache closes.
    const cleanups = new Set<Promise<unknown>>();
    app.addHook("onClose", async () => {
      clearInterval(reaper);
      clearInterval(sweeper);
      heartbeats.stop();
      await Promise.allSettled([...live.values()].map((e) => e.session?.end("server_shutdown", 1001)));
      for (const socket of live.keys()) socket.terminate();
      await drainCleanups(live, cleanups);
    });

    await app.register(async (scope) => {
      await scope.register(websocket, { options: { maxPayload: 1024 * 1024 } });

      scope.get("/v1/stream", { websocket: true, schema: { hide: true } }, (socket, request) => {
        const entry: { session?: CallSession; alive: boolean; idleMs: number } = { alive: true, idleMs: 30 * 60_000 };
        live.set(socket, entry);
        socket.on("pong", () => (entry.alive = true));
        const log = request.log;
        const transport = browserTransport(socket);
        const reject = (code: number, message: string) => {
          transport.sendEvent({ type: "error", code: String(code), message });
          transport.close(code, message);
        };

        let release: (() => Promise<void>) | undefined;
        const ready = (async () => {
          const auth = await authenticateStream(runtime, request.query as Record<string, string | undefined>, request.headers.origin);
          if (!auth.ok) {
            reject(CLOSE_CODES.invalidAgentOrToken, auth.message);
            return undefined;
          }
          const slot = await limiter.acquire(auth.grant.tenant.workspaceId, auth.grant.keyId);
          if (!slot.ok) {
            reject(CLOSE_CODES.rateLimited, `too many concurrent calls for this ${slot.limit}`);
            return undefined;
          }
          release = slot.release;
          entry.idleMs = auth.grant.agent.idleTimeoutSec * 1000;
          return auth.grant;
        })();

        const reader = new BrowserStreamReader({
          start: async () => {
            const grant = await ready;
            if (!grant || socket.readyState !== socket.OPEN) return undefined;
            const session = new CallSession({
              tenant: grant.tenant,
              agentId: grant.agentId,
              agent: grant.agent,
              channel: "web",
              gatewayId,
              brain: await options.brains(grant.tenant.workspaceId, grant.agentId, grant.agent),
              pipelineFactory: options.pipeline,
              transport,
              metrics,
              heartbeats,
              log,
              recordings,
            });
            entry.session = session;
            await session.start();
            transport.sendEvent({ type: "ready", callId: session.callId, sampleRate: 16000 });
            return session;
          },
          audioHandled: (ms) => metrics.frameHandling.observe(ms),
          violation: ({ code, message }) => {
            log.info({ code, message }, "stream protocol violation");
            if (entry.session) void entry.session.end("protocol_error", code);
            else reject(code, message);
          },
        });

        // Messages are handled one at a time, in order, after authentication settled. Audio arriving
        // while nothing is queued takes the synchronous path: no promise per 20 ms frame.
        const failed = (err: unknown) => {
          log.error({ err }, "stream handler failed");
          if (entry.session) void entry.session.end("error", CLOSE_CODES.internal);
          else transport.close(CLOSE_CODES.internal, "internal error");
        };
        let authenticated = false;
        let queued = 0;
        let chain: Promise<unknown> = ready.then((grant) => (authenticated = grant !== undefined));
        socket.on("message", (data: Buffer, isBinary: boolean) => {
          if (isBinary && authenticated && queued === 0) {
            try {
              if (socket.readyState === socket.OPEN) reader.onAudio(data);
            } catch (err) {
              failed(err);
            }
            return;
          }
          queued++;
          chain = chain
            .then(async () => {
              if (socket.readyState !== socket.OPEN) return;
              if ((await ready) === undefined) return;
              await reader.onMessage(data, isBinary);
            })
            .catch(failed)
            .finally(() => queued--);
        });
        socket.on("close", () => {
          live.delete(socket);
          reader.dispose();
          const cleanup = chain
            .catch(() => undefined)
            .then(async () => {
              await entry.session?.end("caller_hangup");
              await release?.();
            })
            .catch((err: unknown) => log.error({ err }, "call cleanup failed"))
            .finally(() => cleanups.delete(cleanup));
          cleanups.add(cleanup);
        });
      });
      for (const add of options.extraRoutes ?? []) await add(scope, { runtime, gatewayId, metrics, limiter, heartbeats, recordings });
    });
  };
}
