import { z } from "zod";
import { idSchema, paginationQuerySchema } from "@orbis/contracts";

export const listMessagesQuerySchema = paginationQuerySchema.extend({
  status: z.enum(["new", "read", "done"]).optional(),
  agentId: idSchema("agent").optional(),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;
