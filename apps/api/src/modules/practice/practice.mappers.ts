import {
  SESSION_END_REASONS,
  personaInputSchema,
  practiceScoreSchema,
  scenarioInputSchema,
  scenarioTypeSchema,
  whatIfInputSchema,
  type ActivityDto,
  type GoalDto,
  type PersonaDto,
  type PracticeSessionDetailDto,
  type PracticeSessionDto,
  type PracticeTurn,
  type ScenarioDto,
  type WhatIfProjection,
} from "@orbis/contracts";
import type { PracticeActivityRow, PracticeGoalRow, PracticePersonaRow, PracticeScenarioRow, PracticeSessionRow, PracticeTurnRow, WhatIfRow } from "@orbis/db";
import { z } from "zod";

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toPersonaDto = (row: PracticePersonaRow): PersonaDto => ({
  ...personaInputSchema.parse(row.definition),
  id: row.id,
  builtIn: false,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toScenarioDto = (row: PracticeScenarioRow): ScenarioDto => ({
  ...scenarioInputSchema.parse(row.definition),
  id: row.id,
  builtIn: false,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The persona and scenario snapshots kept on a session: only the fields a session's summary shows are read here. */
const personaSnapshot = z.object({ name: z.string().catch("(unknown persona)") }).catch({ name: "(unknown persona)" });
const scenarioSnapshot = z
  .object({ name: z.string().catch("(unknown scenario)"), type: scenarioTypeSchema.catch("cold_call") })
  .catch({ name: "(unknown scenario)", type: "cold_call" });
const endReasonSchema = z.enum(SESSION_END_REASONS).nullable().catch(null);

/** What a session's summary shows besides its row: rep ids to names (the team dashboard shows who), practice lines' numbers by id. */
export interface SessionContext {
  names: ReadonlyMap<string, string>;
  lines?: ReadonlyMap<string, string>;
  now?: Date;
}

/** Where a session by phone stands: its code usable, used (the rep dialled in), or never used in time. */
function phoneOf(row: PracticeSessionRow, ctx: SessionContext): PracticeSessionDto["phone"] {
  if (!row.phoneCodeExpiresAt) return undefined;
  const now = ctx.now ?? new Date();
  const state = row.phoneCodeHash === null ? "connected" : row.status === "live" && row.phoneCodeExpiresAt > now ? "waiting" : "expired";
  return { number: (row.phoneNumberId && ctx.lines?.get(row.phoneNumberId)) ?? null, state, codeExpiresAt: row.phoneCodeExpiresAt.toISOString() };
}

/** A session's summary. */
export function toSessionDto(row: PracticeSessionRow, ctx: SessionContext): PracticeSessionDto {
  const { names } = ctx;
  const phone = phoneOf(row, ctx);
  const persona = personaSnapshot.parse(row.persona);
  const scenario = scenarioSnapshot.parse(row.scenario);
  return {
    id: row.id,
    userId: row.userId,
    userName: names.get(row.userId) ?? null,
    personaId: row.personaId,
    personaName: persona.name,
    scenarioId: row.scenarioId,
    scenarioName: scenario.name,
    scenarioType: scenario.type,
    status: row.status,
    channel: row.channel,
    startedAt: row.startedAt.toISOString(),
    endedAt: iso(row.endedAt),
    durationSec: row.durationSec,
    endReason: endReasonSchema.parse(row.endReason),
    // Known once the session has ended; a live session has spent nothing it has recorded yet.
    costUsd: row.status === "live" ? null : row.costUsd,
    pricePerMinuteUsd: row.pricePerMinuteUsd,
    chargeUsd: row.status === "live" ? null : row.chargeUsd,
    overallScore: row.overallScore,
    ...(phone ? { phone } : {}),
  };
}

const toTurn = (row: PracticeTurnRow): PracticeTurn => ({
  seq: row.seq,
  speaker: row.speaker,
  text: row.text,
  atMs: row.atMs,
  speechMs: row.speechMs,
  interrupted: row.interrupted,
});

const usageSchema = z.record(z.string(), z.unknown()).catch({});

/** Where the session's recording stands: played through the api's redirect, off for the workspace, or none. */
function recordingOf(row: PracticeSessionRow): PracticeSessionDetailDto["recording"] {
  if (row.recordingPath) return { state: "available", url: `/v1/practice/sessions/${row.id}/recording` };
  return { state: row.recordAudio ? "none" : "off", url: null };
}

export function toSessionDetailDto(row: PracticeSessionRow, turns: PracticeTurnRow[], ctx: SessionContext): PracticeSessionDetailDto {
  const score = practiceScoreSchema.safeParse(row.score);
  return {
    ...toSessionDto(row, ctx),
    turns: turns.map(toTurn),
    score: score.success ? score.data : null,
    usage: usageSchema.parse(row.usage),
    recording: recordingOf(row),
    transcriptPurgedAt: iso(row.transcriptPurgedAt),
  };
}

export const toGoalDto = (row: PracticeGoalRow, progress: number, period: { start: Date; end: Date }): GoalDto => ({
  id: row.id,
  userId: row.userId,
  metric: row.metric,
  target: row.target,
  period: row.period,
  progress,
  periodStart: period.start.toISOString(),
  periodEnd: period.end.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

export const toActivityDto = (row: PracticeActivityRow): ActivityDto => ({
  id: row.id,
  userId: row.userId,
  kind: row.kind,
  amountUsd: row.amountUsd,
  note: row.note,
  source: row.source,
  practiceSessionId: row.practiceSessionId,
  occurredAt: row.occurredAt.toISOString(),
});

export const toWhatIfDto = (row: WhatIfRow, project: (input: z.infer<typeof whatIfInputSchema>) => WhatIfProjection) => {
  const inputs = whatIfInputSchema.parse(row.inputs);
  return { ...inputs, id: row.id, projection: project(inputs), createdAt: row.createdAt.toISOString() };
};

/** What the audit log keeps of a persona or scenario: what it is called, not the whole definition. */
export const auditedDefinition = (dto: { name: string }, changed?: string[]) => ({ name: dto.name, ...(changed ? { changed } : {}) });
