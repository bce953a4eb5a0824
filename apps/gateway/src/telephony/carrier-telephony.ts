import { createHash, randomBytes } from "node:crypto";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import twilio from "twilio";
import { z } from "zod";
import { CLOSE_CODES, type AgentConfig } from "@orbis/contracts";
import { createCredentialsService, type CredentialsService } from "@orbis/credentials";
import { loadAgentConfigForCall } from "@orbis/agent-runtime";
import { tenantScope, type TenantScope } from "@orbis/db";
import { createStreamTokens, telnyxProtocol, telnyxTransfer, twilioProtocol, twilioTransfer, type CarrierProtocol, type StreamGrant } from "@orbis/telephony";
import type { PipelineFactory } from "../agent-pipeline.ts";
import { CallSession, type CallTransport } from "../call-session.ts";
import { createPhoneMetrics } from "../metrics.ts";
import type { BrainFactory, GatewayContext } from "../gateway.ts";
import { admitPractice } from "../practice/practice-grant.ts";
import { practiceDeadline } from "../practice/practice-deadline.ts";
import { practiceRecordStore } from "../practice/practice-store.ts";
import { CarrierStream } from "./carrier-stream.ts";
import { carrierCallSession } from "./outbound-session.ts";
import { registerOutboundWebhooks } from "./outbound-webhooks.ts";
import { registerCarrierWebhooks } from "./webhooks/index.ts";

export interface TelephonyStreamOptions {
  brains: BrainFactory;
  pipeline: PipelineFactory;
  /** Band-fill amplitude for 8 kHz audio (default: config PHONE_BAND_FILL). */
  bandFill?: number;
  /** Inbound jitter-buffer depth in 20 ms frames (default 2). */
  jitterDepth?: number;
  /** Called with each stream when it closes (benchmarks read jitter figures). */
  onStreamClosed?(stream: CarrierStream): void;
}

/**
 * Carrier media WebSockets, mounted into the gateway's websocket scope (`gatewayMount({ extraRoutes })`):
 * WS /v1/telephony/twilio/media and /v1/telephony/telnyx/media. A stream is trusted only through the
 * signed token the webhook issued for one call (Twilio: `<Parameter name="token">`, plus the upgrade's
 * X-Twilio-Signature; Telnyx: `?token=` on the stream URL). A stream that sends no `start` within the
 * start timeout is closed (4000); a Telnyx stream with no token is refused at once (1011).
 */
export function carrierTelephony(options: TelephonyStreamOptions) {
  return async (scope: FastifyInstance, ctx: GatewayContext) => {
    const { runtime, metrics, limiter, gate, gatewayId, heartbeats, recordings, sockets, startTimeoutMs, tracer, prospects } = ctx;
    if (!runtime.config.jwtSecret) throw new Error("telephony streams need JWT_SECRET");
    const tokens = createStreamTokens(runtime.config.jwtSecret);
    const credentials = createCredentialsService(runtime.config.encryptionKey);
    const audio = {
      bandFill: options.bandFill ?? runtime.config.phoneBandFill,
      spectralFold: runtime.config.phoneSpectralFold,
      jitterDepth: options.jitterDepth ?? 2,
    };
    const phone = createPhoneMetrics(runtime.metrics);
    const publicBase = () => (runtime.config.publicBaseUrl ?? `http://localhost:${runtime.config.port}`).replace(/\/$/, "");

    const route = (protocol: CarrierProtocol, path: string) =>
      scope.get(path, { websocket: true, schema: { hide: true } }, (socket: WebSocket, request) => {
        const log = request.log;
        const carrier = protocol.carrier;
        const upgradeSignature = request.headers["x-twilio-signature"];
        const queryToken = (request.query as Record<string, string | undefined>).token;
        if (sockets.closing) return socket.close(CLOSE_CODES.serverShutdown, "server shutting down");
        // Telnyx's stream URL carries the call's token: without one nothing can be accepted (refused as a bad token is).
        if (carrier === "telnyx" && !queryToken) return socket.close(CLOSE_CODES.internal, "stream refused: no token");
        let release: (() => Promise<void>) | undefined;
        let active: ActiveCall | undefined;
        let cancelDeadline: (() => void) | undefined;

        /**
         * A stream from the practice line (the rep keyed their code): admitted like the browser's practice
         * token — the session's own rep, an active member, the session live — and once (the token's hash is
         * remembered until it would have expired). No call row: the practice store writes the session.
         */
        const startPractice = async (grant: StreamGrant & { practiceSessionId: string }, token: string, transport: CallTransport) => {
          const tenant = tenantScope(runtime.db, grant.workspaceId);
          const admitted = await admitPractice(tenant, { userId: grant.userId, agentId: grant.agentId, practiceSessionId: grant.practiceSessionId });
          if (!admitted.ok) {
            log.info({ practiceSessionId: grant.practiceSessionId, reason: admitted.message }, "practice stream refused");
            return undefined;
          }
          const ttlSec = Math.max(1, Math.ceil((grant.expiresAt - Date.now()) / 1000) + 60);
          if (!(await runtime.cache.setIfAbsent(`practice-stream:used:${createHash("sha256").update(token).digest("hex")}`, "1", ttlSec))) {
            log.warn({ practiceSessionId: grant.practiceSessionId }, "practice stream token used twice");
            return undefined;
          }
          if (sockets.closing) return undefined;
          // Not a call: no plan allowance is spent, the concurrency limits still hold.
          const slot = await limiter.acquire(grant.workspaceId);
          if (!slot.ok) return undefined;
          release = slot.release;
          const { practice, agent } = admitted;
          const brain = await prospects(practice);
          const session = new CallSession({
            tenant,
            agentId: practice.sessionId,
            agent,
            channel: protocol.carrier,
            gatewayId,
            brain,
            pipelineFactory: options.pipeline,
            transport,
            metrics,
            heartbeats,
            recordings,
            log,
            ...(tracer ? { tracer } : {}),
            store: practiceRecordStore({ tenant, practice, prospect: brain, byPhone: true, log }),
            practiceSessionId: practice.sessionId,
          });
          cancelDeadline = practiceDeadline(session, practice.scenario.timeLimitSec);
          return session;
        };

        const stream: CarrierStream = new CarrierStream(
          socket,
          protocol,
          log,
          {
            start: async (msg, transport) => {
              const token = (protocol.carrier === "twilio" ? msg.token : queryToken) ?? "";
              const grant: StreamGrant | undefined = await tokens.verify(token);
              if (!grant || grant.provider !== protocol.carrier || grant.providerCallId !== msg.providerCallId) {
                log.warn({ carrier: protocol.carrier }, "carrier stream with an invalid or foreign token");
                return undefined;
              }
              const tenant = tenantScope(runtime.db, grant.workspaceId);
              if (protocol.carrier === "twilio") {
                // The upgrade is signed like a webhook, over the wss:// URL with no params.
                const creds = await credentials.read(tenant, "twilio");
                const url = `${publicBase().replace(/^http/, "ws")}${path}`;
                if (!creds || typeof upgradeSignature !== "string" || !twilio.validateRequest(creds.authToken, upgradeSignature, url, {})) {
                  log.warn("twilio media upgrade signature invalid");
                  return undefined;
                }
              }
              if (grant.practiceSessionId) return startPractice({ ...grant, practiceSessionId: grant.practiceSessionId }, token, transport);
              // Callers hear the agent's latest published version; an agent never published takes no phone calls.
              const [loaded, call] = await Promise.all([loadAgentConfigForCall(tenant, grant.agentId, "published"), tenant.calls.get(grant.callId)]);
              if (!loaded.ok) log.info({ agentId: grant.agentId, reason: loaded.reason }, "carrier stream refused: agent cannot take calls");
              // Ringing, or already answered by the carrier's own event (Telnyx's call.answered may beat the stream),
              // but never a call a session has adopted: a token replayed on a live call is refused.
              if (!loaded.ok || !call || !(call.status === "ringing" || (call.status === "in_progress" && !call.gatewayId))) return undefined;
              if (sockets.closing) return undefined;
              // Named by the call id: an outbound call's slot, taken when it was placed, is taken over (not doubled).
              const slot = await limiter.acquire(grant.workspaceId, undefined, undefined, grant.callId);
              if (!slot.ok) return undefined;
              release = slot.release;
              const agent = loaded.config;
              const phoneNumberId = (call.metadata as { phoneNumberId?: unknown }).phoneNumberId;
              active = { tenant, grant, agent, ...(typeof phoneNumberId === "string" ? { phoneNumberId } : {}) };
              // An outbound call (placed through POST /v1/calls) gets its opening and answering-machine detection.
              return carrierCallSession(call, {
                tenant,
                agentId: grant.agentId,
                agent,
                channel: protocol.carrier,
                ...(call.caller ? { caller: call.caller } : {}),
                gatewayId,
                brain: await options.brains(grant.workspaceId, grant.agentId, agent),
                pipelineFactory: options.pipeline,
                transport,
                metrics,
                heartbeats,
                recordings,
                log,
                ...(tracer ? { tracer } : {}),
                callId: grant.callId,
                callFields: {
                  providerCallId: grant.providerCallId,
                  ...(call.callee ? { callee: call.callee } : {}),
                  metadata: { ...(call.metadata as Record<string, unknown>), streamId: msg.streamId },
                },
              });
            },
            audioHandled: (ms) => metrics.frameHandling.observe(ms),
            transfer: async () => {
              if (active)
                await transferCall(active, { credentials, log, twilioApiUrl: runtime.config.twilioApiUrl, telnyxApiUrl: runtime.config.telnyxApiUrl });
            },
          },
          { ...audio, onDelay: (ms) => phone.jitterDelay.observe({ carrier }, ms) },
        );
        sockets.add(socket, () => stream.callSession);
        const startTimer = setTimeout(() => {
          if (stream.startReceived) return;
          log.info({ carrier }, "carrier stream sent no start in time");
          socket.close(CLOSE_CODES.invalidAgentOrToken, `no start within ${startTimeoutMs} ms`);
        }, startTimeoutMs);
        const flushMetrics = () => {
          for (const [kind, n] of Object.entries(stream.frameCountsDelta())) phone.inboundFrames.inc({ carrier, kind }, n);
          const stats = stream.inboundStats();
          if (stats) {
            phone.jitterTarget.observe({ carrier }, stats.targetFrames);
            phone.arrivalJitter.observe({ carrier }, stats.arrivalJitterMs);
          }
        };
        const metricsTimer = setInterval(flushMetrics, 10_000);
        metricsTimer.unref();

        let chain: Promise<unknown> = Promise.resolve();
        socket.on("message", (data: Buffer, isBinary: boolean) => {
          chain = chain
            .then(() => stream.onMessage(data, isBinary))
            .catch((err: unknown) => {
              log.error({ err }, "carrier stream handler failed");
              void stream.callSession?.end("error", 1011);
            });
        });
        socket.on("close", () => {
          clearTimeout(startTimer);
          cancelDeadline?.();
          const cleanup = chain
            .catch(() => undefined)
            .then(async () => {
              clearInterval(metricsTimer);
              await stream.callSession?.end("caller_hangup");
              flushMetrics();
              stream.dispose();
              await release?.();
              if (active && stream.callSession) {
                const row = await active.tenant.calls.get(active.grant.callId).catch(() => undefined);
                phone.calls.inc({ carrier, status: row?.status ?? "unknown" });
              } else if (stream.startReceived && !stream.callSession) phone.calls.inc({ carrier, status: "refused" });
              options.onStreamClosed?.(stream);
            })
            .catch((err: unknown) => log.error({ err }, "carrier call cleanup failed"));
          sockets.closed(socket, cleanup);
        });
      });

    route(twilioProtocol, "/v1/telephony/twilio/media");
    route(telnyxProtocol, "/v1/telephony/telnyx/media");
    await registerCarrierWebhooks(scope, { runtime, credentials, streamTokens: tokens, publicBaseUrl: publicBase, gate });
    await registerOutboundWebhooks(scope, { runtime, credentials, streamTokens: tokens, publicBaseUrl: publicBase });
  };
}

interface ActiveCall {
  tenant: TenantScope;
  grant: StreamGrant;
  agent: AgentConfig;
  phoneNumberId?: string;
}

const escalationOf = z.object({ escalationPhone: z.string().nullish() });

/**
 * The brain's transfer_call on a phone call: the number's escalation number (or the business's) gets
 * the live call through the carrier's API — Twilio: the call updated with TwiML `<Dial>`; Telnyx: the
 * `transfer` command. Recorded as a `transfer` call event (status `transferred`, or `failed` with the
 * error); the call row itself ends as `completed` with end reason `transfer`.
 */
async function transferCall(
  call: ActiveCall,
  o: { credentials: CredentialsService; log: FastifyBaseLogger; twilioApiUrl: string | undefined; telnyxApiUrl: string },
): Promise<void> {
  const { tenant, grant } = call;
  const number = call.phoneNumberId ? await tenant.phoneNumbers.get(call.phoneNumberId) : undefined;
  const business = escalationOf.safeParse(call.agent.business);
  const to = number?.escalationNumber ?? (business.success ? business.data.escalationPhone : undefined) ?? undefined;
  const record = (status: string, detail: Record<string, unknown>) =>
    tenant.callEvents.record({
      id: `cev_${randomBytes(10).toString("hex")}`,
      callId: grant.callId,
      provider: grant.provider,
      kind: "transfer",
      status,
      providerCallId: grant.providerCallId,
      providerEventId: `transfer:${grant.callId}`,
      occurredAt: new Date(),
      detail,
    });
  if (!to) {
    await record("failed", { error: "no escalation number" });
    return;
  }
  try {
    if (grant.provider === "twilio") {
      const creds = await o.credentials.read(tenant, "twilio");
      if (!creds) throw new Error("Twilio credentials are gone");
      const twiml = await twilioTransfer({
        accountSid: creds.accountSid,
        authToken: creds.authToken,
        callSid: grant.providerCallId,
        to,
        apiUrl: o.twilioApiUrl,
      });
      await record("transferred", { to, twiml });
    } else {
      const creds = await o.credentials.read(tenant, "telnyx");
      if (!creds) throw new Error("Telnyx credentials are gone");
      await telnyxTransfer({ apiKey: creds.apiKey, apiUrl: o.telnyxApiUrl, callControlId: grant.providerCallId, to, callId: grant.callId });
      await record("transferred", { to });
    }
    o.log.info({ callId: grant.callId, carrier: grant.provider, to }, "call transferred");
  } catch (err) {
    await record("failed", { to, error: err instanceof Error ? err.message.slice(0, 300) : String(err) });
    throw err;
  }
}
