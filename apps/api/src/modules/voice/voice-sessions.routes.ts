import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { AppError, roleAtLeast, voiceSessionSchema } from "@orbis/contracts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { openVoiceSessionBodySchema } from "./voice-sessions.schemas.ts";
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
        description:
          "The call runs the agent's latest published version (`mode: published`, the default; an agent never published is refused when the stream opens). Members signed in (the dashboard's \"Try this agent\") may ask for `mode: draft` to try unpublished changes; API keys may not (403).",
        body: openVoiceSessionBodySchema,
        response: { 201: voiceSessionSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await voiceSessions.open(tenantOf(request), principalOf(request), request.body, `${request.protocol}://${request.host}`)),
  );
};
