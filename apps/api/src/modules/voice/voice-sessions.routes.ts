import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError, createVoiceSessionBodySchema, notFound, roleAtLeast, voiceSessionSchema } from "@orbis/contracts";
import type { ApiDeps } from "../../deps.ts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";

export const VOICE_TOKEN_TTL_SEC = 300;

/** Short-lived, signed tickets for /v1/stream: the widget (pk_ + allowed Origin) or a dashboard user trying an agent. */
export const voiceSessionsRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; principals: PrincipalResolver }> = async (app, { deps, principals }) => {
  app.post(
    "/sessions",
    {
      preHandler: principals.authorize("publishable"),
      schema: { tags: ["voice"], summary: "Open a voice session: returns a token and the stream URL", body: createVoiceSessionBodySchema, response: { 201: voiceSessionSchema } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== "publishable_key" && !roleAtLeast(principal.role, "staff")) {
        throw new AppError("forbidden", "Requires the staff role or higher");
      }
      const agent = await tenantOf(request).agents.get(request.body.agentId);
      if (!agent) throw notFound("Agent");
      const { token, expiresAt } = await deps.tokens.issueVoiceToken(
        {
          workspaceId: principal.workspaceId,
          agentId: agent.id,
          ...(principal.kind === "session" ? { userId: principal.userId } : { keyId: principal.keyId }),
        },
        VOICE_TOKEN_TTL_SEC,
      );
      const base = deps.config.publicBaseUrl ?? `${request.protocol}://${request.host}`;
      const url = `${base.replace(/^http/, "ws")}/v1/stream?token=${encodeURIComponent(token)}`;
      return reply.status(201).send({ token, url, expiresAt: expiresAt.toISOString() });
    },
  );
};
