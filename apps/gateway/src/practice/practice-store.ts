import { createId, type SESSION_END_REASONS } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { finishPracticeSession, PROSPECT_END_REASONS } from "@orbis/practice";
import type { CallRecordStore, EndReason } from "../call-record-store.ts";
import type { CompletedTurn } from "../turn-recorder.ts";
import type { PracticeGrant } from "./practice-grant.ts";
import type { PracticeProspect } from "./practice-prospects.ts";

type PracticeEndReason = (typeof SESSION_END_REASONS)[number];
/** A practice_turns row as the repository inserts it, before its ids. */
type TurnRow = Omit<Parameters<TenantScope["practice"]["insertTurn"]>[1], "id" | "sessionId">;

/** Typed words are timed as if said at an ordinary speaking pace (150 words a minute). */
const TYPED_MS_PER_WORD = 60_000 / 150;
/**
 * A reply cut within this much of its start was not the rep barging in on the prospect but the rep still
 * talking: their turn was ended at a pause, the prospect began, and the rep went on. The rep's words
 * were cut off then (the prospect's reply is marked interrupted either way).
 */
const CUT_OFF_MS = 1000;

/**
 * Why a practice session ended, from how its stream ended: the rep's `end` message or a socket that just
 * closed, the prospect's own reason (next step agreed, hung up, out of time; the silence watchdog giving
 * up counts as the prospect hanging up), the gateway's time limit, or a failure.
 */
export function practiceEndReason(reason: EndReason, detail?: string, byPhone = false): PracticeEndReason {
  if (detail === "time_up") return "time_up";
  switch (reason) {
    case "caller_hangup":
      // By phone, the rep hanging up is how a session ends (the carrier's stop, or its socket closing).
      if (byPhone) return "rep_hung_up";
      return detail === "disconnected" ? "disconnected" : "rep_ended";
    case "agent_ended":
      return (PROSPECT_END_REASONS as readonly string[]).includes(detail ?? "") ? (detail as PracticeEndReason) : "prospect_hung_up";
    case "error":
    case "protocol_error":
      return "error";
    default:
      // Idle timeout, server shutdown: the rep's line went away.
      return "disconnected";
  }
}

/** The practice_turns rows of one completed turn: what the rep said, then the prospect's reply. */
export function practiceTurnRows(turn: CompletedTurn, sessionStart: Date, nextSeq: () => number): TurnRow[] {
  const atMs = (at: Date) => Math.max(0, Math.round(at.getTime() - sessionStart.getTime()));
  const rows: TurnRow[] = [];
  const repText = turn.userText?.trim();
  // DTMF is not something the rep said.
  if (repText && !repText.startsWith("[dtmf")) {
    const speech = turn.callerSpeech;
    rows.push({
      seq: nextSeq(),
      speaker: "rep",
      text: repText,
      atMs: atMs(speech?.at ?? turn.startedAt),
      speechMs: speech ? speech.speechMs : typedSpeechMs(repText),
      interrupted: turn.interrupted && turn.playedMs !== undefined && turn.playedMs < CUT_OFF_MS,
    });
  }
  if (turn.agentText) {
    const played = turn.interrupted && turn.playedMs !== undefined ? Math.min(turn.agentAudioMs, turn.playedMs) : turn.agentAudioMs;
    rows.push({
      seq: nextSeq(),
      speaker: "prospect",
      // What the rep heard of a cut reply (the whole reply when too little played to tell).
      text: (turn.interrupted && turn.heardText) || turn.agentText,
      atMs: atMs(turn.agentStartedAt ?? turn.endedAt),
      speechMs: Math.round(played),
      interrupted: turn.interrupted,
    });
  }
  return rows;
}

export function typedSpeechMs(text: string): number {
  return Math.round(text.split(/\s+/).filter(Boolean).length * TYPED_MS_PER_WORD);
}

/**
 * A practice session's record: no call row, no call events and no plan allowance — `practice_turns`
 * rows as each turn completes, and at the end the session scored and finished (`finishPracticeSession`)
 * with its recording's location when it was recorded.
 */
export function practiceRecordStore(o: {
  tenant: TenantScope;
  practice: PracticeGrant;
  /** The prospect: one played by a model adds the model's usage and cost to the session's. */
  prospect?: PracticeProspect;
  /** A session by phone (the practice line): a caller hang-up is the rep hanging up (`rep_hung_up`). */
  byPhone?: boolean;
  log: { error(obj: object, msg?: string): void };
}): CallRecordStore {
  const { tenant, practice } = o;
  const { viewer, sessionId } = practice;
  let startedAt = practice.startedAt;
  let seq = 0;
  // One turn's rows after the previous turn's, in order.
  let writes: Promise<void> = Promise.resolve();

  return {
    id: sessionId,
    heartbeats: false,
    async start(at) {
      // The conversation starts when the stream does (the row was made when the rep pressed Start):
      // turn times and the duration count from here.
      startedAt = at;
      await tenant.practice.updateSession(viewer, sessionId, { startedAt: at });
    },
    turn(turn) {
      const rows = practiceTurnRows(turn, startedAt, () => seq++);
      const written = writes.then(async () => {
        for (const row of rows) await tenant.practice.insertTurn(viewer, { ...row, id: createId("practiceTurn"), sessionId });
      });
      // A failed write is the session's to log (it tracks this promise); the next turn still goes in.
      writes = written.catch(() => undefined);
      return written;
    },
    async end(end) {
      const endReason = practiceEndReason(end.reason, end.detail, o.byPhone);
      const { totals, recordingPath } = await end.settle();
      const model = o.prospect?.usage?.();
      await finishPracticeSession(tenant, viewer, sessionId, {
        endReason,
        endedAt: end.endedAt,
        // A pipeline without metering (the offline stack) and the offline prospect cost nothing.
        usage: { ...totals?.usage, ...model?.usage },
        costUsd: (totals?.costUsd ?? 0) + (model?.costUsd ?? 0),
        ...(recordingPath ? { recordingPath } : {}),
      }).catch((err: unknown) => o.log.error({ practiceSessionId: sessionId, err }, "practice session finish failed"));
      return endReason;
    },
  };
}
