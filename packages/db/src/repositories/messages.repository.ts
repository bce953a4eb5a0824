import { and, desc, eq, lt, or } from "drizzle-orm";
import { messages } from "../schema.ts";
import type { Run } from "./scope.ts";

export type MessageRow = typeof messages.$inferSelect;

export function messagesRepository(run: Run, workspaceId: string) {
  const mine = eq(messages.workspaceId, workspaceId);
  return {
    async insert(values: Omit<typeof messages.$inferInsert, "workspaceId">): Promise<MessageRow> {
      const [row] = await run((tx) =>
        tx
          .insert(messages)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    async get(id: string): Promise<MessageRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(messages)
          .where(and(mine, eq(messages.id, id))),
      );
      return row;
    },
    /** Newest first. */
    list(q: { status?: MessageRow["status"]; agentId?: string; limit: number; after?: { createdAt: Date; id: string } }): Promise<MessageRow[]> {
      const page = q.after
        ? or(lt(messages.createdAt, q.after.createdAt), and(eq(messages.createdAt, q.after.createdAt), lt(messages.id, q.after.id)))
        : undefined;
      return run((tx) =>
        tx
          .select()
          .from(messages)
          .where(and(mine, q.status ? eq(messages.status, q.status) : undefined, q.agentId ? eq(messages.agentId, q.agentId) : undefined, page))
          .orderBy(desc(messages.createdAt), desc(messages.id))
          .limit(q.limit),
      );
    },
    async setStatus(id: string, status: MessageRow["status"]): Promise<MessageRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(messages)
          .set({ status, updatedAt: new Date() })
          .where(and(mine, eq(messages.id, id)))
          .returning(),
      );
      return row;
    },
  };
}
