import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createWebhookEndpointBodySchema,
  idSchema,
  paginationQuerySchema,
  updateWebhookEndpointBodySchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
  webhookTestResultSchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { WebhooksService } from "./webhooks.service.ts";

const params = z.object({ id: idSchema("webhookEndpoint") });
const deliveryParams = z.object({ id: idSchema("webhookEndpoint"), deliveryId: idSchema("webhookDelivery") });

export const webhooksRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; webhooks: WebhooksService }> = async (app, { principals, webhooks }) => {
  const tags = ["webhooks"];
  const read = principals.authorize("viewer");
  const configure = principals.authorize("admin");

  app.get(
    "",
    { preHandler: read, schema: { tags, summary: "The workspace's webhook endpoints", response: { 200: webhookEndpointListSchema } } },
    async (request) => webhooks.list(tenantOf(request)),
  );

  app.post(
    "",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Add a webhook endpoint (the signing secret is shown once, here)",
        body: createWebhookEndpointBodySchema,
        response: { 201: webhookEndpointWithSecretSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(tenantOf(request), actorFrom(request), request.body)),
  );

  app.get(
    "/:id",
    { preHandler: read, schema: { tags, summary: "Get a webhook endpoint", params, response: { 200: webhookEndpointSchema } } },
    async (request) => webhooks.get(tenantOf(request), request.params.id),
  );

  app.patch(
    "/:id",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Update a webhook endpoint (enabling it again clears its failures)",
        params,
        body: updateWebhookEndpointBodySchema,
        response: { 200: webhookEndpointSchema },
      },
    },
    async (request) => webhooks.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );

  app.delete("/:id", { preHandler: configure, schema: { tags, summary: "Delete a webhook endpoint and its delivery log", params } }, async (request, reply) => {
    await webhooks.remove(tenantOf(request), actorFrom(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    "/:id/rotate-secret",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Replace the signing secret (the new one is shown once, here; the old one stops verifying)",
        params,
        response: { 200: webhookEndpointWithSecretSchema },
      },
    },
    async (request) => webhooks.rotateSecret(tenantOf(request), actorFrom(request), request.params.id),
  );

  app.get(
    "/:id/deliveries",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The endpoint's deliveries, newest first",
        params,
        querystring: paginationQuerySchema,
        response: { 200: webhookDeliveryPageSchema },
      },
    },
    async (request) => webhooks.deliveries(tenantOf(request), request.params.id, request.query),
  );

  app.post(
    "/:id/deliveries/:deliveryId/redeliver",
    {
      preHandler: configure,
      schema: { tags, summary: "Send a delivery again now, with a fresh retry schedule", params: deliveryParams, response: { 200: webhookDeliverySchema } },
    },
    async (request) => webhooks.redeliver(tenantOf(request), actorFrom(request), request.params.id, request.params.deliveryId),
  );

  app.post(
    "/:id/test",
    {
      preHandler: configure,
      schema: { tags, summary: "Send a signed `webhook.test` ping now and report the answer", params, response: { 200: webhookTestResultSchema } },
    },
    async (request) => webhooks.test(tenantOf(request), actorFrom(request), request.params.id),
  );
};
