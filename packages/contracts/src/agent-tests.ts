import { z } from "zod";
import { WEEKDAYS } from "./business.ts";
import { patchSchemaOf } from "./common.ts";
import { idSchema } from "./ids.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * What a simulated call must have left, judged after the caller's last line. Every field of an
 * `appointment` or `message` is optional: only the given ones are checked (case-insensitively).
 */
export const testExpectationSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("appointment"),
    /** The service's id or name. */
    service: text(120).optional(),
    /** The day of the week it is booked on, in the business's time zone. */
    weekday: z.enum(WEEKDAYS).optional(),
    /** Its start, "HH:MM" (24-hour) in the business's time zone. */
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)")
      .optional(),
    customerName: text(120).optional(),
  }),
  z.object({
    type: z.literal("message"),
    callerName: text(120).optional(),
    /** Compared by its last ten digits, however it is written. */
    callbackNumber: z
      .string()
      .trim()
      .regex(/^[+()\d\s.-]{7,24}$/, "must be a phone number")
      .optional(),
    /** Words the message's text contains. */
    contains: text(200).optional(),
  }),
  z.object({ type: z.literal("transfer") }),
  z.object({ type: z.literal("no_transfer") }),
  /** Anything the agent said contains `text` (case-insensitive). */
  z.object({ type: z.literal("says"), text: text(200) }),
  /** Nothing the agent said contains `text` (case-insensitive). */
  z.object({ type: z.literal("never_says"), text: text(200) }),
]);
export type TestExpectation = z.infer<typeof testExpectationSchema>;

/** A scenario: what the caller says, line by line, and what the call must leave. */
export const testScenarioBodySchema = z.object({
  name: text(120),
  turns: z.array(text(500)).min(1).max(30),
  expectations: z.array(testExpectationSchema).min(1).max(20),
});
export type TestScenarioBody = z.infer<typeof testScenarioBodySchema>;

export const updateTestScenarioBodySchema = patchSchemaOf(testScenarioBodySchema).refine((v) => Object.keys(v).length > 0, "nothing to update");
export type UpdateTestScenarioBody = z.infer<typeof updateTestScenarioBodySchema>;

export const testScenarioSourceSchema = z.enum(["user", "template"]);

export const testScenarioSchema = testScenarioBodySchema.extend({
  id: idSchema("testScenario"),
  agentId: idSchema("agent"),
  source: testScenarioSourceSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TestScenarioDto = z.infer<typeof testScenarioSchema>;

/** One line of a simulated call: the caller's, the agent's, or what happened (a transfer, the end). */
export const transcriptLineSchema = z.object({
  speaker: z.enum(["caller", "agent", "event"]),
  text: z.string(),
});
export type TranscriptLine = z.infer<typeof transcriptLineSchema>;

/** An expectation the call did not meet, and what was found instead. */
export const testFailureSchema = z.object({
  expectation: testExpectationSchema,
  found: z.string(),
});
export type TestFailure = z.infer<typeof testFailureSchema>;

export const scenarioResultSchema = z.object({
  scenarioId: idSchema("testScenario"),
  name: z.string(),
  /** A digest of the scenario as it was run: a result counts for the scenario only while it is unchanged. */
  scenarioHash: z.string(),
  passed: z.boolean(),
  failures: z.array(testFailureSchema),
  transcript: z.array(transcriptLineSchema),
  /** Set when the simulation itself broke (the scenario then fails). */
  error: z.string().nullable(),
});
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export const testRunStatusSchema = z.enum(["passed", "failed", "error"]);
export const testRunTriggerSchema = z.enum(["manual", "publish"]);

export const testRunSummarySchema = z.object({
  id: idSchema("testRun"),
  agentId: idSchema("agent"),
  /** null: the draft as it was at `startedAt`. */
  version: z.number().int().nullable(),
  configHash: z.string(),
  status: testRunStatusSchema,
  passed: z.number().int(),
  failed: z.number().int(),
  trigger: testRunTriggerSchema,
  createdBy: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type TestRunSummaryDto = z.infer<typeof testRunSummarySchema>;

export const testRunSchema = testRunSummarySchema.extend({ results: z.array(scenarioResultSchema) });
export type TestRunDto = z.infer<typeof testRunSchema>;

/** POST /v1/agents/:id/test-runs: the draft unless a published version is named. */
export const startTestRunBodySchema = z.object({ version: z.number().int().min(1).max(2_147_483_647).optional() }).nullish();
export type StartTestRunBody = z.infer<typeof startTestRunBodySchema>;

export const testRunsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
