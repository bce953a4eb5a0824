import { z } from "zod";
import { callDetailSchema, callTurnSchema } from "@orbis/contracts";
import { servedRecordSchema, usageByProviderSchema } from "../usage/usage.schemas.ts";

/** The call detail with provider usage: per turn who served and what it cost, per call the totals. */
export const callDetailWithUsageSchema = callDetailSchema.extend({
  usage: usageByProviderSchema,
  costUsd: z.number(),
  turns: z.array(callTurnSchema.extend({ servedBy: z.array(servedRecordSchema), usage: usageByProviderSchema, costUsd: z.number() })),
});
