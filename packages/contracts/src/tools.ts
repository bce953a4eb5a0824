import { z } from "zod";
import { idSchema } from "./ids.ts";
import { patchSchemaOf } from "./common.ts";

/**
 * The JSON Schema subset a tenant tool's arguments may use: object, string, number, integer,
 * boolean, enum, array, required, description. Anything else is refused at save time so the
 * compiled validator and the schema shown to an LLM never disagree.
 */
export type ToolJsonSchema =
  | { type: "object"; properties?: Record<string, ToolJsonSchema>; required?: string[]; description?: string; additionalProperties?: boolean }
  | { type: "string"; enum?: string[]; description?: string; minLength?: number; maxLength?: number; format?: string }
  | { type: "number" | "integer"; enum?: number[]; description?: string; minimum?: number; maximum?: number }
  | { type: "boolean"; description?: string }
  | { type: "array"; items: ToolJsonSchema; description?: string; minItems?: number; maxItems?: number };

const description = z.string().max(1000).optional();

export const toolJsonSchemaSchema: z.ZodType<ToolJsonSchema> = z.lazy(() =>
  z.union([
    z.strictObject({
      type: z.literal("object"),
      properties: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), toolJsonSchemaSchema).optional(),
      required: z.array(z.string()).optional(),
      description,
      additionalProperties: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal("string"),
      enum: z.array(z.string()).min(1).optional(),
      description,
      minLength: z.number().int().min(0).optional(),
      maxLength: z.number().int().min(0).optional(),
      format: z.string().optional(),
    }),
    z.strictObject({
      type: z.enum(["number", "integer"]),
      enum: z.array(z.number()).min(1).optional(),
      description,
      minimum: z.number().optional(),
      maximum: z.number().optional(),
    }),
    z.strictObject({ type: z.literal("boolean"), description }),
    z.strictObject({
      type: z.literal("array"),
      items: toolJsonSchemaSchema,
      description,
      minItems: z.number().int().min(0).optional(),
      maxItems: z.number().int().min(0).optional(),
    }),
  ]),
);

/** Tool names are what an LLM calls; built-in names are reserved. */
export const toolNameSchema = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "must be snake_case, 2-64 chars");

export const BUILTIN_TOOL_NAMES = [
  "check_availability",
  "book_appointment",
  "reschedule_appointment",
  "cancel_appointment",
  "find_appointments",
  "business_info",
  "take_message",
  "transfer_call",
  "do_not_call",
  "end_call",
] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

const headerNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export const httpToolConfigSchema = z.object({
  name: toolNameSchema.refine((n) => !(BUILTIN_TOOL_NAMES as readonly string[]).includes(n), "this name is reserved for a built-in tool"),
  description: z.string().trim().min(1).max(1000),
  /** Root must be an object schema. */
  args: toolJsonSchemaSchema.refine((s) => s.type === "object", "args must be an object schema"),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
  /** Extra headers sent as-is (an API key of the tenant's service, say). */
  headers: z.record(headerNameSchema, z.string().max(2000)).default({}),
  timeoutMs: z.number().int().min(100).max(30_000).default(5000),
  maxRetries: z.number().int().min(0).max(5).default(2),
  enabled: z.boolean().default(true),
});
export type HttpToolConfig = z.infer<typeof httpToolConfigSchema>;

/**
 * A change to a tool. `headers` is merged into the stored ones: a name with a value sets (or replaces)
 * that header, a name with `null` removes it, names left out keep their (never shown) values.
 */
export const updateToolBodySchema = patchSchemaOf(httpToolConfigSchema.omit({ headers: true }))
  .extend({ headers: z.record(headerNameSchema, z.string().max(2000).nullable()).optional() })
  .refine((v) => Object.keys(v).length > 0, "nothing to update");
export type UpdateToolBody = z.infer<typeof updateToolBodySchema>;

/**
 * A tool as the API shows it, to every role: header values and the signing secret are never shown
 * (they are encrypted at rest), only a hint of each. The secret itself is in the answer of create and
 * of rotate-secret, once; receivers verify `X-Orbis-Signature` with it.
 */
export const toolSchema = httpToolConfigSchema.omit({ headers: true }).extend({
  id: idSchema("tool"),
  agentId: idSchema("agent"),
  /** The extra headers' names, each with a hint of its value (`…wxyz`). */
  headerHints: z.record(headerNameSchema, z.string()),
  secretHint: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ToolDto = z.infer<typeof toolSchema>;

export const invokeToolBodySchema = z.object({ args: z.record(z.string(), z.unknown()).default({}) });

/** The outcome of one tool call, as recorded on a turn and returned by invoke. */
export const toolCallRecordSchema = z.object({
  name: z.string(),
  args: z.unknown(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  ms: z.number(),
});
export type ToolCallRecordDto = z.infer<typeof toolCallRecordSchema>;

export const SIGNATURE_HEADER = "X-Orbis-Signature";
