import { eq } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { calendarFeeds } from "../schema.ts";
import type { Run } from "./scope.ts";

export type CalendarFeedRow = typeof calendarFeeds.$inferSelect;

export function calendarFeedsRepository(run: Run, workspaceId: string) {
  return {
    async get(): Promise<CalendarFeedRow | undefined> {
      const [row] = await run((tx) => tx.select().from(calendarFeeds).where(eq(calendarFeeds.workspaceId, workspaceId)));
      return row;
    },
    /** Returns the existing feed, or stores `token` as the new one (first caller wins under concurrency). */
    async getOrCreate(token: string): Promise<CalendarFeedRow> {
      return run(async (tx) => {
        await tx.insert(calendarFeeds).values({ workspaceId, token }).onConflictDoNothing({ target: calendarFeeds.workspaceId });
        const [row] = await tx.select().from(calendarFeeds).where(eq(calendarFeeds.workspaceId, workspaceId));
        return row!;
      });
    },
    async replace(token: string): Promise<CalendarFeedRow> {
      const [row] = await run((tx) =>
        tx
          .insert(calendarFeeds)
          .values({ workspaceId, token })
          .onConflictDoUpdate({ target: calendarFeeds.workspaceId, set: { token, createdAt: new Date() } })
          .returning(),
      );
      return row!;
    },
  };
}

/** The public feed URL carries only the token: the one cross-tenant lookup, answering the workspace. */
export async function findCalendarFeedByToken(db: Executor, token: string): Promise<CalendarFeedRow | undefined> {
  const [row] = await db.select().from(calendarFeeds).where(eq(calendarFeeds.token, token));
  return row;
}
