import { privacySystemRepository, tenantScope, type Database, type TenantScope } from "@orbis/db";
import type { EventConsumer } from "../consumer.ts";

/** The daily retention pass: queue and schedule (UTC). */
const RETENTION_QUEUE = "privacy.retention";
const RETENTION_CRON = "30 3 * * *";
const DAY_MS = 24 * 3600 * 1000;

export interface PrivacyConsumerDeps {
  db: Database;
  /** Where recording files are deleted (a `RecordingStore`); removing a file that is already gone must succeed. */
  recordings: { remove(location: string): Promise<void> };
  now?: () => Date;
  log?: { error(obj: object, msg?: string): void };
}

interface RetentionPassResult {
  workspaces: number;
  calls: number;
  turns: number;
  recordings: number;
  /** Sales practice sessions whose transcript went, their turns. */
  practiceSessions: number;
  practiceTurns: number;
  failed: string[];
}

/**
 * Purges every workspace's call transcripts (turns, summaries) and recordings older than its
 * `retention_days`; the call rows stay (numbers, durations, costs). Files go first, then the rows in
 * one tenant transaction with an audit row, so a pass that fails half-way leaves nothing behind that
 * the next pass cannot find. Then the same for sales practice, on its own period
 * (`practice_settings.transcript_retention_days`, 365 by default): the transcripts of sessions started
 * before it (turns, the quotes in the score) and their recordings; the session rows, scores and costs
 * stay. Idempotent: a second pass finds nothing to do.
 */
async function runRetention(deps: PrivacyConsumerDeps): Promise<RetentionPassResult> {
  const now = (deps.now ?? (() => new Date()))();
  const total: RetentionPassResult = { workspaces: 0, calls: 0, turns: 0, recordings: 0, practiceSessions: 0, practiceTurns: 0, failed: [] };
  const removeAll = async (paths: readonly string[]) => {
    const results = await Promise.allSettled(paths.map((p) => deps.recordings.remove(p)));
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) throw new Error(`could not delete ${failed} recording file(s)`);
  };
  for (const ws of await privacySystemRepository(deps.db.system).workspacesForRetention()) {
    const cutoff = new Date(now.getTime() - ws.retentionDays * DAY_MS);
    try {
      const tenant = tenantScope(deps.db, ws.id);
      const paths = await tenant.privacy.expiredRecordingPaths(cutoff);
      await removeAll(paths);
      const result = await tenant.transaction(async (t) => {
        const r = await t.privacy.purgeBefore(cutoff);
        if (r.calls > 0) {
          await t.audit.record({
            action: "privacy.retention_purged",
            targetType: "workspace",
            targetId: ws.id,
            metadata: { before: cutoff.toISOString(), retentionDays: ws.retentionDays, calls: r.calls, turns: r.turns, recordings: r.recordingPaths.length },
          });
        }
        return r;
      });
      const late = result.recordingPaths.filter((p) => !paths.includes(p));
      if (late.length > 0) await removeAll(late);
      const practice = await purgePractice(tenant, now, removeAll);
      total.workspaces += result.calls > 0 || practice.sessions > 0 ? 1 : 0;
      total.calls += result.calls;
      total.turns += result.turns;
      total.recordings += result.recordingPaths.length + practice.recordingPaths.length;
      total.practiceSessions += practice.sessions;
      total.practiceTurns += practice.turns;
    } catch (error) {
      total.failed.push(ws.id);
      deps.log?.error({ err: error, workspaceId: ws.id }, "retention purge failed for a workspace; retried at the next pass");
    }
  }
  return total;
}

/** Sales practice: transcripts and recordings of sessions started more than the workspace's practice period ago. */
async function purgePractice(tenant: TenantScope, now: Date, removeAll: (paths: readonly string[]) => Promise<void>) {
  const { transcriptRetentionDays: days } = await tenant.practice.settings();
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const paths = await tenant.practice.expiredRecordingPaths(cutoff);
  await removeAll(paths);
  const result = await tenant.transaction(async (t) => {
    const r = await t.practice.purgeTranscriptsBefore(cutoff, now);
    if (r.sessions > 0) {
      await t.audit.record({
        action: "practice.retention_purged",
        targetType: "workspace",
        targetId: tenant.workspaceId,
        metadata: { before: cutoff.toISOString(), transcriptRetentionDays: days, sessions: r.sessions, turns: r.turns, recordings: r.recordingPaths.length },
      });
    }
    return r;
  });
  const late = result.recordingPaths.filter((p) => !paths.includes(p));
  if (late.length > 0) await removeAll(late);
  return result;
}

/** The data-lifecycle consumer of the worker: the daily retention purge. */
export function privacyConsumer(deps: PrivacyConsumerDeps): EventConsumer {
  return {
    name: "privacy",
    queues: [],
    schedules: [
      {
        queue: RETENTION_QUEUE,
        cron: RETENTION_CRON,
        // One pass walks every workspace: give it longer than the default minute before it is taken for dead.
        definition: { retryLimit: 2, expireInSeconds: 3600 },
        handler: async () => {
          const result = await runRetention(deps);
          // The job fails (and is retried) when a workspace could not be purged; the others are done.
          if (result.failed.length > 0) throw new Error(`retention purge failed for ${result.failed.length} workspace(s): ${result.failed.join(", ")}`);
        },
      },
    ],
  };
}
