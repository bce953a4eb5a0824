import { and, asc, count, eq } from "drizzle-orm";
import { memberships, users } from "../schema.ts";
import type { Run } from "./scope.ts";

export type Role = (typeof memberships.$inferSelect)["role"];
export interface MemberRow {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  status: "active" | "blocked";
  joinedAt: Date;
}

const memberColumns = {
  membershipId: memberships.id,
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  status: memberships.status,
  joinedAt: memberships.createdAt,
};

export function membersRepository(run: Run, workspaceId: string) {
  const mine = eq(memberships.workspaceId, workspaceId);
  return {
    list: (): Promise<MemberRow[]> =>
      run((tx) =>
        tx.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(mine).orderBy(asc(memberships.createdAt)),
      ),
    async get(userId: string): Promise<MemberRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select(memberColumns)
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(mine, eq(memberships.userId, userId))),
      );
      return row;
    },
    async insert(values: { id: string; userId: string; role: Role }) {
      await run((tx) => tx.insert(memberships).values({ ...values, workspaceId }));
    },
    async setRole(userId: string, role: Role) {
      await run((tx) =>
        tx
          .update(memberships)
          .set({ role })
          .where(and(mine, eq(memberships.userId, userId))),
      );
    },
    async setStatus(userId: string, status: "active" | "blocked") {
      await run((tx) =>
        tx
          .update(memberships)
          .set({ status })
          .where(and(mine, eq(memberships.userId, userId))),
      );
    },
    async remove(userId: string) {
      await run((tx) => tx.delete(memberships).where(and(mine, eq(memberships.userId, userId))));
    },
    async countOwners(): Promise<number> {
      const [row] = await run((tx) =>
        tx
          .select({ n: count() })
          .from(memberships)
          .where(and(mine, eq(memberships.role, "owner"), eq(memberships.status, "active"))),
      );
      return row?.n ?? 0;
    },
  };
}
