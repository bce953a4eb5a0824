import type { Channel } from "@orbis/contracts";
import { createId } from "@orbis/contracts";
import { buildCallSummary, summarizeWithModel, type SummaryTurn } from "@orbis/agent-runtime";
import type { TenantScope } from "@orbis/db";
import type { ChatModel } from "@orbis/ports";
import type { PricedUsage } from "@orbis/providers";
import type { CompletedTurn } from "./turn-recorder.ts";

export type EndReason = "caller_hangup" | "agent_ended" | "transfer" | "idle_timeout" | "error" | "server_shutdown" | "protocol_error";

/** Something worth keeping about the session (pipeline chosen, interruptions, errors), in order. */
export interface SessionNote {
  at: string;
  kind: string;
  detail?: unknown;
}

/** What a store learns when the session ends. */
interface SessionEnd {
  reason: EndReason;
  /**
   * How it ended, where `reason` lumps cases together: `disconnected` (the socket closed without an
   * `end` message), the brain's own reason for ending (`agent-end`), `time_up` (the gateway's limit).
   */
  detail?: string;
  startedAt: Date;
  endedAt: Date;
  notes: SessionNote[];
  /** The agent's chat model, when it has one (it may word a summary; call before `settle`, so its tokens count). */
  summaryModel?: ChatModel;
  /**
   * Stops the providers, then waits for the turn writes and the recording: the usage totals (absent on
   * a pipeline without metering) and where the recording went (absent when none or when it failed).
   */
  settle(): Promise<{ totals?: { usage: PricedUsage; costUsd: number }; recordingPath?: string }>;
}

/**
 * Where a session's record goes: a call (the `calls` row and its turns) or something else that runs on
 * the same pipeline (a sales practice session). The session calls `start` once before the pipeline is
 * built, `turn` for each completed turn as it happens (not awaited by the audio path; `end` waits for
 * them through `settle`), and `end` once.
 */
export interface CallRecordStore {
  /** The session's id (`call_…`, `prs_…`): the `ready` message and the pipeline's call context carry it. */
  readonly id: string;
  /** A live `calls` row the reaper watches: heart-beaten while the session runs. */
  readonly heartbeats: boolean;
  start(at: Date): Promise<void>;
  turn(turn: CompletedTurn): Promise<unknown>;
  /** The reason told to the client in the `end` message, when it is not `end.reason`. */
  end(end: SessionEnd): Promise<string | undefined>;
}

export interface CallStoreOptions {
  tenant: TenantScope;
  agentId: string;
  channel: Channel;
  caller?: string;
  gatewayId: string;
  /** Extra call row fields from the transport (provider call id, callee). */
  callFields?: { providerCallId?: string; callee?: string; metadata?: Record<string, unknown> };
  /** A call row created earlier (a carrier webhook, status ringing): adopted instead of inserted. */
  callId?: string;
  /** A dashboard test call: a call, but it does not activate the workspace. */
  test?: boolean;
  log: { error(obj: object, msg?: string): void };
}

/**
 * A call's record: the `calls` row (inserted with `call.started`, or adopted), a `call_turns` row per
 * turn, and at the end its outcome, summary, usage and `call.ended` (and `user.activated` for the
 * workspace's first real call) in one transaction.
 */
export function callRecordStore(o: CallStoreOptions): CallRecordStore {
  const id = o.callId ?? createId("call");
  /** What the call's summary is built from: each completed turn's caller text and tool calls. */
  const turnLog: SummaryTurn[] = [];
  const metadata = (): Record<string, unknown> => ({ ...(o.callFields?.metadata ?? {}), ...(o.test ? { test: true } : {}) });
  const ms = (v: number | undefined) => (v === undefined ? null : Math.round(v));

  return {
    id,
    heartbeats: true,
    async start(startedAt) {
      if (o.callId) {
        await o.tenant.calls.update(o.callId, { status: "in_progress", gatewayId: o.gatewayId, heartbeatAt: startedAt, answeredAt: startedAt });
        return;
      }
      await o.tenant.transaction(async (t) => {
        const call = await t.calls.insert({
          id,
          agentId: o.agentId,
          channel: o.channel,
          caller: o.caller ?? null,
          callee: o.callFields?.callee ?? null,
          providerCallId: o.callFields?.providerCallId ?? null,
          status: "in_progress",
          gatewayId: o.gatewayId,
          heartbeatAt: startedAt,
          startedAt,
          answeredAt: startedAt,
          metadata: metadata(),
        });
        await t.events.record("call.started", {
          callId: call.id,
          agentId: call.agentId,
          channel: call.channel,
          direction: call.direction,
          caller: call.caller,
          startedAt: call.startedAt.toISOString(),
        });
      });
    },

    turn(turn) {
      turnLog.push({ userText: turn.userText, agentText: turn.agentText, toolCalls: turn.toolCalls });
      const l = turn.latency;
      return o.tenant.calls.insertTurn({
        id: createId("turn"),
        callId: id,
        seq: turn.seq,
        userText: turn.userText,
        agentText: turn.agentText,
        heardText: turn.heardText,
        interrupted: turn.interrupted,
        toolCalls: turn.toolCalls,
        endpointMs: ms(l?.endpoint_ms),
        asrMs: ms(l?.asr_ms),
        llmMs: ms(l?.llm_ms),
        ttsMs: ms(l?.tts_ms),
        e2eMs: ms(l?.e2e_ms),
        ...(turn.usage ? { servedBy: turn.usage.servedBy, usage: turn.usage.usage, costUsd: turn.usage.costUsd } : {}),
        startedAt: turn.startedAt,
        endedAt: turn.endedAt,
      });
    },

    async end(end) {
      const { reason, endedAt, startedAt } = end;
      // The outcome and summary from the call's structured record; an agent with an LLM may word the
      // summary itself (bounded wait, and before the totals so its tokens are counted).
      const timezone = await o.tenant.workspace.get().then(
        (w) => w?.timezone ?? "UTC",
        () => "UTC",
      );
      const result = buildCallSummary(turnLog, { timezone, endReason: reason });
      const model = end.summaryModel;
      const summary = (model && (await summarizeWithModel(model, turnLog, result))) || result.summary;
      const { outcome } = result;
      const { totals, recordingPath } = await end.settle();
      const status = reason === "error" ? "failed" : "completed";
      const durationSec = Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000));
      // The close, its outcome and summary, `call.ended` and (for the workspace's first real call)
      // `user.activated` are one transaction.
      await o.tenant
        .transaction(async (t) => {
          await t.calls.update(id, {
            status,
            endedAt,
            durationSec,
            endReason: reason,
            outcome,
            summary,
            ...(recordingPath ? { recordingPath } : {}),
            ...(totals ? { usage: totals.usage, costUsd: totals.costUsd } : {}),
            metadata: { ...metadata(), events: end.notes },
          });
          // Once per call, even when the reaper closed it first (a stalled process that came back); none
          // for a call whose row was never written.
          if (!(await t.calls.get(id)) || (await t.events.existsForCall("call.ended", id, new Date(startedAt.getTime() - 60_000)))) return;
          await t.events.record("call.ended", {
            callId: id,
            agentId: o.agentId,
            channel: o.channel,
            status,
            durationSec,
            endReason: reason,
            outcome,
            summary,
            endedAt: endedAt.toISOString(),
          });
          if (!o.test) await t.events.recordOnce("user.activated", { workspaceId: o.tenant.workspaceId, callId: id, channel: o.channel });
        })
        .catch((error: unknown) => o.log.error({ callId: id, err: error }, "call close failed"));
      return undefined;
    },
  };
}
