import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { voicePreviewBodySchema, voicePreviewParamsSchema } from "./voice-preview.schemas.ts";
import type { VoicePreviewService } from "./voice-preview.service.ts";

/** Synthesis costs CPU (offline) or money (cloud): fewer previews than other requests. */
const PREVIEWS_PER_MINUTE = 20;

/** `POST /v1/agents/:id/voice-preview`: a sample sentence in the agent's voice, as a WAV. */
export const voicePreviewRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; voicePreview: VoicePreviewService }> = async (
  app,
  { principals, voicePreview },
) => {
  app.post(
    "/:id/voice-preview",
    {
      preHandler: principals.authorize("staff"),
      config: { rateLimit: { max: PREVIEWS_PER_MINUTE, timeWindow: "1 minute" } },
      schema: {
        tags: ["agents"],
        summary: "Speak a sample (default: a greeting naming the business, at most 300 characters) with the agent's TTS: audio/wav, 16-bit PCM mono",
        params: voicePreviewParamsSchema,
        body: voicePreviewBodySchema,
      },
    },
    async (request, reply) => {
      const wav = await voicePreview.preview(tenantOf(request), request.params.id, request.body);
      return reply.type("audio/wav").header("cache-control", "no-store").send(wav);
    },
  );
};
