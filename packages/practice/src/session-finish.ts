import {
  createId,
  personaInputSchema,
  personaSchema,
  scenarioInputSchema,
  scenarioSchema,
  type PersonaDto,
  type PracticeTurn,
  type ScenarioDto,
} from "@orbis/contracts";
import type { PracticeSessionRow, PracticeTurnRow, PracticeViewer, TenantScope } from "@orbis/db";
import { scorePractice } from "./scoring.ts";

export interface SessionEnd {
  endReason: string;
  endedAt: Date;
  /** Provider usage of the session (`{ [providerId]: usage }`) and its cost. */
  usage?: Record<string, unknown>;
  costUsd?: number;
  /** Where the session's recording went (`RecordingStore` location), when it was recorded. */
  recordingPath?: string;
}

/** Minutes (to the second) × the price per minute the session started with; null without a price. Rounded to a millionth of a dollar. */
function practiceCharge(durationSec: number, pricePerMinuteUsd: number | null): number | null {
  if (pricePerMinuteUsd === null) return null;
  return Math.round((durationSec / 60) * pricePerMinuteUsd * 1e6) / 1e6;
}

/**
 * Ends a live session: scores it from its turns, stores the result and logs the rep's activity.
 * Idempotent: a session no longer live is returned as it is (only a recording that arrives after the
 * dashboard ended it is added). Undefined when the viewer cannot see it.
 *
 * A session in which the rep never said anything is `abandoned`: nothing to score, and no activity (it
 * does not count as practice towards goals). Otherwise it is `completed` with its score. Its charge is
 * its minutes at the price per minute stored when it started.
 */
export async function finishPracticeSession(
  tenant: TenantScope,
  viewer: PracticeViewer,
  sessionId: string,
  end: SessionEnd,
): Promise<PracticeSessionRow | undefined> {
  const session = await tenant.practice.getSession(viewer, sessionId);
  if (!session || session.status !== "live") {
    // Ended from the dashboard before the gateway had closed the recording: the recording still joins it.
    if (session && end.recordingPath && session.recordAudio && !session.recordingPath && !session.transcriptPurgedAt)
      return tenant.practice.updateSession(viewer, sessionId, { recordingPath: end.recordingPath });
    return session;
  }
  const snapshots = practiceSnapshots(session);
  const turns = (await tenant.practice.turns(viewer, sessionId)).map(toPracticeTurn);
  const durationSec = Math.max(0, Math.round((end.endedAt.getTime() - session.startedAt.getTime()) / 1000));
  const repSpoke = turns.some((t) => t.speaker === "rep" && t.text.trim() !== "");
  const score = repSpoke && snapshots ? scorePractice({ turns, ...snapshots, durationSec, endReason: end.endReason }) : null;
  const finished = await tenant.practice.updateSession(viewer, sessionId, {
    status: repSpoke ? "completed" : "abandoned",
    endedAt: end.endedAt,
    durationSec,
    endReason: end.endReason,
    ...(end.usage ? { usage: end.usage } : {}),
    ...(end.costUsd !== undefined ? { costUsd: end.costUsd } : {}),
    ...(end.recordingPath ? { recordingPath: end.recordingPath } : {}),
    // The price the session started with: a price set later never changes what it was charged.
    chargeUsd: practiceCharge(durationSec, session.pricePerMinuteUsd),
    score,
    overallScore: score ? Math.round(score.overall) : null,
  });
  if (finished?.status === "completed") {
    // One per session: a second finish (the dashboard's End racing the gateway) is ignored by the unique index.
    await tenant.practice.insertActivity(viewer, {
      id: createId("activity"),
      userId: session.userId,
      kind: "practice_session",
      source: "practice",
      practiceSessionId: sessionId,
      note: snapshots ? `${snapshots.scenario.name} with ${snapshots.persona.name}` : "",
      occurredAt: end.endedAt,
    });
  }
  return finished;
}

const toPracticeTurn = (row: PracticeTurnRow): PracticeTurn => ({
  seq: row.seq,
  speaker: row.speaker,
  text: row.text,
  atMs: row.atMs,
  speechMs: row.speechMs,
  interrupted: row.interrupted,
});

/**
 * The persona and scenario a session was started with, from its snapshots: the DTOs as the API stored
 * them, or bare definitions (the row's ids then). Undefined when either cannot be read.
 */
export function practiceSnapshots(
  session: Pick<PracticeSessionRow, "persona" | "scenario" | "personaId" | "scenarioId">,
): { persona: PersonaDto; scenario: ScenarioDto } | undefined {
  const persona = snapshotOf(session.persona, session.personaId, personaSchema, personaInputSchema);
  const scenario = snapshotOf(session.scenario, session.scenarioId, scenarioSchema, scenarioInputSchema);
  return persona && scenario ? { persona, scenario } : undefined;
}

interface Parser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

function snapshotOf<Dto, Input>(snapshot: unknown, id: string, dto: Parser<Dto>, input: Parser<Input>): Dto | undefined {
  const whole = dto.safeParse(snapshot);
  if (whole.success) return whole.data;
  if (!snapshot || typeof snapshot !== "object") return undefined;
  // The input schemas are strict: read the definition without whatever DTO fields it carries.
  const { id: _id, builtIn: _builtIn, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = snapshot as Record<string, unknown>;
  const bare = input.safeParse(definition);
  if (!bare.success) return undefined;
  const restamped = dto.safeParse({ ...bare.data, id, builtIn: id.startsWith("builtin_"), createdAt: null, updatedAt: null });
  return restamped.success ? restamped.data : undefined;
}
