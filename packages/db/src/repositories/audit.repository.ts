import { desc, eq } from "drizzle-orm";
import { auditLogs } from "../schema.ts";
import type { Run } from "./scope.ts";

export type AuditEntry = Omit<typeof auditLogs.$inferInsert, "workspaceId" | "id" | "createdAt">;
export type AuditRow = typeof auditLogs.$inferSelect;

export function auditRepository(run: Run, workspaceId: string, newId: () => string) {
  return {
    async record(entry: AuditEntry) {
      await run((tx) => tx.insert(auditLogs).values({ ...entry, id: newId(), workspaceId }));
    },
    list: (limit = 100): Promise<AuditRow[]> =>
      run((tx) => tx.select().from(auditLogs).where(eq(auditLogs.workspaceId, workspaceId)).orderBy(desc(auditLogs.createdAt)).limit(limit)),
  };
}
