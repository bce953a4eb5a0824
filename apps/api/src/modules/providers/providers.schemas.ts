import { z } from "zod";

export const providerSchema = z.object({
  id: z.string(),
  capability: z.enum(["stt", "tts", "llm", "realtime"]),
  needsKey: z.string().nullable(),
  /** No key needed, or the workspace has stored one for `needsKey`. */
  available: z.boolean(),
  models: z.array(z.string()),
  voices: z.array(z.string()),
  health: z.array(z.object({ state: z.string(), consecutiveFailures: z.number(), lastError: z.string().optional() })),
});
