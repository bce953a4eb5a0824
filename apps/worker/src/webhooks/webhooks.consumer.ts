import { WEBHOOK_DELIVER_QUEUE, WEBHOOK_SNIPPET_CHARS, WEBHOOK_USER_AGENT, type EventPayload, type EventType, type WebhookEventBody } from "@orbis/contracts";
import { createToolSecretsCipher } from "@orbis/credentials";
import {
  claimWebhookDelivery,
  findStrandedWebhookDeliveries,
  insertWebhookDeliveries,
  markWebhookDelivered,
  markWebhookFailed,
  scheduleWebhookRetry,
  tenantScope,
  type Database,
  type DomainEventRow,
  type WebhookAttemptResult,
} from "@orbis/db";
import type { Job, JobQueue } from "@orbis/jobs";
import { OutboundBlockedError, createGuardedFetch, type GuardedFetch } from "@orbis/outbound";
import { Webhook } from "standardwebhooks";
import type { EventConsumer, PendingJob } from "../consumer.ts";

/** Seconds before each retry: 11 attempts over about 24 hours. */
const DEFAULT_RETRY_SCHEDULE_SEC = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800];
const TIMEOUT_MS = 10_000;
/** How long a worker holds a delivery while it sends (the request's timeout and room to record it): JOB_LEASE_SEC. */
const DEFAULT_LEASE_SEC = 60;

interface WebhooksLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WebhooksConsumerDeps {
  db: Database;
  /** Where retries are enqueued (`startAfter`): the worker's job queue. */
  queue: Pick<JobQueue, "send">;
  /** ENCRYPTION_KEY: opens the endpoints' sealed signing secrets. */
  encryptionKey: Buffer | undefined;
  /** ALLOW_PRIVATE_NETWORK_TOOLS: endpoints may be on loopback and private addresses. */
  allowPrivateNetwork: boolean;
  /** Seconds before each retry after a failed attempt (default `DEFAULT_RETRY_SCHEDULE_SEC`); attempts = its length + 1. */
  retryScheduleSec?: number[];
  /** Replaces the outbound guard's fetch (tests). */
  fetch?: GuardedFetch;
  /** Deliveries failed for good in a row after which the endpoint is switched off (default 5). */
  disableAfterFailures?: number;
  /** Seconds a worker holds a delivery before another may take it over (JOB_LEASE_SEC, default 60; more than the 10 s request timeout). */
  leaseSec?: number;
  log?: WebhooksLog;
}

interface DeliverJob {
  deliveryId: string;
}

/** The body an endpoint receives for an event (Standard Webhooks `type`, `timestamp`, `data`, plus our id, version, workspace). */
function webhookBodyOf(event: DomainEventRow): WebhookEventBody {
  return {
    id: event.id,
    type: event.type as EventType,
    version: event.version,
    timestamp: event.occurredAt.toISOString(),
    workspaceId: event.workspaceId,
    data: event.payload as EventPayload<EventType>,
  };
}

/** The start of a reply: enough bytes for the snippet, the rest is dropped unread. */
async function snippetOf(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < WEBHOOK_SNIPPET_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, WEBHOOK_SNIPPET_CHARS);
}

function errorText(err: unknown): string {
  if (err instanceof OutboundBlockedError) return `refused: ${err.message}`;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `timed out after ${TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 500);
}

/**
 * Outgoing webhooks: the relay writes a pending delivery per subscribed endpoint and enqueues a
 * `webhooks.deliver` job for it; the job claims the delivery (one sender at a time), POSTs the signed
 * event through the outbound guard and records the answer. A failed attempt schedules the next one as
 * a new delayed job (the job itself succeeds, so a failing endpoint holds up nothing); after the last,
 * the delivery fails and the endpoint's run of failures grows, until the endpoint is switched off.
 */
export function webhooksConsumer(deps: WebhooksConsumerDeps): EventConsumer {
  const { db, log } = deps;
  const schedule = deps.retryScheduleSec ?? DEFAULT_RETRY_SCHEDULE_SEC;
  const disableAfter = deps.disableAfterFailures ?? 5;
  const leaseSec = deps.leaseSec ?? DEFAULT_LEASE_SEC;
  const secrets = createToolSecretsCipher(deps.encryptionKey);
  // "manual": a redirect comes back as its 3xx, which is a failed attempt; nothing is followed.
  const send = deps.fetch ?? createGuardedFetch({ allowPrivateNetwork: deps.allowPrivateNetwork, timeoutMs: TIMEOUT_MS, maxRedirects: 0 });

  /** Posts the event once; the attempt's outcome, never a throw for anything the endpoint does. */
  async function attempt(url: string, secret: string, event: DomainEventRow): Promise<WebhookAttemptResult & { ok: boolean }> {
    const body = JSON.stringify(webhookBodyOf(event));
    const now = new Date();
    const started = performance.now();
    try {
      const res = await send(url, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "user-agent": WEBHOOK_USER_AGENT,
          // The event's id: every attempt (and a redelivery) carries the same one, so receivers deduplicate.
          "webhook-id": event.id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": new Webhook(secret).sign(event.id, now, body),
        },
        body,
      });
      const snippet = await snippetOf(res).catch(() => "");
      const ok = res.status >= 200 && res.status < 300;
      return {
        ok,
        responseStatus: res.status,
        latencyMs: Math.round(performance.now() - started),
        responseSnippet: snippet,
        error: ok ? null : `HTTP ${res.status}`,
      };
    } catch (err) {
      return { ok: false, responseStatus: null, latencyMs: Math.round(performance.now() - started), responseSnippet: null, error: errorText(err) };
    }
  }

  /** A delivery failed for good: one more failure in the endpoint's run, and the endpoint switched off at the limit. */
  async function countFailure(workspaceId: string, endpointId: string, lastError: string | null): Promise<void> {
    await tenantScope(db, workspaceId).transaction(async (t) => {
      const endpoint = await t.webhooks.countFailure(endpointId);
      if (!endpoint || !endpoint.enabled || endpoint.consecutiveFailures < disableAfter) return;
      const reason = `${endpoint.consecutiveFailures} deliveries in a row failed after every retry${lastError ? ` (last: ${lastError})` : ""}`.slice(0, 500);
      const disabled = await t.webhooks.disable(endpointId, reason);
      if (!disabled) return;
      await t.events.record("webhook_endpoint.disabled", { endpointId, url: disabled.url, reason });
      log?.info({ workspaceId, endpointId, failures: endpoint.consecutiveFailures }, "webhook endpoint disabled after sustained failure");
    });
  }

  async function deliver(job: Job<DeliverJob>): Promise<void> {
    const id = job.data.deliveryId;
    const claimed = await claimWebhookDelivery(db.system, id, leaseSec);
    if (!claimed) return; // done, failed, being sent by another worker, or not due yet
    const { delivery, endpoint, event } = claimed;
    if (!endpoint.enabled) {
      await markWebhookFailed(db.system, id, { responseStatus: null, latencyMs: null, responseSnippet: null, error: "endpoint disabled" });
      return;
    }
    let secret: string;
    try {
      secret = secrets.open({ id: endpoint.id, workspaceId: endpoint.workspaceId }, { secret: endpoint.secret, headers: {} }).secret;
    } catch (err) {
      log?.error({ err, deliveryId: id, endpointId: endpoint.id }, "webhook secret does not decrypt");
      await markWebhookFailed(db.system, id, {
        responseStatus: null,
        latencyMs: null,
        responseSnippet: null,
        error: "the endpoint's secret does not decrypt (was ENCRYPTION_KEY changed?): rotate its secret",
      });
      return;
    }

    const result = await attempt(endpoint.url, secret, event);
    const { ok, ...recorded } = result;
    if (ok) {
      await markWebhookDelivered(db.system, id, recorded);
      return;
    }
    const delaySec = schedule[delivery.attempts - 1];
    if (delaySec !== undefined) {
      const startAfter = await scheduleWebhookRetry(db.system, id, recorded, delaySec);
      if (!startAfter) return;
      // A job that cannot be enqueued now is the sweep's to enqueue: the delivery stays pending and due.
      await deps.queue
        .send(WEBHOOK_DELIVER_QUEUE, { deliveryId: id }, { startAfter })
        .catch((err: unknown) => log?.error({ err, deliveryId: id }, "webhook retry not enqueued; the sweep will"));
      return;
    }
    if (await markWebhookFailed(db.system, id, recorded)) {
      log?.info({ deliveryId: id, endpointId: endpoint.id, attempts: delivery.attempts, error: recorded.error }, "webhook delivery failed for good");
      await countFailure(endpoint.workspaceId, endpoint.id, recorded.error);
    }
  }

  const job = (deliveryId: string): PendingJob => ({ queue: WEBHOOK_DELIVER_QUEUE, data: { deliveryId } });

  return {
    name: "webhooks",
    queues: [
      {
        // Retries here are for the worker's own faults (a database error); the endpoint's failures are scheduled above.
        definition: { name: WEBHOOK_DELIVER_QUEUE, retryLimit: 3, retryDelaySec: 30, expireInSeconds: leaseSec },
        handler: deliver as never,
      },
    ],
    async fanOut(event, tx) {
      return (await insertWebhookDeliveries(tx, event)).map(job);
    },
    async sweep(database) {
      return (await findStrandedWebhookDeliveries(database.system)).map(job);
    },
  };
}
