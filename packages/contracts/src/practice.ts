import { z } from "zod";
import { idSchema } from "./ids.ts";
import { planFeatureSchema } from "./billing.ts";

/**
 * Sales practice (docs/practice.md): reps rehearse calls by voice with an AI prospect. A persona is the
 * prospect, a scenario the situation; a session is one rehearsal, owned by its rep (only the rep and the
 * workspace's owners and admins may read it), scored when it ends. Goals, activities and the what-if
 * calculator sit around it. Built-in personas and scenarios (ids `builtin_…`) are listed with the
 * workspace's own (`prp_…`, `psc_…`) and cannot be changed.
 */
const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const phrases = z.array(text(200)).max(30);

/**
 * A patch names only what changes: the input's fields without their defaults (zod fills a default into
 * an absent optional key, so `.partial()` of the input would reset every field the patch leaves out).
 */
function patchOf<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType]),
  ) as { [K in keyof S]: z.ZodType<z.output<S[K]>, z.input<S[K]>> };
  return z.strictObject(fields).partial();
}

export const PERSONALITIES = ["friendly", "busy", "skeptical", "hostile"] as const;
export const personalitySchema = z.enum(PERSONALITIES);
export type Personality = z.infer<typeof personalitySchema>;

export const AUTHORITIES = ["decision_maker", "influencer", "gatekeeper"] as const;

/** A built-in persona or scenario id: `builtin_` and lowercase words. */
export const builtInIdSchema = z.string().regex(/^builtin_[a-z0-9_]{1,60}$/);
export const personaIdSchema = z.union([idSchema("practicePersona"), builtInIdSchema]);
export const scenarioIdSchema = z.union([idSchema("practiceScenario"), builtInIdSchema]);

/**
 * An objection the prospect raises: when (`triggers`: words in what the rep says that bring it up; empty
 * means the prospect raises it unprompted after the rep's first pitch) and what resolves it
 * (`resolvedBy`: words that show the rep handled it — a question about it, evidence, a concession).
 */
export const objectionSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be lowercase letters, digits or _"),
  /** What the prospect says when raising it. */
  raise: text(300),
  triggers: phrases.default([]),
  resolvedBy: phrases.min(1),
  /** What the prospect says once it is handled. */
  concession: text(300),
});
export type Objection = z.infer<typeof objectionSchema>;

export const personaInputSchema = z.strictObject({
  name: text(80),
  role: text(80),
  company: text(120),
  industry: text(80),
  personality: personalitySchema,
  painPoints: phrases.default([]),
  /** In the persona's words: "about 2,000 a month, signed off by the owner". */
  budget: z.string().trim().max(200).default(""),
  authority: z.enum(AUTHORITIES).default("decision_maker"),
  objections: z.array(objectionSchema).max(12).default([]),
  /** The offline voice (`slt`, `kal`, `awb`, `rms`…) or a cloud voice id. */
  voice: z.string().trim().min(1).max(80).default("slt"),
});
export type PersonaInput = z.infer<typeof personaInputSchema>;

export const personaSchema = personaInputSchema.extend({
  id: personaIdSchema,
  builtIn: z.boolean(),
  objections: z.array(objectionSchema),
  painPoints: z.array(z.string()),
  createdAt: instant.nullable(),
  updatedAt: instant.nullable(),
});
export type PersonaDto = z.infer<typeof personaSchema>;
export const personaListSchema = z.object({ data: z.array(personaSchema) });
export const personaPatchSchema = patchOf(personaInputSchema.shape);

export const SCENARIO_TYPES = ["cold_call", "discovery", "demo_follow_up", "objection_handling", "closing", "renewal"] as const;
export const scenarioTypeSchema = z.enum(SCENARIO_TYPES);
export type ScenarioType = z.infer<typeof scenarioTypeSchema>;
export const DIFFICULTIES = ["easy", "medium", "hard"] as const;

/** A rubric item: what the rep should do, and the words that show they did. */
export const rubricItemSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be lowercase letters, digits or _"),
  label: text(120),
  weight: z.number().min(0).max(100).default(1),
  evidence: phrases.min(1),
});
export type RubricItem = z.infer<typeof rubricItemSchema>;

export const scenarioInputSchema = z.strictObject({
  name: text(120),
  type: scenarioTypeSchema,
  /** The rep's goal, shown before the session ("book a 30-minute demo"). */
  goal: text(300),
  successCriteria: phrases.default([]),
  /** Words that, from the rep, propose the next step; the prospect agreeing to one is the session's success. */
  nextStep: phrases.min(1),
  timeLimitSec: z.number().int().min(60).max(3600).default(600),
  difficulty: z.enum(DIFFICULTIES).default("medium"),
  rubric: z.array(rubricItemSchema).max(20).default([]),
  /** The persona suggested for it (a rep may pick another). */
  personaId: personaIdSchema.nullable().default(null),
  /** What the prospect says on answering; the persona's default when absent. */
  openingLine: z.string().trim().max(300).default(""),
});
export type ScenarioInput = z.infer<typeof scenarioInputSchema>;

export const scenarioSchema = scenarioInputSchema.extend({
  id: scenarioIdSchema,
  builtIn: z.boolean(),
  successCriteria: z.array(z.string()),
  rubric: z.array(rubricItemSchema),
  createdAt: instant.nullable(),
  updatedAt: instant.nullable(),
});
export type ScenarioDto = z.infer<typeof scenarioSchema>;
export const scenarioListSchema = z.object({ data: z.array(scenarioSchema) });
export const scenarioPatchSchema = patchOf(scenarioInputSchema.shape);

/** One turn of a practice session: the rep or the prospect, with when and how long each spoke. */
export const practiceTurnSchema = z.object({
  seq: z.number().int(),
  speaker: z.enum(["rep", "prospect"]),
  text: z.string(),
  /** From the session's start. */
  atMs: z.number().int().min(0),
  /** How long the speaker talked (audio); estimated from the words for typed turns. */
  speechMs: z.number().int().min(0),
  /** The other side started talking while this one was still speaking. */
  interrupted: z.boolean(),
});
export type PracticeTurn = z.infer<typeof practiceTurnSchema>;

/** `rep_hung_up`: a session by phone that the rep's hang-up ended (`rep_ended` is the browser's End). */
export const SESSION_END_REASONS = ["rep_ended", "rep_hung_up", "next_step", "prospect_hung_up", "time_up", "disconnected", "error"] as const;

/** A scored item with why, and the words from the transcript that show it. */
export const scoreItemSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** 0–100. */
  score: z.number().min(0).max(100),
  weight: z.number(),
  explanation: z.string(),
  quotes: z.array(z.string()),
});

export const practiceScoreSchema = z.object({
  /** 0–100, the weighted items. */
  overall: z.number().min(0).max(100),
  metrics: z.object({
    /** Rep's share of the talking time, 0–1 (0.43 = the rep talked 43 % of the time). */
    talkRatio: z.number(),
    longestMonologueSec: z.number(),
    interruptionsByRep: z.number().int(),
    interruptionsByProspect: z.number().int(),
    questionsOpen: z.number().int(),
    questionsClosed: z.number().int(),
    fillerPerMinute: z.number(),
    wordsPerMinute: z.number(),
    objectionsRaised: z.number().int(),
    objectionsHandled: z.number().int(),
    nextStepSecured: z.boolean(),
  }),
  items: z.array(scoreItemSchema),
  /** Two or three things to do differently next time. */
  coaching: z.array(z.string()),
});
export type PracticeScore = z.infer<typeof practiceScoreSchema>;

export const practiceSessionStatusSchema = z.enum(["live", "completed", "abandoned"]);

export const practiceSessionSchema = z.object({
  id: idSchema("practiceSession"),
  userId: idSchema("user"),
  /** The rep's name, as the team dashboard shows it. */
  userName: z.string().nullable(),
  personaId: z.string(),
  personaName: z.string(),
  scenarioId: z.string(),
  scenarioName: z.string(),
  scenarioType: scenarioTypeSchema,
  status: practiceSessionStatusSchema,
  channel: z.enum(["web", "twilio", "telnyx"]),
  startedAt: instant,
  endedAt: instant.nullable(),
  durationSec: z.number().int().nullable(),
  endReason: z.enum(SESSION_END_REASONS).nullable(),
  costUsd: z.number().nullable(),
  /** The workspace's practice price per minute in force when the session started (null: none was set). */
  pricePerMinuteUsd: z.number().nullable(),
  /** Minutes × that price, known once the session has ended (null: live, or no price). */
  chargeUsd: z.number().nullable(),
  overallScore: z.number().nullable(),
  /**
   * A session by phone: the practice line to dial and where the dial-in stands — `waiting` (the code
   * can be used until `codeExpiresAt`), `connected` (the code was used: the call is on or over),
   * `expired` (never dialled in time). Absent for a session in the browser.
   */
  phone: z.object({ number: z.string().nullable(), state: z.enum(["waiting", "connected", "expired"]), codeExpiresAt: instant.nullable() }).optional(),
});
export type PracticeSessionDto = z.infer<typeof practiceSessionSchema>;
export const practiceSessionListSchema = z.object({ data: z.array(practiceSessionSchema), nextCursor: z.string().nullable() });

export const practiceSessionDetailSchema = practiceSessionSchema.extend({
  turns: z.array(practiceTurnSchema),
  score: practiceScoreSchema.nullable(),
  /** Provider usage and cost lines of the session (`{ [providerId]: usage }`). */
  usage: z.record(z.string(), z.unknown()),
  /**
   * The session's recording: `available` (played from `url`, a redirect to a short-lived signed URL),
   * `off` (the workspace did not record practice when it started), `none` (not recorded: still live,
   * failed, or removed by retention).
   */
  recording: z.object({ state: z.enum(["available", "off", "none"]), url: z.string().nullable() }),
  /** When retention removed the transcript (turns, quotes, recording); null: kept. */
  transcriptPurgedAt: instant.nullable(),
});
export type PracticeSessionDetailDto = z.infer<typeof practiceSessionDetailSchema>;

export const startPracticeSessionSchema = z.strictObject({
  personaId: personaIdSchema,
  scenarioId: scenarioIdSchema,
  /** `phone`: the rep dials the workspace's practice line and keys the code answered here (docs/practice.md, "By phone"). */
  channel: z.enum(["web", "phone"]).default("web"),
});
/**
 * The session and, in the browser, the one-use voice token its stream opens `/v1/stream?token=…` with;
 * by phone, the number to dial and the one-use code (shown once: only its hash is kept) until `expiresAt`.
 */
export const startedPracticeSessionSchema = z.object({
  session: practiceSessionSchema,
  token: z.string().optional(),
  expiresAt: instant,
  phone: z.object({ number: z.string(), code: z.string(), expiresAt: instant }).optional(),
});

/** The workspace's sales practice line: the phone number reps dial to practise by phone (null: none). */
export const practicePhoneLineSchema = z.object({
  phoneNumberId: z.string().nullable(),
  number: z.string().nullable(),
  provider: z.enum(["twilio", "telnyx"]).nullable(),
});
export const practicePhoneLineInputSchema = z.strictObject({ phoneNumberId: idSchema("phoneNumber").nullable() });

/** A workspace's sales practice settings (owners and admins change them). */
export const practiceSettingsSchema = z.object({
  /** New sessions are recorded (played back in the report). */
  recordSessions: z.boolean(),
  /** Practice transcripts and recordings older than this are purged by the daily retention job (days). */
  transcriptRetentionDays: z.number().int(),
  /** The price per minute in force now (null: none set). */
  pricePerMinuteUsd: z.number().nullable(),
});
export const practiceSettingsPatchSchema = z.strictObject({
  recordSessions: z.boolean().optional(),
  transcriptRetentionDays: z.number().int().min(1).max(3650).optional(),
});

/** One row of the practice price history: a price per minute from a time on. */
export const practicePriceSchema = z.object({
  id: idSchema("practicePrice"),
  pricePerMinuteUsd: z.number(),
  effectiveFrom: instant,
  createdBy: z.string().nullable(),
  createdAt: instant,
});
export const practicePriceListSchema = z.object({ data: z.array(practicePriceSchema) });
export const practicePriceInputSchema = z.strictObject({
  pricePerMinuteUsd: z.number().min(0).max(1000),
  /** From when (default now); never in the past, so the price of a session already started is never rewritten. */
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
});

/** Goals: a target for a period, for a rep (or the whole team when userId is null). */
export const GOAL_METRICS = ["calls", "meetings_booked", "practice_sessions", "average_score", "revenue"] as const;
export const goalMetricSchema = z.enum(GOAL_METRICS);
export const goalInputSchema = z.strictObject({
  metric: goalMetricSchema,
  target: z.number().min(0).max(1e9),
  period: z.enum(["week", "month", "quarter"]),
  /** The rep the goal is for; absent: the caller's own. Managers (owner/admin) may set goals for others; null sets a team goal. */
  userId: idSchema("user").nullable().optional(),
});
export const goalSchema = z.object({
  id: idSchema("goal"),
  userId: z.string().nullable(),
  metric: goalMetricSchema,
  target: z.number(),
  period: z.enum(["week", "month", "quarter"]),
  /** Progress in the current period, from activities and sessions. */
  progress: z.number(),
  periodStart: instant,
  periodEnd: instant,
  createdAt: instant,
});
export type GoalDto = z.infer<typeof goalSchema>;
export const goalListSchema = z.object({ data: z.array(goalSchema) });

export const ACTIVITY_KINDS = ["call", "meeting_booked", "email", "practice_session", "deal_won", "note"] as const;
export const activityInputSchema = z.strictObject({
  kind: z.enum(ACTIVITY_KINDS),
  /** For deal_won: the deal's value. */
  amountUsd: z.number().min(0).max(1e9).optional(),
  note: z.string().trim().max(1000).default(""),
  occurredAt: instant.optional(),
});
export const activitySchema = z.object({
  id: idSchema("activity"),
  userId: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  amountUsd: z.number().nullable(),
  note: z.string(),
  /** manual, api, or practice (written when a session ends). */
  source: z.enum(["manual", "api", "practice"]),
  practiceSessionId: z.string().nullable(),
  occurredAt: instant,
});
export type ActivityDto = z.infer<typeof activitySchema>;
export const activityListSchema = z.object({ data: z.array(activitySchema), nextCursor: z.string().nullable() });

/** The what-if calculator: a rep's pipeline numbers and what they project. */
export const whatIfInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).default("My pipeline"),
  callsPerDay: z.number().min(0).max(10_000),
  workingDaysPerMonth: z.number().min(1).max(31).default(21),
  connectRate: z.number().min(0).max(1),
  meetingRate: z.number().min(0).max(1),
  closeRate: z.number().min(0).max(1),
  dealSizeUsd: z.number().min(0).max(1e9),
});
export type WhatIfInput = z.infer<typeof whatIfInputSchema>;
export const whatIfProjectionSchema = z.object({
  perMonth: z.object({ calls: z.number(), connects: z.number(), meetings: z.number(), deals: z.number(), revenueUsd: z.number() }),
  /** What each lever is worth: revenue per month if that input alone improved by 10 % (relative). */
  levers: z.array(z.object({ input: z.string(), revenueUsd: z.number(), gainUsd: z.number() })),
});
export type WhatIfProjection = z.infer<typeof whatIfProjectionSchema>;
export const whatIfScenarioSchema = whatIfInputSchema.extend({
  id: idSchema("whatIf"),
  projection: whatIfProjectionSchema,
  createdAt: instant,
});
export const whatIfListSchema = z.object({ data: z.array(whatIfScenarioSchema) });

/** The rep's dashboard: their sessions, score trend and goals. */
export const repDashboardSchema = z.object({
  sessions: z.number().int(),
  averageScore: z.number().nullable(),
  /** One point per completed session, oldest first. */
  trend: z.array(z.object({ at: instant, score: z.number() })),
  goals: z.array(goalSchema),
  recent: z.array(practiceSessionSchema),
});

/** The team dashboard (owners and admins): a row per member. */
export const teamDashboardSchema = z.object({
  reps: z.array(
    z.object({
      userId: z.string(),
      name: z.string().nullable(),
      email: z.string(),
      sessions: z.number().int(),
      averageScore: z.number().nullable(),
      lastPracticedAt: instant.nullable(),
      /** Average of the last 5 sessions minus the 5 before (null without 10). */
      scoreChange: z.number().nullable(),
    }),
  ),
  /** Members without a session in the last 14 days. */
  notPracticed: z.array(z.string()),
});

/** Feature flags of the workspace: the plan's features, then the operator's overrides per workspace. */
export const featureFlagsSchema = z.object({ flags: z.record(planFeatureSchema, z.boolean()) });
export const featureFlagOverrideSchema = z.strictObject({ flag: planFeatureSchema, enabled: z.boolean().nullable() });
