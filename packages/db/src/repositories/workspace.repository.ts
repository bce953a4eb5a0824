import { eq } from "drizzle-orm";
import { workspaces } from "../schema.ts";
import type { Run } from "./scope.ts";

export type WorkspaceRow = typeof workspaces.$inferSelect;

export function workspaceRepository(run: Run, workspaceId: string) {
  const mine = eq(workspaces.id, workspaceId);
  return {
    async get(): Promise<WorkspaceRow | undefined> {
      const [row] = await run((tx) => tx.select().from(workspaces).where(mine));
      return row;
    },
    async update(values: Partial<Pick<WorkspaceRow, "name" | "timezone" | "smsEnabled">>): Promise<WorkspaceRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(workspaces)
          .set({ ...values, updatedAt: new Date() })
          .where(mine)
          .returning(),
      );
      return row;
    },
    async setRequireTwoFactor(requireTwoFactor: boolean): Promise<WorkspaceRow | undefined> {
      const [row] = await run((tx) => tx.update(workspaces).set({ requireTwoFactor, updatedAt: new Date() }).where(mine).returning());
      return row;
    },
  };
}
