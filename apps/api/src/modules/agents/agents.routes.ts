import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  agentConfigSchema,
  agentSchema,
  agentVersionDiffSchema,
  agentVersionSchema,
  idSchema,
  pageSchema,
  paginationQuerySchema,
  publishBodySchema,
  publishResultSchema,
  updateAgentBodySchema,
} from "@orbis/contracts";
import { sendJsonText } from "@orbis/server";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { AgentsService } from "./agents.service.ts";

const params = z.object({ id: idSchema("agent") });
const versionParams = params.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) });

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
    async (request, reply) => reply.status(201).send(await agents.create(tenantOf(request), actorFrom(request), request.body)),
  );

  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get an agent", params, response: { 200: agentSchema } } }, async (request) =>
    agents.get(tenantOf(request), request.params.id),
  );

  app.patch(
    "/:id",
    { preHandler: write, schema: { tags, summary: "Update an agent", params, body: updateAgentBodySchema, response: { 200: agentSchema } } },
    async (request) => agents.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );

  app.delete("/:id", { preHandler: write, schema: { tags, summary: "Delete an agent", params } }, async (request, reply) => {
    await agents.remove(tenantOf(request), actorFrom(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    "/:id/publish",
    {
      preHandler: write,
      schema: {
        tags,
        summary: "Publish: callers hear the draft from now on",
        description:
          "Snapshots the draft as the next version. When the draft equals the latest published version, nothing is created: the answer is that version with `unchanged: true`. A draft that cannot run is refused with 422, every problem in `error.details` (`{ check, path, message }`): an LLM provider without a key, an HTTP tool whose URL the outbound guard refuses, a booking agent without opening hours. When the agent has test scenarios, its suite runs on the draft first: if a scenario that passed on the published version now fails, publishing is refused with 422 naming them, unless the body has `override: { reason }` (audited as `agent.publish_override`).",
        params,
        body: publishBodySchema,
        response: { 200: publishResultSchema },
      },
    },
    async (request) => agents.publish(tenantOf(request), actorFrom(request), request.params.id, request.body),
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

  app.get(
    "/:id/versions/:version",
    { preHandler: read, schema: { tags, summary: "One published version", params: versionParams, response: { 200: agentVersionSchema } } },
    async (request) => agents.version(tenantOf(request), request.params.id, request.params.version),
  );

  app.get(
    "/:id/versions/:version/diff",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "What differs between a version and the current draft",
        description: "Every differing field as `{ path, before, after }`: `before` is the version's value, `after` the draft's (absent where a side has none).",
        params: versionParams,
        response: { 200: agentVersionDiffSchema },
      },
    },
    async (request) => agents.diff(tenantOf(request), request.params.id, request.params.version),
  );

  app.post(
    "/:id/versions/:version/rollback",
    {
      preHandler: write,
      schema: {
        tags,
        summary: "Roll back: publish an earlier version again and restore it into the draft",
        description:
          "Publishes the version's config as a new version (or, when it equals the latest, that version with `unchanged: true`) and copies it into the draft. Refused with 422 like publishing when that config cannot run today, or when its tests fail where the published version passed (the same `override`).",
        params: versionParams,
        body: publishBodySchema,
        response: { 200: publishResultSchema },
      },
    },
    async (request) => agents.rollback(tenantOf(request), actorFrom(request), request.params.id, request.params.version, request.body),
  );
};
