import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { idSchema } from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { chatBodySchema, chatReplySchema } from "./chat.schemas.ts";
import type { ChatService } from "./chat.service.ts";

const params = z.object({ id: idSchema("agent") });

export const chatRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; chat: ChatService }> = async (app, { principals, chat }) => {
  app.post(
    "/:id/chat",
    {
      // Staff: a chat acts for real (bookings and messages land in the workspace's calendar and inbox).
      preHandler: principals.authorize("staff"),
      schema: {
        tags: ["chat"],
        summary: "Talk to the agent by text: the same brain as a call",
        description:
          "A conversation runs the agent's latest published version (409 while it was never published). Members signed in may start one on the draft with `mode: draft`; API keys may not (403).",
        params,
        body: chatBodySchema,
        response: { 200: chatReplySchema },
      },
    },
    async (request) => chat.chat(tenantOf(request), request.params.id, { ...request.body, draftAllowed: principalOf(request).kind === "session" }),
  );
};
