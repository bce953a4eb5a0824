import { randomToken, sha256 } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import { AppError, createId, notificationPreferencesOf, type NotificationPreferences, type OutboxEmailDetailDto, type OutboxEmailDto } from "@orbis/contracts";
import { accountRepository, emailStore, systemRepository, userEmailRepository, type Database, type EmailRow, type TenantScope } from "@orbis/db";
import { verifyUnsubscribe, type EmailService } from "@orbis/email";

/** A verification link works once, for a day; a reset link once, for an hour (as an admin-made one). */
const VERIFY_TTL_MS = 24 * 3600 * 1000;
const RESET_TTL_MS = 3600 * 1000;
/** Reset emails per address per hour; more asks are answered the same but send nothing. */
const RESETS_PER_HOUR = 3;
const RESEND_EVERY_SEC = 60;

export interface AccountEmailServiceDeps {
  db: Database;
  email: EmailService;
  cache: Cache;
  publicBaseUrl: () => string;
  /** Verifies one-click unsubscribe links (the worker signs them with the same secret: the JWT secret). */
  unsubscribeSecret: string;
}

interface UserActor {
  userId: string;
  workspaceId: string;
  ip: string;
}

const toOutboxDto = (r: EmailRow): OutboxEmailDto => ({
  id: r.id,
  template: r.template,
  to: r.toAddress,
  subject: r.subject,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  workspaceId: r.workspaceId,
  createdAt: r.createdAt.toISOString(),
  sentAt: r.sentAt?.toISOString() ?? null,
});

/**
 * The mail of an account: verifying the address, resetting a forgotten password (answered the same
 * whether or not the address has an account), notification preferences and one-click unsubscribe,
 * and the dev outbox (the emails kept when no SMTP server is configured).
 */
export function createAccountEmailService({ db, email, cache, publicBaseUrl, unsubscribeSecret }: AccountEmailServiceDeps) {
  const system = systemRepository(db.system);
  const firstWorkspaceOf = async (userId: string) => (await system.membershipsOf(userId))[0]?.workspaceId;

  async function sendVerification(userId: string): Promise<void> {
    const user = await system.findUserById(userId);
    if (!user || user.emailVerifiedAt) return;
    const token = randomToken(43);
    const id = createId("emailVerification");
    await db.system.transaction(async (tx) => {
      const u = userEmailRepository(tx);
      await u.cancelVerifications(userId);
      await u.insertVerification({ id, userId, email: user.email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + VERIFY_TTL_MS) });
    });
    await email.send({
      template: "verify_email",
      data: { name: user.name, url: `${publicBaseUrl()}/verify-email?token=${token}` },
      to: user.email,
      idempotencyKey: `verify:${id}`,
      workspaceId: null,
      userId,
    });
  }

  return {
    sendVerification,

    /**
     * A reset link by email. Always the same answer (no enumeration): nothing is sent for an unknown
     * or blocked address, or beyond a few asks per hour for one address.
     */
    async forgotPassword(address: string, ip: string): Promise<void> {
      const asks = await cache.incr(`forgot:${sha256(address)}`, 1, 3600);
      const user = await system.findUserByEmail(address);
      if (!user || user.status === "blocked" || asks > RESETS_PER_HOUR) return;
      const workspaceId = await firstWorkspaceOf(user.id);
      const token = randomToken(43);
      const id = createId("passwordReset");
      await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        await a.cancelPasswordResets(user.id);
        await a.insertPasswordReset({
          id,
          userId: user.id,
          tokenHash: sha256(token),
          workspaceId: workspaceId ?? null,
          expiresAt: new Date(Date.now() + RESET_TTL_MS),
        });
        if (workspaceId)
          await a.audit(workspaceId, { action: "auth.password_reset_requested", actorUserId: user.id, targetType: "user", targetId: user.id, ip });
      });
      await email.send({
        template: "password_reset",
        data: { name: user.name, url: `${publicBaseUrl()}/reset-password?token=${token}` },
        to: user.email,
        idempotencyKey: `reset:${id}`,
        workspaceId: null,
        userId: user.id,
      });
    },

    /** Marks the address verified with a link of the verification email (once, within a day, while it is still the user's address). */
    async verifyEmail(token: string, ip: string): Promise<void> {
      const done = await db.system.transaction(async (tx) => {
        const u = userEmailRepository(tx);
        const link = await u.useVerification(sha256(token));
        if (!link || !(await u.markVerified(link.userId, link.email))) return false;
        await u.cancelVerifications(link.userId);
        const workspaceId = (await systemRepository(tx).membershipsOf(link.userId))[0]?.workspaceId;
        if (workspaceId) {
          await accountRepository(tx).audit(workspaceId, {
            action: "auth.email_verified",
            actorUserId: link.userId,
            targetType: "user",
            targetId: link.userId,
            ip,
          });
        }
        return true;
      });
      if (!done) throw new AppError("unauthorized", "This verification link has expired or was already used; ask for a new one");
    },

    /** Another verification email for the signed-in user (one a minute). */
    async resendVerification(actor: UserActor): Promise<void> {
      const user = await system.findUserById(actor.userId);
      if (!user) throw new AppError("unauthorized", "Authentication required");
      if (user.emailVerifiedAt) throw new AppError("conflict", "Your email address is already verified");
      if (!(await cache.setIfAbsent(`verify-resend:${actor.userId}`, "1", RESEND_EVERY_SEC))) {
        throw new AppError("rate_limited", "A verification email was sent less than a minute ago; check your inbox");
      }
      await sendVerification(actor.userId);
      await accountRepository(db.system).audit(actor.workspaceId, {
        action: "auth.verification_resent",
        actorUserId: actor.userId,
        targetType: "user",
        targetId: actor.userId,
        ip: actor.ip,
      });
    },

    async emailVerified(userId: string): Promise<boolean> {
      return !!(await system.findUserById(userId))?.emailVerifiedAt;
    },

    async preferences(userId: string): Promise<NotificationPreferences> {
      return notificationPreferencesOf(await userEmailRepository(db.system).notificationPrefs(userId));
    },

    async updatePreferences(actor: UserActor, patch: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
      return db.system.transaction(async (tx) => {
        const stored = await userEmailRepository(tx).updateNotificationPrefs(actor.userId, patch as Record<string, boolean>);
        await accountRepository(tx).audit(actor.workspaceId, {
          action: "user.notification_preferences_changed",
          actorUserId: actor.userId,
          targetType: "user",
          targetId: actor.userId,
          ip: actor.ip,
          metadata: patch,
        });
        return notificationPreferencesOf(stored);
      });
    },

    /** One-click unsubscribe: switches the link's kind of email off for its user; false for a link that is not ours. */
    async unsubscribe(token: string, ip: string): Promise<{ kind: keyof NotificationPreferences } | undefined> {
      const claims = verifyUnsubscribe(unsubscribeSecret, token);
      if (!claims) return undefined;
      const member = (await system.membershipsOf(claims.userId)).some((m) => m.workspaceId === claims.workspaceId);
      const changed = await db.system.transaction(async (tx) => {
        const stored = await userEmailRepository(tx).updateNotificationPrefs(claims.userId, { [claims.kind]: false });
        if (stored === undefined) return false;
        if (member) {
          await accountRepository(tx).audit(claims.workspaceId, {
            action: "user.unsubscribed",
            actorUserId: claims.userId,
            targetType: "user",
            targetId: claims.userId,
            ip,
            metadata: { kind: claims.kind },
          });
        }
        return true;
      });
      return changed ? { kind: claims.kind } : undefined;
    },

    /** The dev outbox: the workspace's emails (owners and admins) and the user's own mail. */
    async outbox(tenant: TenantScope, userId: string, seesWorkspace: boolean): Promise<OutboxEmailDto[]> {
      const [mine, workspace] = await Promise.all([emailStore(db.system).listOfUser(userId), seesWorkspace ? tenant.emails.list() : []]);
      return [...workspace, ...mine].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id)).map(toOutboxDto);
    },

    async outboxEmail(tenant: TenantScope, userId: string, seesWorkspace: boolean, id: string): Promise<OutboxEmailDetailDto> {
      let row = seesWorkspace ? await tenant.emails.get(id) : undefined;
      if (!row) {
        const own = await emailStore(db.system).get(id);
        if (own && own.workspaceId === null && own.userId === userId) row = own;
      }
      if (!row) throw new AppError("not_found", "Email not found");
      return { ...toOutboxDto(row), html: row.html, text: row.text, messageId: row.messageId };
    },
  };
}
export type AccountEmailService = ReturnType<typeof createAccountEmailService>;

/** The invitation email (members service): the accept link goes to the invited address. */
export function invitationMailer(email: EmailService, db: Database) {
  return async (tenant: TenantScope, invitation: { id: string; email: string; role: string }, acceptUrl: string, inviterUserId: string | null) => {
    const [workspace, inviter] = await Promise.all([
      tenant.workspace.get(),
      inviterUserId ? systemRepository(db.system).findUserById(inviterUserId) : undefined,
    ]);
    await email.send({
      template: "invitation",
      data: { workspaceName: workspace?.name ?? "a workspace", inviterName: inviter?.name ?? null, role: invitation.role, url: acceptUrl },
      to: invitation.email,
      idempotencyKey: `invitation:${invitation.id}`,
      workspaceId: tenant.workspaceId,
      userId: null,
    });
  };
}
export type InvitationMailer = ReturnType<typeof invitationMailer>;
