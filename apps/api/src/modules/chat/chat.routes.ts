import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { idSchema, toolCallRecordSchema } from "@orbis/contracts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { ChatService } from "./chat.service.ts";

const params = z.object({ id: idSchema("agent") });
const body = z.object({
  /** Omitted on the first message: the answer starts with the agent's greeting and carries the new id. */
  conversationId: idSchema("conversation").optional(),
  text: z.string().max(2000).default(""),
});
const reply = z.object({
  conversationId: idSchema("conversation"),
  replies: z.array(z.string()),
  toolCalls: z.array(toolCallRecordSchema),
  transfer: z.object({ to: z.string(), reason: z.string() }).nullable(),
  ended: z.boolean(),
});

export const chatRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; chat: ChatService }> = async (app, { principals, chat }) => {
  app.post(
    "/:id/chat",
    {
      // Staff: a chat acts for real (bookings and messages land in the workspace's calendar and inbox).
      preHandler: principals.authorize("staff"),
      schema: { tags: ["chat"], summary: "Talk to the agent by text: the same brain as a call", params, body, response: { 200: reply } },
    },
    async (request) => chat.chat(tenantOf(request), request.params.id, request.body),
  );
};
