import { burnPasswordCheck, hashPassword, verifyPassword, type LoginChallengePurpose, type TokenService } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import { AppError, createId, type Role, type SignInResultDto, type SignupBody } from "@orbis/contracts";
import { sqlStateOf, systemRepository, tenantScope, type Database, type TenantScope, type UserRow, type WorkspaceRow } from "@orbis/db";
import type { Client } from "../../lib/client.ts";
import type { AttributeSignup } from "../referrals/referrals.service.ts";
import { invalid } from "../../lib/validation.ts";
import { toUserDto, toWorkspaceDto } from "../workspaces/workspaces.mappers.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { SessionsService } from "./sessions.service.ts";
import type { TwoFactorActor, TwoFactorService } from "./two-factor.service.ts";

function slugify(name: string) {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `${base || "workspace"}-${createId("workspace").slice(3, 9)}`;
}

export interface AuthServiceDeps {
  db: Database;
  tokens: TokenService;
  cache: Cache;
  sessions: SessionsService;
  twoFactor: TwoFactorService;
  throttle: LoginThrottle;
  /** After a signup commits: sends the verification email (a failure there does not fail the signup). */
  onSignup?: (userId: string) => Promise<void>;
}

const invalidCode = () => new AppError("unauthorized", "Invalid or already used code");

export function createAuthService({ db, tokens, cache, sessions, twoFactor, throttle, onSignup }: AuthServiceDeps) {
  const system = systemRepository(db.system);

  async function sessionFor(user: UserRow, workspace: WorkspaceRow, role: Role, client: Client) {
    const session = await sessions.issue(user.id, workspace.id, client);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      user: toUserDto(user),
      workspace: toWorkspaceDto(workspace),
      role,
    };
  }

  async function challenge(user: UserRow, workspace: WorkspaceRow, purpose: LoginChallengePurpose) {
    const issued = await tokens.issueLoginChallenge(user.id, workspace.id, purpose);
    return { twoFactor: purpose, challengeToken: issued.token, expiresAt: issued.expiresAt.toISOString() };
  }

  /**
   * A verified identity becomes a session, or first a second step: a code when the user has an
   * authenticator, enrolling one when the workspace requires it and the user has none.
   */
  async function signIn(user: UserRow, workspace: WorkspaceRow, role: Role, client: Client): Promise<SignInResultDto> {
    if (await twoFactor.isEnabled(user.id)) return challenge(user, workspace, "code");
    if (workspace.requireTwoFactor) return challenge(user, workspace, "enroll");
    return sessionFor(user, workspace, role, client);
  }

  /** The challenge of a second step, with the user and the membership as they are now. */
  async function openChallenge(challengeToken: string, purpose: LoginChallengePurpose) {
    const claims = await tokens.verifyLoginChallenge(challengeToken);
    if (!claims || claims.purpose !== purpose) throw new AppError("unauthorized", "This sign-in step has expired; sign in again");
    await assertOpen(claims.jti);
    const [user, membership] = await Promise.all([system.findUserById(claims.userId), system.resolveSession(claims.userId, claims.workspaceId)]);
    if (!user || !membership) throw new AppError("unauthorized", "This sign-in step has expired; sign in again");
    if (membership.userStatus === "blocked" || membership.membershipStatus === "blocked") throw new AppError("forbidden", "This user is blocked");
    const workspace = (await tenantScope(db, claims.workspaceId).workspace.get())!;
    return { claims, user, workspace, role: membership.role };
  }

  /** A challenge completes once: a second completion (a replayed request) is refused, before it spends a code. */
  const completed = () => new AppError("unauthorized", "This sign-in step was already completed; sign in again");
  const challengeKey = (jti: string) => `login:challenge:${jti}`;
  async function assertOpen(jti: string) {
    if (await cache.get(challengeKey(jti))) throw completed();
  }
  async function closeChallenge(jti: string, expiresAt: Date) {
    const ttl = Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000));
    if (!(await cache.setIfAbsent(challengeKey(jti), "done", ttl))) throw completed();
  }

  return {
    /**
     * A new user and their workspace. With `referral`, the referral cookie the browser sent is attributed
     * in the same transaction (guarded there: attribution never fails a signup).
     */
    async signup(body: SignupBody, client: Client, referral?: { cookie: string | undefined; attribute: AttributeSignup }) {
      const passwordHash = await hashPassword(body.password);
      try {
        const { user, workspace } = await db.system.transaction(async (tx) => {
          const sys = systemRepository(tx);
          const user = await sys.insertUser({ id: createId("user"), email: body.email, name: body.name, passwordHash });
          const workspace = await sys.insertWorkspace({ id: createId("workspace"), name: body.workspaceName, slug: slugify(body.workspaceName) });
          await sys.insertMembership({ id: createId("membership"), workspaceId: workspace.id, userId: user.id, role: "owner" });
          await sys.recordEvent(workspace.id, "user.created", { userId: user.id, email: user.email, name: user.name });
          await sys.recordEvent(workspace.id, "workspace.created", { workspaceId: workspace.id, name: workspace.name, ownerUserId: user.id });
          if (referral?.cookie) await referral.attribute(tx, { cookie: referral.cookie, ip: client.ip, email: user.email, workspaceId: workspace.id });
          return { user, workspace };
        });
        // The user can ask for another one ("resend") if this one could not be written.
        await onSignup?.(user.id).catch(() => undefined);
        return sessionFor(user, workspace, "owner", client);
      } catch (e) {
        if (sqlStateOf(e) === "23505") throw new AppError("conflict", "An account with this email already exists");
        throw e;
      }
    },

    async login(email: string, password: string, workspaceId: string | undefined, client: Client): Promise<SignInResultDto> {
      const done = await throttle.begin(email, client.ip);
      try {
        const user = await system.findUserByEmail(email);
        if (!user) {
          await burnPasswordCheck(password);
          await throttle.failed(email, client.ip);
          throw new AppError("unauthorized", "Invalid email or password");
        }
        const memberships = await system.membershipsOf(user.id);
        const membership = workspaceId ? memberships.find((m) => m.workspaceId === workspaceId) : memberships.find((m) => m.status === "active");
        const ok = await verifyPassword(user.passwordHash, password);
        const auditWs = membership?.workspaceId ?? memberships[0]?.workspaceId;
        const audit = auditWs ? tenantScope(db, auditWs).audit : undefined;
        if (!ok) {
          await throttle.failed(email, client.ip);
          await audit?.record({ action: "auth.login_failed", actorUserId: user.id, targetType: "user", targetId: user.id, ip: client.ip });
          throw new AppError("unauthorized", "Invalid email or password");
        }
        if (user.status === "blocked" || !membership || membership.status === "blocked") {
          await audit?.record({ action: "auth.login_refused", actorUserId: user.id, targetType: "user", targetId: user.id, ip: client.ip });
          throw new AppError("forbidden", "This user is blocked or has no active workspace");
        }
        const workspace = await tenantScope(db, membership.workspaceId).workspace.get();
        const result = await signIn(user, workspace!, membership.role, client);
        // A pending second step keeps the count: a wrong code after a right password still counts.
        if ("token" in result) {
          await throttle.succeeded(email);
          await audit?.record({ action: "auth.login", actorUserId: user.id, targetType: "user", targetId: user.id, ip: client.ip });
        }
        return result;
      } finally {
        await done();
      }
    },

    /** Second step: a code of the user's authenticator, or one of their recovery codes. */
    async completeWithCode(challengeToken: string, code: string, client: Client) {
      const { claims, user, workspace, role } = await openChallenge(challengeToken, "code");
      const done = await throttle.begin(user.email, client.ip);
      try {
        const audit = tenantScope(db, workspace.id).audit;
        const used = await twoFactor.verify(user.id, code);
        if (!used) {
          await throttle.failed(user.email, client.ip);
          await audit.record({
            action: "auth.login_failed",
            actorUserId: user.id,
            targetType: "user",
            targetId: user.id,
            ip: client.ip,
            metadata: { step: "two_factor" },
          });
          throw invalidCode();
        }
        await closeChallenge(claims.jti, claims.expiresAt);
        await throttle.succeeded(user.email);
        await audit.record({ action: "auth.login", actorUserId: user.id, targetType: "user", targetId: user.id, ip: client.ip, metadata: { twoFactor: used } });
        return sessionFor(user, workspace, role, client);
      } finally {
        await done();
      }
    },

    /** Enrolling at sign-in (the workspace requires two-factor): the new authenticator's secret. */
    async startEnrolment(challengeToken: string) {
      const { user } = await openChallenge(challengeToken, "enroll");
      return twoFactor.setup(user.id);
    },

    /** Enrolling at sign-in: the first code turns two-factor on and completes the sign-in. */
    async completeEnrolment(challengeToken: string, code: string, client: Client) {
      const { claims, user, workspace, role } = await openChallenge(challengeToken, "enroll");
      const { recoveryCodes } = await twoFactor.enable({ userId: user.id, workspaceId: workspace.id, ip: client.ip }, code);
      await closeChallenge(claims.jti, claims.expiresAt);
      await throttle.succeeded(user.email);
      await tenantScope(db, workspace.id).audit.record({
        action: "auth.login",
        actorUserId: user.id,
        targetType: "user",
        targetId: user.id,
        ip: client.ip,
        metadata: { twoFactor: "enrolled" },
      });
      return { ...(await sessionFor(user, workspace, role, client)), recoveryCodes };
    },

    /** Turns two-factor sign-in off; a wrong code counts as a failed sign-in (it is guessing the same secret). */
    async disableTwoFactor(actor: TwoFactorActor, code: string) {
      const user = await system.findUserById(actor.userId);
      if (!user) throw new AppError("unauthorized", "Authentication required");
      const done = await throttle.begin(user.email, actor.ip);
      try {
        if (await twoFactor.disable(actor, code)) return;
        await throttle.failed(user.email, actor.ip);
        throw invalid("body.code", "is not a current code of your authenticator app or an unused recovery code");
      } finally {
        await done();
      }
    },

    /** The signed-in user, their workspace and role (`GET /v1/auth/me`). */
    async me(tenant: TenantScope, userId: string, role: Role) {
      const [user, workspace, twoFactorEnabled] = await Promise.all([system.findUserById(userId), tenant.workspace.get(), twoFactor.isEnabled(userId)]);
      return {
        user: toUserDto(user!),
        workspace: toWorkspaceDto(workspace!),
        role,
        principal: "session" as const,
        twoFactorEnabled,
        emailVerified: !!user!.emailVerifiedAt,
      };
    },

    signIn,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
