import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BUILTIN_TOOL_NAMES,
  httpToolConfigSchema,
  idSchema,
  invokeToolBodySchema,
  toolCallRecordSchema,
  toolSchema,
  updateToolBodySchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { ToolsService } from "./tools.service.ts";

const agentParams = z.object({ id: idSchema("agent") });
const toolParams = z.object({ id: idSchema("agent"), toolId: idSchema("tool") });
const invokeParams = z.object({ id: idSchema("agent"), toolId: z.union([idSchema("tool"), z.enum(BUILTIN_TOOL_NAMES)]) });

export const toolsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; tools: ToolsService }> = async (app, { principals, tools }) => {
  const tags = ["tools"];
  const read = principals.authorize("viewer");
  const operate = principals.authorize("staff");
  const configure = principals.authorize("admin");

  app.get(
    "/:id/tools",
    { preHandler: read, schema: { tags, summary: "The agent's HTTP tools", params: agentParams, response: { 200: z.object({ data: z.array(toolSchema) }) } } },
    async (request) => ({
      data: await tools.list(tenantOf(request), request.params.id),
    }),
  );

  app.post(
    "/:id/tools",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Add an HTTP tool (the signing secret is shown once, here)",
        params: agentParams,
        body: httpToolConfigSchema,
        response: { 201: toolSchema.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await tools.create(tenantOf(request), actorFrom(request), request.params.id, request.body)),
  );

  app.get(
    "/:id/tools/:toolId",
    { preHandler: read, schema: { tags, summary: "Get an HTTP tool", params: toolParams, response: { 200: toolSchema } } },
    async (request) => tools.get(tenantOf(request), request.params.id, request.params.toolId),
  );

  app.patch(
    "/:id/tools/:toolId",
    { preHandler: configure, schema: { tags, summary: "Update an HTTP tool", params: toolParams, body: updateToolBodySchema, response: { 200: toolSchema } } },
    async (request) => tools.update(tenantOf(request), actorFrom(request), request.params.id, request.params.toolId, request.body),
  );

  app.post(
    "/:id/tools/:toolId/rotate-secret",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Replace the signing secret (the new one is shown once, here; the old one stops verifying)",
        params: toolParams,
        response: { 200: toolSchema.extend({ secret: z.string() }) },
      },
    },
    async (request) => tools.rotateSecret(tenantOf(request), actorFrom(request), request.params.id, request.params.toolId),
  );

  app.delete("/:id/tools/:toolId", { preHandler: configure, schema: { tags, summary: "Delete an HTTP tool", params: toolParams } }, async (request, reply) => {
    await tools.remove(tenantOf(request), actorFrom(request), request.params.id, request.params.toolId);
    return reply.status(204).send();
  });

  app.post(
    "/:id/tools/:toolId/invoke",
    {
      preHandler: operate,
      schema: {
        tags,
        summary: "Run a tool (an HTTP tool id, or a built-in by name) with validated args",
        params: invokeParams,
        body: invokeToolBodySchema,
        response: { 200: toolCallRecordSchema },
      },
    },
    async (request) => tools.invoke(tenantOf(request), request.params.id, request.params.toolId, request.body.args),
  );
};
