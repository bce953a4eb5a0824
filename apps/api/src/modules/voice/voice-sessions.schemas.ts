import { z } from "zod";
import { createVoiceSessionBodySchema } from "@orbis/contracts";

/** Which config the call runs: `published` (what callers hear, the default) or `draft` (the dashboard trying unpublished changes; signed-in members only). */
const agentConfigModeSchema = z.enum(["draft", "published"]).default("published");

export const openVoiceSessionBodySchema = createVoiceSessionBodySchema.extend({ mode: agentConfigModeSchema });
