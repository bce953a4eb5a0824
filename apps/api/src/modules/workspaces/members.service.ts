import { hashPassword, randomToken, sha256, verifyPassword } from "@orbis/auth";
import { AppError, createId, type Role } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database, type TenantRepositories, type TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import type { Client } from "../../lib/client.ts";
import { found } from "../../lib/found.ts";
import type { AuthService } from "../auth/auth.service.ts";
import type { SessionAccessService } from "../auth/session-access.ts";
import type { InvitationMailer } from "../email/account-email.service.ts";
import { toInvitationDto, toMemberDto } from "./workspaces.mappers.ts";

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function createMembersService(
  db: Database,
  auth: AuthService,
  publicBaseUrl: () => string,
  access: SessionAccessService,
  sendInvitation?: InvitationMailer,
) {
  const system = systemRepository(db.system);

  const memberOrThrow = async (tenant: TenantRepositories, userId: string) => found(await tenant.members.get(userId), "Member");

  /** Only an owner may touch an owner or hand out ownership. */
  function assertMayManage(actor: Actor, targetRole: Role, newRole?: Role) {
    if ((targetRole === "owner" || newRole === "owner") && actor.role !== "owner") {
      throw new AppError("forbidden", "Only an owner can change an owner or grant ownership");
    }
  }

  return {
    list: async (tenant: TenantScope) => (await tenant.members.list()).map(toMemberDto),

    async invite(tenant: TenantScope, actor: Actor, email: string, role: Role) {
      const token = randomToken(43);
      const row = await tenant.transaction(async (t) => {
        const row = await t.invitations.insert({
          id: createId("invitation"),
          email,
          role,
          tokenHash: sha256(token),
          invitedBy: actor.actorUserId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        });
        await t.audit.record({ ...auditedBy(actor), action: "member.invited", targetType: "invitation", targetId: row.id, metadata: { email, role } });
        await t.events.record("member.invited", { invitationId: row.id, email, role, invitedByUserId: actor.actorUserId ?? null });
        return row;
      });
      const acceptUrl = `${publicBaseUrl()}/invite?token=${token}`;
      await sendInvitation?.(tenant, row, acceptUrl, actor.actorUserId ?? null);
      return { ...toInvitationDto(row), token, acceptUrl };
    },

    listInvitations: async (tenant: TenantScope) => (await tenant.invitations.list()).map(toInvitationDto),

    async accept(token: string, name: string | undefined, password: string | undefined, client: Client) {
      const invitation = await system.findInvitationByTokenHash(sha256(token));
      if (!invitation || invitation.acceptedAt || invitation.expiresAt < new Date()) {
        throw new AppError("not_found", "Invitation not found or expired");
      }
      let user = await system.findUserByEmail(invitation.email);
      if (user) {
        if (!password || !(await verifyPassword(user.passwordHash, password))) {
          throw new AppError("unauthorized", "Enter the password of the existing account to accept");
        }
      } else {
        if (!name || !password) throw new AppError("validation_failed", "name and password are required to create the account");
        user = await system.insertUser({ id: createId("user"), email: invitation.email, name, passwordHash: await hashPassword(password) });
      }
      const tenant = tenantScope(db, invitation.workspaceId);
      const userId = user.id;
      await tenant.transaction(async (t) => {
        if (!(await t.members.get(userId))) {
          await t.members.insert({ id: createId("membership"), userId, role: invitation.role });
          await t.events.record("member.joined", { userId, role: invitation.role });
        }
        await t.invitations.markAccepted(invitation.id);
        await t.audit.record({ action: "member.joined", actorUserId: userId, targetType: "user", targetId: userId });
      });
      await access.memberChanged(invitation.workspaceId, userId);
      const workspace = await tenant.workspace.get();
      const member = await tenant.members.get(userId);
      // Signing in through an invitation asks for the same second step as a login.
      return auth.signIn(user, workspace!, member!.role, client);
    },

    async changeRole(tenant: TenantScope, actor: Actor, userId: string, role: Role) {
      const changed = await tenant.transaction(async (t) => {
        const member = await memberOrThrow(t, userId);
        assertMayManage(actor, member.role, role);
        if (member.role === "owner" && role !== "owner" && (await t.members.countOwners()) <= 1) {
          throw new AppError("conflict", "The last owner cannot be demoted");
        }
        await t.members.setRole(userId, role);
        await t.audit.record({
          ...auditedBy(actor),
          action: "member.role_changed",
          targetType: "user",
          targetId: userId,
          metadata: { from: member.role, to: role },
        });
        return toMemberDto({ ...member, role });
      });
      await access.memberChanged(tenant.workspaceId, userId);
      return changed;
    },

    async setStatus(tenant: TenantScope, actor: Actor, userId: string, status: "active" | "blocked") {
      const changed = await tenant.transaction(async (t) => {
        const member = await memberOrThrow(t, userId);
        assertMayManage(actor, member.role);
        if (userId === actor.actorUserId) throw new AppError("conflict", "You cannot block yourself");
        await t.members.setStatus(userId, status);
        await t.audit.record({
          ...auditedBy(actor),
          action: status === "blocked" ? "member.blocked" : "member.unblocked",
          targetType: "user",
          targetId: userId,
        });
        return toMemberDto({ ...member, status });
      });
      await access.memberChanged(tenant.workspaceId, userId);
      return changed;
    },

    async remove(tenant: TenantScope, actor: Actor, userId: string) {
      await tenant.transaction(async (t) => {
        const member = await memberOrThrow(t, userId);
        if (member.role === "owner") throw new AppError("conflict", "An owner cannot be removed; demote them first");
        await t.members.remove(userId);
        await t.audit.record({
          ...auditedBy(actor),
          action: "member.removed",
          targetType: "user",
          targetId: userId,
          metadata: { email: member.email, role: member.role },
        });
      });
      await access.memberChanged(tenant.workspaceId, userId);
    },
  };
}
export type MembersService = ReturnType<typeof createMembersService>;
