import { hashPassword, randomToken, sha256, verifyPassword } from "@orbis/auth";
import { AppError, createId, ROLE_RANK, type PasswordResetLinkDto } from "@orbis/contracts";
import { accountRepository, systemRepository, type Database, type TenantScope } from "@orbis/db";
import type { Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { invalid } from "../../lib/validation.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { SessionAccessService } from "./session-access.ts";

/** A reset link works once, for an hour. */
const RESET_TTL_MS = 3600 * 1000;

const linkNotValid = () => new AppError("unauthorized", "This reset link has expired or was already used; ask for a new one");

export interface PasswordsServiceDeps {
  db: Database;
  access: SessionAccessService;
  throttle: LoginThrottle;
  publicBaseUrl: () => string;
}

/**
 * Passwords after signup: change your own (the current one proves it is you), or reset a forgotten
 * one with a one-time link. Until the platform sends email, an owner or admin makes the link for a
 * member and hands it over; they may only do so for a member whose account is theirs alone to vouch
 * for — of lower rank, and in no other workspace (a link changes the password everywhere the user
 * signs in). Every change ends the user's other sessions.
 */
export function createPasswordsService({ db, access, throttle, publicBaseUrl }: PasswordsServiceDeps) {
  const system = systemRepository(db.system);

  return {
    async issueResetLink(tenant: TenantScope, actor: Actor, userId: string): Promise<PasswordResetLinkDto> {
      const member = found(await tenant.members.get(userId), "Member");
      if (member.userId === actor.actorUserId) throw new AppError("forbidden", "Change your own password on the Security page");
      if (ROLE_RANK[member.role] >= ROLE_RANK[actor.role]) {
        throw new AppError("forbidden", `Only a member of higher rank than ${member.role} can make a reset link for them`);
      }
      const elsewhere = (await system.membershipsOf(userId)).filter((m) => m.workspaceId !== tenant.workspaceId);
      if (elsewhere.length > 0) {
        throw new AppError("forbidden", "This member also belongs to another workspace, so only they can reset their password");
      }
      const token = randomToken(43);
      const expiresAt = new Date(Date.now() + RESET_TTL_MS);
      await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        await a.cancelPasswordResets(userId);
        await a.insertPasswordReset({
          id: createId("passwordReset"),
          userId,
          tokenHash: sha256(token),
          createdByUserId: actor.actorUserId,
          workspaceId: tenant.workspaceId,
          expiresAt,
        });
        await a.audit(tenant.workspaceId, {
          action: "member.password_reset_link",
          actorUserId: actor.actorUserId,
          actorKeyId: actor.actorKeyId,
          targetType: "user",
          targetId: userId,
          ip: actor.ip,
        });
      });
      return { url: `${publicBaseUrl()}/reset-password?token=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** Sets a new password from a reset link; the link is spent and every session of the user ends. */
    async completeReset(token: string, password: string, ip: string) {
      const passwordHash = await hashPassword(password);
      const revoked = await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        const link = await a.usePasswordReset(sha256(token));
        if (!link) throw linkNotValid();
        await a.setPasswordHash(link.userId, passwordHash);
        await a.cancelPasswordResets(link.userId);
        const rows = await a.revokeAllSessions(link.userId);
        if (link.workspaceId) {
          await a.audit(link.workspaceId, { action: "auth.password_reset", actorUserId: link.userId, targetType: "user", targetId: link.userId, ip });
        }
        return rows;
      });
      await access.sessionsRevoked(revoked);
    },

    /** Changes the signed-in user's password; their other sessions end, this one stays. */
    async change(actor: { userId: string; workspaceId: string; sessionId: string; ip: string }, currentPassword: string, newPassword: string) {
      const user = found(await system.findUserById(actor.userId), "User");
      const done = await throttle.begin(user.email, actor.ip);
      try {
        if (!(await verifyPassword(user.passwordHash, currentPassword))) {
          await throttle.failed(user.email, actor.ip);
          throw invalid("body.currentPassword", "is not your current password");
        }
        if (currentPassword === newPassword) throw invalid("body.newPassword", "must differ from your current password");
        const passwordHash = await hashPassword(newPassword);
        const revoked = await db.system.transaction(async (tx) => {
          const a = accountRepository(tx);
          await a.setPasswordHash(actor.userId, passwordHash);
          await a.cancelPasswordResets(actor.userId);
          const rows = await a.revokeOtherSessions(actor.userId, actor.sessionId);
          await a.audit(actor.workspaceId, {
            action: "auth.password_changed",
            actorUserId: actor.userId,
            targetType: "user",
            targetId: actor.userId,
            ip: actor.ip,
            metadata: { sessionsEnded: rows.length },
          });
          return rows;
        });
        await throttle.succeeded(user.email);
        await access.sessionsRevoked(revoked);
        return { sessionsEnded: revoked.length };
      } finally {
        await done();
      }
    },
  };
}
export type PasswordsService = ReturnType<typeof createPasswordsService>;
