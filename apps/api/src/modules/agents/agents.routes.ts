import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { agentSchema, agentVersionSchema, createAgentBodySchema, idSchema, pageSchema, paginationQuerySchema, updateAgentBodySchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { sendJsonText } from "../../plugins/serializer.ts";
import { actor } from "../workspaces/workspaces.routes.ts";
import { agentsService } from "./agents.service.ts";

const params = z.object({ id: idSchema("agent") });

export const agentsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const tags = ["agents"];
  const read = principals.authorize("viewer");
  const write = principals.authorize("admin");

  app.get("", { preHandler: read, schema: { tags, summary: "List agents (newest first, cursor-paginated)", querystring: paginationQuerySchema, response: { 200: pageSchema(agentSchema) } } }, async (request, reply) =>
    sendJsonText(reply, await agentsService.list(tenantOf(request), request.query.limit, request.query.cursor)),
  );

  app.post("", { preHandler: write, schema: { tags, summary: "Create an agent", body: createAgentBodySchema, response: { 201: agentSchema } } }, async (request, reply) =>
    reply.status(201).send(await agentsService.create(tenantOf(request), request.body)),
  );

  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get an agent", params, response: { 200: agentSchema } } }, async (request) =>
    agentsService.get(tenantOf(request), request.params.id),
  );

  app.patch("/:id", { preHandler: write, schema: { tags, summary: "Update an agent", params, body: updateAgentBodySchema, response: { 200: agentSchema } } }, async (request) =>
    agentsService.update(tenantOf(request), request.params.id, request.body),
  );

  app.delete("/:id", { preHandler: write, schema: { tags, summary: "Delete an agent", params } }, async (request, reply) => {
    await agentsService.remove(tenantOf(request), actor(request), request.params.id);
    return reply.status(204).send();
  });

  app.post("/:id/publish", { preHandler: write, schema: { tags, summary: "Publish: snapshot the config as a new version", params, response: { 200: agentSchema } } }, async (request) =>
    agentsService.publish(tenantOf(request), actor(request), request.params.id),
  );

  app.get("/:id/versions", { preHandler: read, schema: { tags, summary: "Published versions, newest first", params, response: { 200: z.object({ data: z.array(agentVersionSchema) }) } } }, async (request) => ({
    data: await agentsService.versions(tenantOf(request), request.params.id),
  }));
};
