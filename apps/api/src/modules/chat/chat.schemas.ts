import { z } from "zod";
import { idSchema, toolCallRecordSchema } from "@orbis/contracts";

export const chatBodySchema = z.object({
  /** Omitted on the first message: the answer starts with the agent's greeting and carries the new id. */
  conversationId: idSchema("conversation").optional(),
  text: z.string().max(2000).default(""),
  /** Read on the first message: the agent's latest published version (default) or, for members signed in, its draft. */
  mode: z.enum(["draft", "published"]).default("published"),
});

export const chatReplySchema = z.object({
  conversationId: idSchema("conversation"),
  replies: z.array(z.string()),
  toolCalls: z.array(toolCallRecordSchema),
  transfer: z.object({ to: z.string(), reason: z.string() }).nullable(),
  ended: z.boolean(),
});
