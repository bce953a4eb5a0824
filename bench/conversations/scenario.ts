import { z } from "zod";
import { businessTemplateIdSchema } from "@orbis/contracts";

/**
 * A scripted caller and what the call must leave behind. Outcomes are judged on stored state read back
 * through the API (appointments, messages, the call record and its transcript), never on how the agent
 * phrased a reply, except for questions whose only outcome is the answer itself.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, business-local");
const weekdaySchema = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
export type Weekday = z.infer<typeof weekdaySchema>;
/** A day relative to the run's fixed "now": today, tomorrow, or the first such weekday after today. */
export const dayRefSchema = z.union([z.enum(["today", "tomorrow"]), weekdaySchema]);
export type DayRef = z.infer<typeof dayRefSchema>;
/** Ten digits (a US number without its country code); a stored number matches when its digits end with them. */
const phoneDigits = z.string().regex(/^\d{10}$/);

const appointmentOutcomeSchema = z.object({
  kind: z.literal("appointment"),
  service: z.string().min(1),
  day: dayRefSchema,
  /** Exact start time; or `window` when the caller left it open ("anything in the morning"). */
  time: hhmm.optional(),
  window: z.object({ from: hhmm, to: hhmm }).optional(),
  /** Every word of it must be in the stored customer name (case-insensitive). */
  name: z.string().min(1),
  phone: phoneDigits.optional(),
});

const messageOutcomeSchema = z.object({
  kind: z.literal("message"),
  name: z.string().min(1).optional(),
  phone: phoneDigits.optional(),
  /** Each entry is a case-insensitive regular expression the stored text (or name) must match, e.g. "refund|money back". */
  keywords: z.array(z.string().min(1)).default([]),
  /** The stored urgency must be "high". */
  urgent: z.boolean().optional(),
});

const transferOutcomeSchema = z.object({ kind: z.literal("transfer") });

const answerOutcomeSchema = z.object({
  kind: z.literal("answer"),
  /** Each entry is a case-insensitive regular expression the agent's side of the stored transcript must match. */
  facts: z.array(z.string().min(1)).min(1),
});

type Leaf =
  z.infer<typeof appointmentOutcomeSchema> | z.infer<typeof messageOutcomeSchema> | z.infer<typeof transferOutcomeSchema> | z.infer<typeof answerOutcomeSchema>;
export type Outcome = Leaf | { kind: "anyOf"; of: Leaf[] };

const leafSchema = z.discriminatedUnion("kind", [appointmentOutcomeSchema, messageOutcomeSchema, transferOutcomeSchema, answerOutcomeSchema]);
const outcomeSchema = z.union([leafSchema, z.object({ kind: z.literal("anyOf"), of: z.array(leafSchema).min(2) })]);

/** How the caller sounds on voiced paths (web-voice, twilio-8k); the text path ignores it. */
const voiceSpecSchema = z.object({
  /** An offline flite voice (kal16, slt, awb, rms…). */
  voice: z.string().min(1).default("kal16"),
  /** Length of a " ... " pause inside a turn, in ms. */
  midPauseMs: z.number().int().min(0).max(5000).default(600),
  /** Silence after the agent finished before the caller speaks, in ms. */
  replyPauseMs: z.number().int().min(0).max(5000).default(400),
});

export const scenarioSchema = z.object({
  id: z.string().regex(/^[a-z]+-\d{3}-[a-z0-9-]+$/, "<template short>-<nnn>-<slug>"),
  template: businessTemplateIdSchema,
  /** What the caller wants, in one line, for the report. */
  intent: z.string().min(1),
  /**
   * What the caller says, one entry per turn, written as callers speak. " ... " marks a pause inside a
   * turn (the voiced paths pause there; the text path sends it as a comma, as a punctuating transcriber would).
   */
  turns: z.array(z.string().trim().min(1).max(2000)).min(1),
  voice: voiceSpecSchema.optional(),
  /** All must hold; anything not expected that would change the business's records is a failure too (an unexpected appointment). */
  expect: z.array(outcomeSchema).min(1),
  tags: z.array(z.string()).default([]),
});
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Validates every scenario and refuses duplicate ids. */
export function parseScenarios(input: readonly ScenarioInput[]): Scenario[] {
  const out = input.map((s, i) => {
    const parsed = scenarioSchema.safeParse(s);
    if (!parsed.success) throw new Error(`scenario #${i} (${String((s as { id?: unknown }).id)}): ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.id)) throw new Error(`duplicate scenario id ${s.id}`);
    seen.add(s.id);
  }
  return out;
}

/** Small constructors so scenario files read like the outcome they expect. */
export const book = (
  service: string,
  day: DayRef,
  name: string,
  extra: { time?: string; window?: { from: string; to: string }; phone?: string } = {},
): Outcome => ({
  kind: "appointment",
  service,
  day,
  name,
  ...extra,
});
export const message = (m: { name?: string; phone?: string; keywords?: string[]; urgent?: boolean }): Outcome => ({ kind: "message", keywords: [], ...m });
export const transfer = (): Outcome => ({ kind: "transfer" });
export const answer = (...facts: string[]): Outcome => ({ kind: "answer", facts });
export const anyOf = (...of: Outcome[]): Outcome => ({ kind: "anyOf", of: of as Leaf[] });
