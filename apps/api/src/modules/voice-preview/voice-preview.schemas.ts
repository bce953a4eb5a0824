import { z } from "zod";
import { idSchema } from "@orbis/contracts";

export const voicePreviewParamsSchema = z.object({ id: idSchema("agent") });

/** `POST /v1/agents/:id/voice-preview`: what to say (default a greeting naming the business) and in which voice (default the agent's). */
export const voicePreviewBodySchema = z
  .object({
    text: z.string().trim().min(1).max(300).optional(),
    voice: z.string().trim().min(1).max(64).optional(),
  })
  .default({});
export type VoicePreviewBody = z.infer<typeof voicePreviewBodySchema>;
