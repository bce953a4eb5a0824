import { z } from "zod";
import { idSchema } from "./ids.ts";
import { patchSchemaOf } from "./common.ts";

export const turnTakingSchema = z.object({
  /** Silence after speech that ends the caller's turn. */
  silenceMs: z.number().int().min(200).max(3000).default(600),
  /** Extra silence allowed while the brain expects digits, a date or a spelled name. */
  entitySilenceMs: z.number().int().min(200).max(5000).default(1400),
  /** Shorter silence that ends the turn once the words so far fully answer what the agent asked ("yes please", a whole phone number). */
  completeSilenceMs: z.number().int().min(100).max(3000).default(300),
  /** Speech shorter than this is not a turn (coughs, clicks). */
  minSpeechMs: z.number().int().min(60).max(2000).default(200),
  /** A caller turn is cut here even without silence. */
  maxTurnMs: z.number().int().min(2000).max(120_000).default(30_000),
  /** Caller speech needed over agent audio before it counts as barge-in. */
  bargeInMs: z.number().int().min(100).max(3000).default(300),
});
export type TurnTaking = z.infer<typeof turnTakingSchema>;

/**
 * The speech engines that run in this process (`@orbis/providers`' `offline` definition and its aliases;
 * a gateway test keeps the two lists equal). Any other STT or TTS id, and any realtime model, is a cloud
 * voice: the `cloud_voices` plan feature.
 */
export const OFFLINE_SPEECH_IDS: readonly string[] = ["offline", "pocketsphinx", "flite"];

export const providerSettingsSchema = z
  .object({
    stt: z.array(z.string()).default(["offline"]),
    tts: z.array(z.string()).default(["offline"]),
    llm: z.array(z.string()).default([]),
    realtime: z.string().nullable().default(null),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .default({ stt: ["offline"], tts: ["offline"], llm: [], realtime: null, options: {} });

export const agentConfigSchema = z.object({
  name: z.string().trim().min(1).max(120),
  systemPrompt: z.string().max(20_000).default(""),
  greeting: z.string().max(1000).default("Hello, thanks for calling. How can I help you today?"),
  voice: z.string().max(64).default("slt"),
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, "must be a language tag like en or en-US")
    .default("en-US"),
  providers: providerSettingsSchema,
  tools: z.array(z.record(z.string(), z.unknown())).max(50).default([]),
  business: z.record(z.string(), z.unknown()).default({}),
  turnTaking: turnTakingSchema.default(turnTakingSchema.parse({})),
  idleTimeoutSec: z
    .number()
    .int()
    .min(10)
    .max(4 * 3600)
    .default(1800),
  recordCalls: z.boolean().default(false),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const updateAgentBodySchema = patchSchemaOf(agentConfigSchema).refine((v) => Object.keys(v).length > 0, "nothing to update");

export const agentStatusSchema = z.enum(["draft", "published"]);

export const agentSchema = agentConfigSchema.extend({
  id: idSchema("agent"),
  status: agentStatusSchema,
  publishedVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgentDto = z.infer<typeof agentSchema>;

export const agentVersionSchema = z.object({
  id: idSchema("agentVersion"),
  agentId: idSchema("agent"),
  version: z.number().int(),
  config: agentConfigSchema,
  publishedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type AgentVersionDto = z.infer<typeof agentVersionSchema>;

/** One field that differs between two agent configs: its dotted path ("providers.llm.0", "business.hours.mon") and both values (absent on the side that lacks it). */
export const configChangeSchema = z.object({
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ConfigChange = z.infer<typeof configChangeSchema>;

/** GET /v1/agents/:id/versions/:version/diff: what publishing the current draft would change against that version (`before` is the version, `after` the draft). */
export const agentVersionDiffSchema = z.object({
  version: z.number().int(),
  changes: z.array(configChangeSchema),
});
export type AgentVersionDiffDto = z.infer<typeof agentVersionDiffSchema>;

/**
 * POST /v1/agents/:id/publish and …/versions/:version/rollback: the agent after the change, the version
 * callers now hear and whether it is a new one (`unchanged: true`: the config already was the latest
 * published version, so no version was created).
 */
export const publishResultSchema = agentSchema.extend({
  version: agentVersionSchema,
  unchanged: z.boolean(),
});
export type PublishResultDto = z.infer<typeof publishResultSchema>;

/**
 * POST /v1/agents/:id/publish and …/rollback (optional body): `override` publishes although scenarios
 * that passed on the published version now fail; its reason goes into the audit log.
 */
export const publishBodySchema = z
  .object({
    override: z.object({ reason: z.string().trim().min(5).max(500) }).optional(),
  })
  .nullish();
export type PublishBody = z.infer<typeof publishBodySchema>;
