import type { ListCallsQuery } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { RecordingStore } from "@orbis/recordings";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { callEventsOf, toAgentAnalyticsDto, toCallDto, toCallTurnDto, usageJson } from "./calls.mappers.ts";

export interface CallsServiceOptions {
  /** Where the gateway wrote the recordings. */
  recordings: RecordingStore;
}

const roundOrNull = (n: number | null) => (n === null ? null : Math.round(n));

/** Call logs, transcripts with per-turn latency and usage, recordings, and the dashboard overview. */
export function createCallsService({ recordings }: CallsServiceOptions) {
  return {
    /** Newest first, with filters; one row more than asked tells whether a next page exists. */
    async list(tenant: TenantScope, q: ListCallsQuery) {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.calls.search(
        { agentId: q.agentId, channel: q.channel, status: q.status, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
        q.limit + 1,
        before && { startedAt: before.date, id: before.id },
      );
      const page = pageOf(rows, q.limit, (c) => ({ at: c.startedAt, id: c.id }));
      return { data: page.rows.map(toCallDto), nextCursor: page.nextCursor };
    },

    async get(tenant: TenantScope, id: string) {
      const [row, turns, carrierEvents] = await Promise.all([tenant.calls.get(id), tenant.calls.turns(id), tenant.callEvents.list(id)]);
      const call = found(row, "Call");
      const recordingUrl = call.recordingPath ? `/v1/calls/${call.id}/recording` : null;
      return {
        ...toCallDto(call),
        recordingUrl,
        usage: usageJson.usage(call.usage),
        costUsd: call.costUsd,
        turns: turns.map(toCallTurnDto),
        events: callEventsOf(call),
        carrierEvents: carrierEvents.map((e) => ({ at: e.occurredAt.toISOString(), provider: e.provider, kind: e.kind, status: e.status, detail: e.detail })),
      };
    },

    /** The recording's WAV body and size, or a 404 when the call has none (or it is gone from the store). */
    async recording(tenant: TenantScope, id: string) {
      const call = found(await tenant.calls.get(id), "Call");
      return found(call.recordingPath ? await recordings.read(call.recordingPath) : undefined, "Recording");
    },

    async overview(tenant: TenantScope, now = new Date()) {
      const { counts, latency, top } = await tenant.calls.overview(now);
      return {
        calls: { today: counts.today, week: counts.week, month: counts.month },
        averageDurationSec: roundOrNull(counts.avgDuration),
        bookingRate: counts.month ? counts.booked / counts.month : null,
        topAgents: top,
        turnLatencyMs: { p50: roundOrNull(latency.p50), p95: roundOrNull(latency.p95), turns: latency.turns },
      };
    },

    /** Per agent, calls started in [from, to): outcomes, booking rate, latency per stage, cost. */
    async agentAnalytics(tenant: TenantScope, from: Date, to: Date) {
      const rows = await tenant.calls.agentAnalytics(from, to);
      return { from: from.toISOString(), to: to.toISOString(), data: rows.map(toAgentAnalyticsDto) };
    },
  };
}
export type CallsService = ReturnType<typeof createCallsService>;
