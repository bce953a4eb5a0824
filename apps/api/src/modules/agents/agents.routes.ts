import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { agentConfigSchema, agentSchema, agentVersionSchema, idSchema, pageSchema, paginationQuerySchema, updateAgentBodySchema } from "@orbis/contracts";
import { sendJsonText } from "@orbis/server";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { AgentsService } from "./agents.service.ts";

const params = z.object({ id: idSchema("agent") });

export const agentsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; agents: AgentsService }> = async (app, { principals, agents }) => {
  const tags = ["agents"];
  const read = principals.authorize("viewer");
  const write = principals.authorize("admin");

  // The page is JSON text rendered by PostgreSQL: sent as is, not serialised again.
  app.get(
    "",
    {
      preHandler: read,
      schema: { tags, summary: "List agents (newest first, cursor-paginated)", querystring: paginationQuerySchema, response: { 200: pageSchema(agentSchema) } },
    },
    async (request, reply) => sendJsonText(reply, await agents.list(tenantOf(request), request.query.limit, request.query.cursor)),
  );

  app.post(
    "",
    { preHandler: write, schema: { tags, summary: "Create an agent", body: agentConfigSchema, response: { 201: agentSchema } } },
    async (request, reply) => reply.status(201).send(await agents.create(tenantOf(request), request.body)),
  );

  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get an agent", params, response: { 200: agentSchema } } }, async (request) =>
    agents.get(tenantOf(request), request.params.id),
  );

  app.patch(
    "/:id",
    { preHandler: write, schema: { tags, summary: "Update an agent", params, body: updateAgentBodySchema, response: { 200: agentSchema } } },
    async (request) => agents.update(tenantOf(request), request.params.id, request.body),
  );

  app.delete("/:id", { preHandler: write, schema: { tags, summary: "Delete an agent", params } }, async (request, reply) => {
    await agents.remove(tenantOf(request), actorFrom(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    "/:id/publish",
    { preHandler: write, schema: { tags, summary: "Publish: snapshot the config as a new version", params, response: { 200: agentSchema } } },
    async (request) => agents.publish(tenantOf(request), actorFrom(request), request.params.id),
  );

  app.get(
    "/:id/versions",
    {
      preHandler: read,
      schema: { tags, summary: "Published versions, newest first", params, response: { 200: z.object({ data: z.array(agentVersionSchema) }) } },
    },
    async (request) => ({
      data: await agents.versions(tenantOf(request), request.params.id),
    }),
  );
};
