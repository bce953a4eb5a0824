import { AppError, notFound, type ListCallsQuery } from "@orbis/contracts";
import { tenantScope, type Database, type TenantScope } from "@orbis/db";
import type { RecordingStore } from "@orbis/recordings";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { callEventsOf, toAgentAnalyticsDto, toCallDto, toCallTurnDto, usageJson } from "./calls.mappers.ts";
import type { RecordingLinks } from "./recording-links.ts";
import { callDetailWithUsageSchema } from "./calls.schemas.ts";

export interface CallsServiceOptions {
  db: Database;
  /** Where the gateway wrote the recordings. */
  recordings: RecordingStore;
  /** Signs and checks the api's own recording links (`/v1/recordings/download?token=…`). */
  links: RecordingLinks;
  /** How long a recording URL works (`RECORDING_URL_TTL_SEC`). */
  urlTtlSec: number;
  now?: () => Date;
}

/** `metadata.amd` of an outbound call, as the gateway wrote it (anything else: null). */
const amdOf = (metadata: unknown) => callDetailWithUsageSchema.shape.amd.catch(null).parse((metadata as { amd?: unknown } | null)?.amd ?? null) ?? null;

const roundOrNull = (n: number | null) => (n === null ? null : Math.round(n));

/** Call logs, transcripts with per-turn latency and usage, recordings, and the dashboard overview. */
export function createCallsService({ db, recordings, links, urlTtlSec, now = () => new Date() }: CallsServiceOptions) {
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
        amd: amdOf(call.metadata),
        turns: turns.map(toCallTurnDto),
        events: callEventsOf(call),
        carrierEvents: carrierEvents.map((e) => ({ at: e.occurredAt.toISOString(), provider: e.provider, kind: e.kind, status: e.status, detail: e.detail })),
      };
    },

    /**
     * A short-lived URL of the call's recording: the object store's presigned GET when it has one,
     * else a signed link to this api (`origin` + `/v1/recordings/download?token=…`). 404 when the call
     * has no recording. Recordings are never streamed from a gateway's disk.
     */
    async recordingUrl(tenant: TenantScope, id: string, origin: string): Promise<{ url: string; expiresAt: string }> {
      const call = found(await tenant.calls.get(id), "Call");
      const location = found(call.recordingPath, "Recording");
      const direct = await recordings.directUrl?.(location, urlTtlSec);
      if (direct) return { url: direct, expiresAt: new Date(now().getTime() + urlTtlSec * 1000).toISOString() };
      const { token, expiresAt } = links.sign({ workspaceId: tenant.workspaceId, callId: call.id }, urlTtlSec);
      return { url: `${origin}/v1/recordings/download?token=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** The recording a signed link names: its WAV body and size. A forged link or a missing recording is a 404, an expired link a 403. */
    async signedRecording(token: string) {
      const claims = links.verify(token);
      if (claims === "expired") throw new AppError("forbidden", "This recording link has expired; open the recording again");
      if (!claims) throw notFound("Recording");
      const call = await tenantScope(db, claims.workspaceId).calls.get(claims.callId);
      const recording = call?.recordingPath ? await recordings.read(call.recordingPath) : undefined;
      return { ...found(recording, "Recording"), callId: claims.callId };
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
