import { z } from "zod";
import { patchSchemaOf } from "./common.ts";
import { eventTypeSchema } from "./events.ts";
import { idSchema } from "./ids.ts";

/**
 * Outgoing webhooks: a tenant's endpoints receive its domain events (`WebhookEventBody`), signed per
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the endpoint's
 * `whsec_…` secret. The secret is shown once, in the answers of create and rotate-secret.
 */
const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
  .max(2000)
  .refine((u) => {
    try {
      const url = new URL(u);
      return !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must not contain credentials (user:pass@)");

export const createWebhookEndpointBodySchema = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(500).default(""),
  /** The event types it receives; an empty list (the default) means every type, present and future. */
  eventTypes: z
    .array(eventTypeSchema)
    .max(100)
    .transform((types) => [...new Set(types)])
    .default([]),
  enabled: z.boolean().default(true),
});
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBodySchema>;

export const updateWebhookEndpointBodySchema = patchSchemaOf(createWebhookEndpointBodySchema).refine(
  (v) => Object.values(v).some((x) => x !== undefined),
  "nothing to update",
);
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBodySchema>;

/** An endpoint as the API shows it: never its secret, a hint of it (`whsec_…abcd`). */
export const webhookEndpointSchema = z.object({
  id: idSchema("webhookEndpoint"),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  secretHint: z.string(),
  /** Why the platform switched it off (sustained failure); null when enabled or switched off by hand. */
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpointDto = z.infer<typeof webhookEndpointSchema>;

/** The answer of create and rotate-secret: the only place the secret is ever shown. */
export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({ secret: z.string() });
export type WebhookEndpointWithSecretDto = z.infer<typeof webhookEndpointWithSecretSchema>;

const webhookDeliveryStatusSchema = z.enum(["pending", "succeeded", "failed"]);

export const webhookDeliverySchema = z.object({
  id: idSchema("webhookDelivery"),
  endpointId: idSchema("webhookEndpoint"),
  eventId: z.string(),
  eventType: z.string(),
  status: webhookDeliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  responseStatus: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  /** The first 500 characters of the endpoint's last reply. */
  responseSnippet: z.string().nullable(),
  error: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliverySchema>;

export const webhookEndpointListSchema = z.object({ data: z.array(webhookEndpointSchema) });
export const webhookDeliveryPageSchema = z.object({ data: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() });

/** The outcome of `POST /v1/webhook-endpoints/:id/test`: one signed ping, sent at once, recorded nowhere. */
export const webhookTestResultSchema = z.object({
  ok: z.boolean(),
  responseStatus: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseSnippet: z.string().nullable(),
  error: z.string().nullable(),
});
export type WebhookTestResultDto = z.infer<typeof webhookTestResultSchema>;

/** Headers and identity of every webhook request. */
export const WEBHOOK_USER_AGENT = "OrbisVoice-Webhooks/1";
/** How much of an endpoint's reply is kept in the delivery log. */
export const WEBHOOK_SNIPPET_CHARS = 500;
/** The worker's queue of webhook deliveries; a job's data is `{ deliveryId }`. */
export const WEBHOOK_DELIVER_QUEUE = "webhooks.deliver";
