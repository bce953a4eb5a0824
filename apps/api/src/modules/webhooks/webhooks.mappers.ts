import type { WebhookDeliveryDto, WebhookEndpointDto } from "@orbis/contracts";
import { toolSecretHints } from "@orbis/credentials";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "@orbis/db";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** `whsec_…abcd`: the secret's kind and its last four characters, read from the hint kept beside the sealed value. */
function secretHintOf(stored: string): string {
  const hint = toolSecretHints({ secret: stored, headers: {} }).secretHint;
  return `whsec_…${hint.slice(-4)}`;
}

const eventTypesOf = (stored: unknown): string[] => (Array.isArray(stored) ? stored.filter((t): t is string => typeof t === "string") : []);

export const toWebhookEndpointDto = (row: WebhookEndpointRow): WebhookEndpointDto => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: eventTypesOf(row.eventTypes),
  enabled: row.enabled,
  secretHint: secretHintOf(row.secret),
  disabledReason: row.disabledReason,
  consecutiveFailures: row.consecutiveFailures,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toWebhookDeliveryDto = (row: WebhookDeliveryRow): WebhookDeliveryDto => ({
  id: row.id,
  endpointId: row.endpointId,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === "pending" ? iso(row.nextAttemptAt) : null,
  lastAttemptAt: iso(row.lastAttemptAt),
  responseStatus: row.responseStatus,
  latencyMs: row.latencyMs,
  responseSnippet: row.responseSnippet,
  error: row.error,
  deliveredAt: iso(row.deliveredAt),
  createdAt: row.createdAt.toISOString(),
});

/** What the audit log keeps of an endpoint: where it sends and what, never its secret. */
export const auditedEndpoint = (row: WebhookEndpointRow) => ({ url: row.url, eventTypes: eventTypesOf(row.eventTypes), enabled: row.enabled });
