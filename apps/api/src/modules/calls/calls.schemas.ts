import { z } from "zod";
import { callDetailSchema, callTurnSchema } from "@orbis/contracts";
import { servedRecordSchema, usageByProviderSchema } from "../usage/usage.schemas.ts";

/** The call detail with provider usage: per turn who served and what it cost, per call the totals. */
export const callDetailWithUsageSchema = callDetailSchema.extend({
  usage: usageByProviderSchema,
  costUsd: z.number(),
  /** An outbound call's answering-machine verdict (null for inbound calls and before the callee answered). */
  amd: z
    .object({
      result: z.enum(["human", "machine", "unknown", "off"]),
      reason: z.string().optional(),
      source: z.enum(["orbis", "carrier"]).optional(),
      decisionMs: z.number().optional(),
      mode: z.string().optional(),
      voicemail: z.object({ cue: z.string() }).optional(),
    })
    .nullable()
    .optional(),
  turns: z.array(callTurnSchema.extend({ servedBy: z.array(servedRecordSchema), usage: usageByProviderSchema, costUsd: z.number() })),
});

/** A recording's short-lived URL (`GET /v1/calls/:id/recording-url`). */
export const recordingUrlSchema = z.object({
  url: z.string().describe("Works until expiresAt: an object store's presigned URL or a signed link to this api"),
  expiresAt: z.iso.datetime(),
});
