import { and, desc, eq } from "drizzle-orm";
import { invitations } from "../schema.ts";
import type { Run } from "./scope.ts";

export type InvitationRow = typeof invitations.$inferSelect;

export function invitationsRepository(run: Run, workspaceId: string) {
  const mine = eq(invitations.workspaceId, workspaceId);
  return {
    list: () => run((tx) => tx.select().from(invitations).where(mine).orderBy(desc(invitations.createdAt))),
    async insert(values: Omit<typeof invitations.$inferInsert, "workspaceId">): Promise<InvitationRow> {
      const [row] = await run((tx) =>
        tx
          .insert(invitations)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    async markAccepted(id: string) {
      await run((tx) =>
        tx
          .update(invitations)
          .set({ acceptedAt: new Date() })
          .where(and(mine, eq(invitations.id, id))),
      );
    },
  };
}
