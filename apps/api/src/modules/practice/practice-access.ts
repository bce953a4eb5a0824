import type { FastifyRequest } from "fastify";
import { AppError } from "@orbis/contracts";
import { isManager, type PracticeViewer, type TenantScope } from "@orbis/db";
import { actorFrom, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { principalOf } from "../../plugins/principal.ts";

/**
 * Who is practising or looking. A signed-in member is a rep (their own sessions, goals, activities and
 * what-ifs; owners and admins everyone's). A secret API key acts for the workspace as an admin would,
 * but owns nothing: it may read and log for reps, never start a session or keep a what-if of its own.
 */
export interface PracticeCaller {
  viewer: PracticeViewer;
  actor: Actor;
  /** A signed-in member (not an API key). */
  member: boolean;
}

export function callerOf(request: FastifyRequest): PracticeCaller {
  const p = principalOf(request);
  const actor = actorFrom(request);
  if (p.kind === "session") return { viewer: { userId: p.userId, role: p.role }, actor, member: true };
  // The key's id is no user's: the row policies let it through by the manager role alone.
  return { viewer: { userId: p.kind === "secret_key" ? p.keyId : "", role: "admin" }, actor, member: false };
}

/** The caller's own data needs a member behind it. */
export function assertMember(caller: PracticeCaller): void {
  if (!caller.member) throw new AppError("forbidden", "This needs a signed-in member: an API key has no practice data of its own");
}

/**
 * The rep a request is about: `userId` when given (someone else's: owners and admins only, and they
 * must be a member of the workspace, else 404), otherwise the caller.
 */
export async function repOf(tenant: TenantScope, caller: PracticeCaller, userId: string | undefined): Promise<string> {
  if (!userId || userId === caller.viewer.userId) {
    assertMember(caller);
    return caller.viewer.userId;
  }
  if (!isManager(caller.viewer)) throw new AppError("forbidden", "Only owners and admins can see or act for another rep");
  found(await tenant.members.get(userId), "Member");
  return userId;
}

/** Rep ids to names, for the sessions' `userName`. */
export async function memberNames(tenant: TenantScope): Promise<Map<string, string>> {
  return new Map((await tenant.members.list()).map((m) => [m.userId, m.name]));
}
