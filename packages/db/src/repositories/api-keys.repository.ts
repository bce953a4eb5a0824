import { and, desc, eq, isNull } from "drizzle-orm";
import { apiKeys } from "../schema.ts";
import type { Run } from "./scope.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function apiKeysRepository(run: Run, workspaceId: string) {
  const mine = eq(apiKeys.workspaceId, workspaceId);
  return {
    list: () => run((tx) => tx.select().from(apiKeys).where(mine).orderBy(desc(apiKeys.createdAt))),
    async get(id: string): Promise<ApiKeyRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(apiKeys)
          .where(and(mine, eq(apiKeys.id, id))),
      );
      return row;
    },
    async insert(values: Omit<typeof apiKeys.$inferInsert, "workspaceId">): Promise<ApiKeyRow> {
      const [row] = await run((tx) =>
        tx
          .insert(apiKeys)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    async revoke(id: string): Promise<ApiKeyRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(apiKeys)
          .set({ revokedAt: new Date() })
          .where(and(mine, eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning(),
      );
      return row;
    },
  };
}
