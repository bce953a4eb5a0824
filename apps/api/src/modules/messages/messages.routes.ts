import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { idSchema, messageSchema, pageSchema, paginationQuerySchema, updateMessageBodySchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { messagesService } from "./messages.service.ts";

const params = z.object({ id: idSchema("message") });
const listQuery = paginationQuerySchema.extend({ status: z.enum(["new", "read", "done"]).optional(), agentId: idSchema("agent").optional() });

export const messagesRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const tags = ["messages"];
  const read = principals.authorize("viewer");
  const operate = principals.authorize("staff");

  app.get("", { preHandler: read, schema: { tags, summary: "Messages taken by agents, newest first", querystring: listQuery, response: { 200: pageSchema(messageSchema) } } }, async (request) =>
    messagesService.list(tenantOf(request), request.query),
  );
  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get a message", params, response: { 200: messageSchema } } }, async (request) =>
    messagesService.get(tenantOf(request), request.params.id),
  );
  app.patch("/:id", { preHandler: operate, schema: { tags, summary: "Mark a message new, read or done", params, body: updateMessageBodySchema, response: { 200: messageSchema } } }, async (request) =>
    messagesService.setStatus(tenantOf(request), request.params.id, request.body.status),
  );
};
