import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { AppError, createVoiceSessionBodySchema, roleAtLeast, voiceSessionSchema } from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { VoiceSessionsService } from "./voice-sessions.service.ts";

/** After authorize("publishable"), which lets every principal in: a user session needs the staff role. */
async function widgetOrStaff(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== "publishable_key" && !roleAtLeast(principal.role, "staff")) throw new AppError("forbidden", "Requires the staff role or higher");
}

export const voiceSessionsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; voiceSessions: VoiceSessionsService }> = async (
  app,
  { principals, voiceSessions },
) => {
  app.post(
    "/sessions",
    {
      preHandler: [principals.authorize("publishable"), widgetOrStaff],
      schema: {
        tags: ["voice"],
        summary: "Open a voice session: returns a token and the stream URL",
        body: createVoiceSessionBodySchema,
        response: { 201: voiceSessionSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await voiceSessions.open(tenantOf(request), principalOf(request), request.body.agentId, `${request.protocol}://${request.host}`)),
  );
};
