import { createHmac, randomBytes } from "node:crypto";
import {
  EVENT_VERSION,
  WEBHOOK_DELIVER_QUEUE,
  WEBHOOK_SNIPPET_CHARS,
  WEBHOOK_USER_AGENT,
  createId,
  type CreateWebhookEndpointBody,
  type PaginationQuery,
  type UpdateWebhookEndpointBody,
  type WebhookTestResultDto,
} from "@orbis/contracts";
import { createToolSecretsCipher } from "@orbis/credentials";
import type { TenantScope, WebhookEndpointRow } from "@orbis/db";
import { OutboundBlockedError, assertAllowedUrl, createGuardedFetch, type GuardedFetch } from "@orbis/outbound";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { FeatureGate } from "../features/features.service.ts";
import { invalid } from "../../lib/validation.ts";
import { auditedEndpoint, toWebhookDeliveryDto, toWebhookEndpointDto } from "./webhooks.mappers.ts";

/** Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes (the HMAC key). */
const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

const PRIVATE_NETWORK_HINT = "set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow";
const TEST_TIMEOUT_MS = 10_000;

export interface WebhooksServiceDeps {
  /** ENCRYPTION_KEY: seals the endpoints' signing secrets at rest (as HTTP tools' secrets). */
  encryptionKey: Buffer | undefined;
  /** ALLOW_PRIVATE_NETWORK_TOOLS: endpoints may point at loopback and private addresses. */
  allowPrivateNetwork: boolean;
  /**
   * Enqueues a job (the runtime's `JobQueue.send`), for a redelivery. Absent: the delivery is left
   * pending and due, and the worker's sweep picks it up within about two minutes.
   */
  send?: (queue: string, data: { deliveryId: string }) => Promise<unknown>;
  /** The test ping's fetch (tests); default the outbound guard with the policy above. */
  fetch?: GuardedFetch;
  /** The plan's features (`webhooks`); without it, creating endpoints is not gated. */
  features?: FeatureGate;
}

/** The URL check of create and patch, without DNS: scheme, credentials, a private IP literal → 422 naming `body.url`. */
function assertEndpointUrl(url: string, allowPrivateNetwork: boolean): void {
  try {
    assertAllowedUrl(url, { allowPrivateNetwork });
  } catch (err) {
    if (!(err instanceof OutboundBlockedError)) throw err;
    if (err.reason === "address") throw invalid("body.url", `points to a private address (${err.address}, ${err.range}); ${PRIVATE_NETWORK_HINT}`);
    if (err.reason === "credentials") throw invalid("body.url", "must not contain credentials (user:pass@)");
    throw invalid("body.url", "must be an http:// or https:// URL");
  }
}

/** Standard Webhooks signature (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), as the worker's library makes it. */
function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The start of a reply: enough bytes for the snippet, then the rest is dropped. */
async function snippetOf(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < WEBHOOK_SNIPPET_CHARS * 4) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString("utf8").slice(0, WEBHOOK_SNIPPET_CHARS);
}

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const secrets = createToolSecretsCipher(deps.encryptionKey);
  const guardedFetch = deps.fetch ?? createGuardedFetch({ allowPrivateNetwork: deps.allowPrivateNetwork, timeoutMs: TEST_TIMEOUT_MS, maxRedirects: 0 });

  const getOrThrow = async (tenant: TenantScope, id: string) => found(await tenant.webhooks.get(id), "Webhook endpoint");

  return {
    list: async (tenant: TenantScope) => ({ data: (await tenant.webhooks.list()).map(toWebhookEndpointDto) }),

    get: async (tenant: TenantScope, id: string) => toWebhookEndpointDto(await getOrThrow(tenant, id)),

    /** The signing secret is in this answer only. */
    async create(tenant: TenantScope, actor: Actor, body: CreateWebhookEndpointBody) {
      // Only creating is gated: endpoints made on a richer plan keep receiving events.
      await deps.features?.assertEnabled(tenant, "webhooks");
      assertEndpointUrl(body.url, deps.allowPrivateNetwork);
      const secret = newSecret();
      const id = createId("webhookEndpoint");
      const row = await tenant.transaction(async (t) => {
        const created = await t.webhooks.insert({
          id,
          url: body.url,
          description: body.description,
          eventTypes: body.eventTypes,
          enabled: body.enabled,
          secret: secrets.sealSecret({ id, workspaceId: tenant.workspaceId }, secret),
        });
        await t.audit.record({
          ...auditedBy(actor),
          action: "webhook_endpoint.created",
          targetType: "webhook_endpoint",
          targetId: id,
          metadata: auditedEndpoint(created),
        });
        return created;
      });
      return { ...toWebhookEndpointDto(row), secret };
    },

    /** Re-enabling clears the reason the platform switched it off and its run of failures. */
    async update(tenant: TenantScope, actor: Actor, id: string, patch: UpdateWebhookEndpointBody) {
      if (patch.url !== undefined) assertEndpointUrl(patch.url, deps.allowPrivateNetwork);
      const row = await tenant.transaction(async (t) => {
        const current = found(await t.webhooks.get(id), "Webhook endpoint");
        const changes: Parameters<TenantScope["webhooks"]["update"]>[1] = {};
        if (patch.url !== undefined) changes.url = patch.url;
        if (patch.description !== undefined) changes.description = patch.description;
        if (patch.eventTypes !== undefined) changes.eventTypes = patch.eventTypes;
        if (patch.enabled !== undefined) {
          changes.enabled = patch.enabled;
          if (patch.enabled !== current.enabled) changes.disabledReason = null;
        }
        let updated = found(await t.webhooks.update(id, changes), "Webhook endpoint");
        if (patch.enabled === true && !current.enabled) updated = found(await t.webhooks.resetFailures(id), "Webhook endpoint");
        await t.audit.record({
          ...auditedBy(actor),
          action: "webhook_endpoint.updated",
          targetType: "webhook_endpoint",
          targetId: id,
          metadata: { ...auditedEndpoint(updated), changed: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) },
        });
        return updated;
      });
      return toWebhookEndpointDto(row);
    },

    /** A new secret, in this answer only; the old one stops verifying at once. */
    async rotateSecret(tenant: TenantScope, actor: Actor, id: string) {
      await getOrThrow(tenant, id);
      const secret = newSecret();
      const row = await tenant.transaction(async (t) => {
        const updated = found(await t.webhooks.update(id, { secret: secrets.sealSecret({ id, workspaceId: tenant.workspaceId }, secret) }), "Webhook endpoint");
        await t.audit.record({
          ...auditedBy(actor),
          action: "webhook_endpoint.secret_rotated",
          targetType: "webhook_endpoint",
          targetId: id,
          metadata: auditedEndpoint(updated),
        });
        return updated;
      });
      return { ...toWebhookEndpointDto(row), secret };
    },

    /** Its deliveries go with it. */
    async remove(tenant: TenantScope, actor: Actor, id: string) {
      await tenant.transaction(async (t) => {
        const removed = found(await t.webhooks.delete(id), "Webhook endpoint");
        await t.audit.record({
          ...auditedBy(actor),
          action: "webhook_endpoint.deleted",
          targetType: "webhook_endpoint",
          targetId: id,
          metadata: auditedEndpoint(removed),
        });
      });
    },

    /** The endpoint's delivery log, newest first. */
    async deliveries(tenant: TenantScope, id: string, q: PaginationQuery) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      await getOrThrow(tenant, id);
      const rows = await tenant.webhooks.deliveries(id, { limit: q.limit + 1, ...(after ? { after: { createdAt: after.date, id: after.id } } : {}) });
      const page = pageOf(rows, q.limit, (d) => ({ at: d.createdAt, id: d.id }));
      return { data: page.rows.map(toWebhookDeliveryDto), nextCursor: page.nextCursor };
    },

    /** Sends the delivery again, now, with a fresh retry schedule (same event id, so receivers can deduplicate). */
    async redeliver(tenant: TenantScope, actor: Actor, id: string, deliveryId: string) {
      const row = await tenant.transaction(async (t) => {
        const endpoint = found(await t.webhooks.get(id), "Webhook endpoint");
        const reset = found(await t.webhooks.resetForRedelivery(endpoint.id, deliveryId), "Webhook delivery");
        await t.audit.record({
          ...auditedBy(actor),
          action: "webhook_delivery.redelivered",
          targetType: "webhook_delivery",
          targetId: deliveryId,
          metadata: { endpointId: id, eventId: reset.eventId, eventType: reset.eventType },
        });
        return reset;
      });
      // After the commit; a job that cannot be enqueued now is the sweep's to enqueue.
      await deps.send?.(WEBHOOK_DELIVER_QUEUE, { deliveryId: row.id }).catch(() => undefined);
      return toWebhookDeliveryDto(row);
    },

    /** One signed `webhook.test` ping, sent now through the outbound guard; recorded nowhere but the audit log. */
    async test(tenant: TenantScope, actor: Actor, id: string): Promise<WebhookTestResultDto> {
      const endpoint: WebhookEndpointRow = await getOrThrow(tenant, id);
      const secret = secrets.open({ id, workspaceId: tenant.workspaceId }, { secret: endpoint.secret, headers: {} }).secret;
      const eventId = createId("event");
      const now = new Date();
      const body = JSON.stringify({
        id: eventId,
        type: "webhook.test",
        version: EVENT_VERSION,
        timestamp: now.toISOString(),
        workspaceId: tenant.workspaceId,
        data: { endpointId: id, message: "A test event from OrbisVoice: your endpoint is reachable and can verify the signature." },
      });
      const timestamp = Math.floor(now.getTime() / 1000);
      const started = performance.now();
      let result: WebhookTestResultDto;
      try {
        const res = await guardedFetch(endpoint.url, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/json",
            "user-agent": WEBHOOK_USER_AGENT,
            "webhook-id": eventId,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": sign(secret, eventId, timestamp, body),
          },
          body,
        });
        const snippet = await snippetOf(res);
        const ok = res.status >= 200 && res.status < 300;
        result = {
          ok,
          responseStatus: res.status,
          latencyMs: Math.round(performance.now() - started),
          responseSnippet: snippet,
          error: ok ? null : `HTTP ${res.status}`,
        };
      } catch (err) {
        result = { ok: false, responseStatus: null, latencyMs: Math.round(performance.now() - started), responseSnippet: null, error: errorText(err) };
      }
      await tenant.audit.record({
        ...auditedBy(actor),
        action: "webhook_endpoint.tested",
        targetType: "webhook_endpoint",
        targetId: id,
        metadata: { url: endpoint.url, ok: result.ok, responseStatus: result.responseStatus },
      });
      return result;
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;

function errorText(err: unknown): string {
  if (err instanceof OutboundBlockedError) return `refused: ${err.message}`;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `timed out after ${TEST_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 500);
}
