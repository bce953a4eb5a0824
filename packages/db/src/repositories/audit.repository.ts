import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { auditLogs } from "../schema.ts";
import type { Run } from "./scope.ts";

export type AuditEntry = Omit<typeof auditLogs.$inferInsert, "workspaceId" | "id" | "createdAt">;
export type AuditRow = typeof auditLogs.$inferSelect;
/** Exact matches on the actor (a user or an API key), the action and the target type; `[from, to)` on the time. */
export interface AuditFilter {
  actorUserId?: string;
  actorKeyId?: string;
  action?: string;
  targetType?: string;
  from?: Date;
  to?: Date;
}

export function auditRepository(run: Run, workspaceId: string, newId: () => string) {
  const mine = eq(auditLogs.workspaceId, workspaceId);
  return {
    async record(entry: AuditEntry) {
      await run((tx) => tx.insert(auditLogs).values({ ...entry, id: newId(), workspaceId }));
    },
    list: (limit = 100): Promise<AuditRow[]> => run((tx) => tx.select().from(auditLogs).where(mine).orderBy(desc(auditLogs.createdAt)).limit(limit)),
    /**
     * Newest first; `before` is the previous page's last row (`cursorAt`, ISO 8601 UTC to the microsecond,
     * the column's precision: a millisecond cursor would skip rows written within one millisecond).
     */
    search: (filter: AuditFilter, limit: number, before?: { at: string; id: string }): Promise<(AuditRow & { cursorAt: string })[]> =>
      run((tx) =>
        tx
          .select({ row: auditLogs, cursorAt: sql<string>`to_char(${auditLogs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
          .from(auditLogs)
          .where(
            and(
              mine,
              filter.actorUserId ? eq(auditLogs.actorUserId, filter.actorUserId) : undefined,
              filter.actorKeyId ? eq(auditLogs.actorKeyId, filter.actorKeyId) : undefined,
              filter.action ? eq(auditLogs.action, filter.action) : undefined,
              filter.targetType ? eq(auditLogs.targetType, filter.targetType) : undefined,
              filter.from ? gte(auditLogs.createdAt, filter.from) : undefined,
              filter.to ? lt(auditLogs.createdAt, filter.to) : undefined,
              before ? sql`(${auditLogs.createdAt}, ${auditLogs.id}) < (${before.at}::timestamptz, ${before.id})` : undefined,
            ),
          )
          .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
          .limit(limit),
      ).then((rows) => rows.map((r) => ({ ...r.row, cursorAt: r.cursorAt }))),
  };
}
