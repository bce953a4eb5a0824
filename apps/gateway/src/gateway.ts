import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Tracer } from "@opentelemetry/api";
import websocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import type { AppConfig } from "@orbis/config";
import type { TokenService } from "@orbis/auth";
import { createBilling, createPlanGate, type Billing, type PlanGate } from "@orbis/billing";
import type { Cache } from "@orbis/cache";
import { CLOSE_CODES, type AgentConfig } from "@orbis/contracts";
import { systemRepository, type Database } from "@orbis/db";
import { createRecordingStore, type RecordingStore } from "@orbis/recordings";
import { createProspectBrain } from "@orbis/practice";
import type { Brain } from "@orbis/voice";
import type { Registry } from "prom-client";
import type { PipelineFactory } from "./agent-pipeline.ts";
import { CallHeartbeats } from "./call-heartbeats.ts";
import { CallSession } from "./call-session.ts";
import { createCallLimiter, type CallLimiter } from "./limits.ts";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.ts";
import { LiveSockets } from "./shutdown.ts";
import { authenticateStream, consumeVoiceToken } from "./stream-auth.ts";
import type { PracticeGrant } from "./practice/practice-grant.ts";
import { practiceDeadline } from "./practice/practice-deadline.ts";
import { practiceRecordStore } from "./practice/practice-store.ts";
import { BrowserStreamReader, browserTransport } from "./transports/browser-stream.ts";

export type BrainFactory = (workspaceId: string, agentId: string, agent: AgentConfig) => Brain | Promise<Brain>;
/** The prospect of a sales practice session. */
type ProspectFactory = (practice: PracticeGrant) => Brain | Promise<Brain>;

export interface GatewayRuntime {
  config: AppConfig;
  db: Database;
  cache: Cache;
  tokens: TokenService;
  metrics: Registry;
  /** Plans and their limits (the composition root's); built from `config.billing` when absent. */
  billing?: Billing;
  /** The clock of carrier webhook checks (tests move it); the system clock when absent. */
  now?: () => Date;
}

export interface GatewayOptions {
  brains: BrainFactory;
  pipeline: PipelineFactory;
  /** Sales practice sessions' prospects; default the offline prospect engine of `@orbis/practice`. */
  prospects?: ProspectFactory;
  /** A call whose process stopped heart-beating this long ago is closed by the reaper. */
  staleAfterMs?: number;
  heartbeatMs?: number;
  /**
   * How often live calls' heartbeat_at is refreshed (one UPDATE per workspace) and their slot leases
   * renewed; well under staleAfterMs. Default a third of the lease period (CALL_LEASE_SEC), at most 30 s.
   */
  callHeartbeatMs?: number;
  /** A socket that has not sent `start` this long after it opened is closed (browser: 4000). Default 5 s. */
  startTimeoutMs?: number;
  /** At shutdown, how long live calls get to end (`end`, close 1012) before their sockets are cut. Default 3 s. */
  shutdownDrainMs?: number;
  /** Call recordings (agents with `recordCalls`); default the store of `config.recordings` (`createRecordingStore`). */
  recordings?: RecordingStore;
  /** More WebSocket routes (carrier media streams) in the same websocket scope, sharing metrics and limits. */
  extraRoutes?: ((scope: FastifyInstance, ctx: GatewayContext) => Promise<void>)[];
  /** OpenTelemetry: a trace per call (the composition root's tracer when OTEL_EXPORTER_OTLP_ENDPOINT is set); absent, off. */
  tracer?: Tracer;
}

export interface GatewayContext {
  runtime: GatewayRuntime;
  gatewayId: string;
  metrics: GatewayMetrics;
  limiter: CallLimiter;
  /** The plan check every call passes once as it starts (allowance spent → refused; the plan's concurrency). */
  gate: PlanGate;
  heartbeats: CallHeartbeats;
  recordings: RecordingStore;
  sockets: LiveSockets;
  startTimeoutMs: number;
  tracer?: Tracer;
  /** Sales practice prospects (`GatewayOptions.prospects`): the practice line's sessions run them too. */
  prospects: ProspectFactory;
}

/** The gateway role: WebSocket /v1/stream (and, later, carrier media streams) on the given server. */
export function gatewayMount(options: GatewayOptions) {
  return async (app: FastifyInstance, runtime: GatewayRuntime) => {
    const gatewayId = `gw_${randomBytes(6).toString("hex")}`;
    const metrics = createGatewayMetrics(runtime.metrics);
    const limiter = createCallLimiter(runtime.cache, {
      perWorkspace: runtime.config.maxCallsPerWorkspace,
      perKey: runtime.config.maxCallsPerKey,
      leaseMs: runtime.config.callLeaseSec * 1000,
    });
    const gate = createPlanGate(runtime.billing ?? createBilling(runtime.config.billing), { log: app.log, metrics: runtime.metrics });
    const live = new Map<WebSocket, { session?: CallSession; alive: boolean; idleMs: number }>();
    const sockets = new LiveSockets();
    const staleAfterMs = options.staleAfterMs ?? 120_000;
    const startTimeoutMs = options.startTimeoutMs ?? 5_000;
    const recordings =
      options.recordings ?? createRecordingStore(runtime.config.recordings, { dataDir: runtime.config.dataDir, encryptionKey: runtime.config.encryptionKey });
    const heartbeats = new CallHeartbeats(
      (err) => app.log.error({ err }, "call heartbeat failed"),
      options.callHeartbeatMs ?? Math.min(30_000, limiter.leaseMs / 3),
      () => limiter.renew(),
    );

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
    // Shutdown (SIGTERM → app.close()): preClose runs while the sockets are still open — before the
    // websocket plugin's own preClose, which would close them bare (1005) and leave each call to end as
    // a caller hang-up — so live calls end as server_shutdown. onClose then waits for the slot
    // releases and call closes still running, before the cache and database close.
    app.addHook("preClose", async () => {
      await sockets.endAll(options.shutdownDrainMs ?? 3_000);
    });
    app.addHook("onClose", async () => {
      clearInterval(reaper);
      clearInterval(sweeper);
      heartbeats.stop();
      await sockets.drain();
    });

    await app.register(async (scope) => {
      await scope.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES }, errorHandler: socketErrorHandler });

      scope.get("/v1/stream", { websocket: true, schema: { hide: true } }, (socket, request) => {
        if (sockets.closing) return socket.close(CLOSE_CODES.serverShutdown, "server shutting down");
        const entry: { session?: CallSession; alive: boolean; idleMs: number } = { alive: true, idleMs: 30 * 60_000 };
        live.set(socket, entry);
        sockets.add(socket, () => entry.session);
        socket.on("pong", () => (entry.alive = true));
        const log = request.log;
        const transport = browserTransport(socket);
        const reject = (code: number, message: string) => {
          transport.sendEvent({ type: "error", code: String(code), message });
          transport.close(code, message);
        };

        // A socket holds nothing (no call slot, no token) until its `start`, and must send it soon.
        let startSeen = false;
        const startTimer = setTimeout(() => {
          if (!startSeen) reject(CLOSE_CODES.invalidAgentOrToken, `no start within ${startTimeoutMs} ms`);
        }, startTimeoutMs);

        let release: (() => Promise<void>) | undefined;
        let cancelDeadline: (() => void) | undefined;
        const ready = (async () => {
          const auth = await authenticateStream(runtime, request.query as Record<string, string | undefined>, request.headers.origin);
          if (!auth.ok) {
            reject(CLOSE_CODES.invalidAgentOrToken, auth.message);
            return undefined;
          }
          entry.idleMs = auth.grant.agent.idleTimeoutSec * 1000;
          return auth.grant;
        })();

        const reader = new BrowserStreamReader({
          start: async () => {
            const grant = await ready;
            if (!grant || socket.readyState !== socket.OPEN) return undefined;
            const refused = (code: number, message: string) => (reject(code, message), undefined);
            if (sockets.closing) return refused(CLOSE_CODES.serverShutdown, "server shutting down");
            if (grant.voiceToken && !(await consumeVoiceToken(runtime.cache, grant.voiceToken))) {
              return refused(CLOSE_CODES.invalidAgentOrToken, "this session token was already used for a call");
            }
            // The plan, once per call: a spent allowance refuses it, the plan's concurrency bounds the slot.
            // A dashboard test call ("Try this agent") is never held to the plan: building an agent stays possible.
            // A practice session is not a call: it spends no allowance (the concurrency limits still hold).
            let planLimit: number | null = null;
            if (!grant.test && !grant.practice) {
              const admitted = await gate.admit(grant.tenant, "web");
              if (!admitted.ok) return refused(CLOSE_CODES.quotaExceeded, admitted.message);
              planLimit = admitted.concurrentCalls;
            }
            if (socket.readyState !== socket.OPEN) return undefined;
            const slot = await limiter.acquire(grant.tenant.workspaceId, grant.keyId, planLimit);
            if (!slot.ok) return refused(CLOSE_CODES.rateLimited, `too many concurrent calls for this ${slot.limit}`);
            // Released by the close handling, which runs after this handler whenever the socket closes.
            release = slot.release;
            const practice = grant.practice;
            const brain = practice
              ? await (options.prospects ?? defaultProspects)(practice)
              : await options.brains(grant.tenant.workspaceId, grant.agentId, grant.agent);
            if (sockets.closing) return refused(CLOSE_CODES.serverShutdown, "server shutting down");
            if (socket.readyState !== socket.OPEN) return undefined;
            const session = new CallSession({
              tenant: grant.tenant,
              agentId: grant.agentId,
              agent: grant.agent,
              channel: "web",
              ...(grant.test ? { test: true } : {}),
              gatewayId,
              brain,
              pipelineFactory: options.pipeline,
              transport,
              metrics,
              heartbeats,
              log,
              recordings,
              ...(practice
                ? { store: practiceRecordStore({ tenant: grant.tenant, practice, prospect: brain, log }), practiceSessionId: practice.sessionId }
                : {}),
              ...(options.tracer ? { tracer: options.tracer } : {}),
            });
            entry.session = session;
            await session.start();
            if (practice) cancelDeadline = practiceDeadline(session, practice.scenario.timeLimitSec);
            transport.sendEvent({ type: "ready", callId: session.callId, sampleRate: 16000 });
            return session;
          },
          audioHandled: (ms) => metrics.frameHandling.observe(ms),
          violation: ({ code, message }) => {
            (entry.session?.log ?? log).info({ code, message }, "stream protocol violation");
            if (entry.session) void entry.session.end("protocol_error", code);
            else reject(code, message);
          },
        });

        // Messages are handled one at a time, in order, after authentication settled. Audio arriving
        // while nothing is queued takes the synchronous path: no promise per 20 ms frame.
        const failed = (err: unknown) => {
          (entry.session?.log ?? log).error({ err }, "stream handler failed");
          if (entry.session) void entry.session.end("error", CLOSE_CODES.internal);
          else transport.close(CLOSE_CODES.internal, "internal error");
        };
        let authenticated = false;
        let queued = 0;
        let chain: Promise<unknown> = ready.then((grant) => (authenticated = grant !== undefined));
        socket.on("message", (data: Buffer, isBinary: boolean) => {
          if (!startSeen && !isBinary && isControl(data, "start")) {
            startSeen = true;
            clearTimeout(startTimer);
          }
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
              // A client that sends `end` and closes at once (the voice client's hang-up) still hung up,
              // rather than dropped: the queued `end` is handled though the socket has closed.
              if (socket.readyState !== socket.OPEN && (isBinary || !isControl(data, "end"))) return;
              if ((await ready) === undefined) return;
              await reader.onMessage(data, isBinary);
            })
            .catch(failed)
            .finally(() => queued--);
        });
        socket.on("close", () => {
          clearTimeout(startTimer);
          cancelDeadline?.();
          live.delete(socket);
          reader.dispose();
          sockets.closed(
            socket,
            chain
              .catch(() => undefined)
              .then(async () => {
                // Closed without an `end` message (a practice session tells the two apart; a call does not).
                await entry.session?.end("caller_hangup", 1000, "disconnected");
                await release?.();
              })
              .catch((err: unknown) => log.error({ err }, "call cleanup failed")),
          );
        });
      });
      for (const add of options.extraRoutes ?? [])
        await add(scope, {
          runtime,
          gatewayId,
          metrics,
          limiter,
          gate,
          heartbeats,
          recordings,
          sockets,
          startTimeoutMs,
          ...(options.tracer ? { tracer: options.tracer } : {}),
          prospects: options.prospects ?? defaultProspects,
        });
    });
  };
}

const defaultProspects: ProspectFactory = ({ persona, scenario }) => createProspectBrain({ persona, scenario });

/** The WebSocket layer refuses a larger message (close 1009) before it is buffered. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Errors on an open socket (every WebSocket route of the gateway). A frame the WebSocket layer refuses
 * (over MAX_MESSAGE_BYTES, text that is not UTF-8, a malformed frame: `WS_ERR_*`) is the client's fault:
 * `ws` has already sent the RFC 6455 close (1009, 1007, 1002) and ends the connection after it, so it
 * is logged at info and the socket left to close cleanly. Anything else (a handler that threw) is
 * ours: logged as an error and closed 1011.
 */
function socketErrorHandler(error: Error & { code?: unknown }, socket: WebSocket, request: FastifyRequest): void {
  if (typeof error.code === "string" && error.code.startsWith("WS_ERR_")) {
    request.log.info({ code: error.code, reason: error.message }, "websocket frame refused");
    return;
  }
  request.log.error({ err: error }, "websocket handler failed");
  if (socket.readyState === socket.OPEN) socket.close(CLOSE_CODES.internal, "internal error");
  else socket.terminate();
}

/** Whether a text frame is a `start` message (checked before the frame is queued behind authentication). */
/** A small control message of this type (read before the reader validates it). */
function isControl(data: Buffer, type: "start" | "end"): boolean {
  if (data.length > 1024) return false;
  try {
    return (JSON.parse(data.toString("utf8")) as { type?: unknown } | null)?.type === type;
  } catch {
    return false;
  }
}
