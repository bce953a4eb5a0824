import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { idSchema, messageSchema, pageSchema, updateMessageBodySchema } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { listMessagesQuerySchema } from "./messages.schemas.ts";
import type { MessagesService } from "./messages.service.ts";

const params = z.object({ id: idSchema("message") });

export const messagesRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; messages: MessagesService }> = async (app, { principals, messages }) => {
  const tags = ["messages"];
  const read = principals.authorize("viewer");
  const operate = principals.authorize("staff");

  app.get(
    "",
    {
      preHandler: read,
      schema: { tags, summary: "Messages taken by agents, newest first", querystring: listMessagesQuerySchema, response: { 200: pageSchema(messageSchema) } },
    },
    async (request) => messages.list(tenantOf(request), request.query),
  );
  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get a message", params, response: { 200: messageSchema } } }, async (request) =>
    messages.get(tenantOf(request), request.params.id),
  );
  app.patch(
    "/:id",
    {
      preHandler: operate,
      schema: { tags, summary: "Mark a message new, read or done", params, body: updateMessageBodySchema, response: { 200: messageSchema } },
    },
    async (request) => messages.setStatus(tenantOf(request), actorFrom(request), request.params.id, request.body.status),
  );
};
