import { burnPasswordCheck, hashPassword, verifyPassword } from "@orbis/auth";
import { AppError, createId, type Role, type SignupBody } from "@orbis/contracts";
import { sqlStateOf, systemRepository, tenantScope, type Database, type TenantScope, type UserRow, type WorkspaceRow } from "@orbis/db";
import type { TokenService } from "@orbis/auth";
import { toUserDto, toWorkspaceDto } from "../workspaces/workspaces.mappers.ts";

function slugify(name: string) {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `${base || "workspace"}-${createId("workspace").slice(3, 9)}`;
}

export function createAuthService(db: Database, tokens: TokenService) {
  const system = systemRepository(db.system);

  async function sessionFor(user: UserRow, workspace: WorkspaceRow, role: Role) {
    const session = await tokens.issueSession(user.id, workspace.id);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      user: toUserDto(user),
      workspace: toWorkspaceDto(workspace),
      role,
    };
  }

  return {
    async signup(body: SignupBody) {
      const passwordHash = await hashPassword(body.password);
      try {
        const { user, workspace } = await db.system.transaction(async (tx) => {
          const sys = systemRepository(tx);
          const user = await sys.insertUser({ id: createId("user"), email: body.email, name: body.name, passwordHash });
          const workspace = await sys.insertWorkspace({ id: createId("workspace"), name: body.workspaceName, slug: slugify(body.workspaceName) });
          await sys.insertMembership({ id: createId("membership"), workspaceId: workspace.id, userId: user.id, role: "owner" });
          return { user, workspace };
        });
        return sessionFor(user, workspace, "owner");
      } catch (e) {
        if (sqlStateOf(e) === "23505") throw new AppError("conflict", "An account with this email already exists");
        throw e;
      }
    },

    async login(email: string, password: string, workspaceId: string | undefined, ip: string) {
      const user = await system.findUserByEmail(email);
      if (!user) {
        await burnPasswordCheck(password);
        throw new AppError("unauthorized", "Invalid email or password");
      }
      const memberships = await system.membershipsOf(user.id);
      const membership = workspaceId ? memberships.find((m) => m.workspaceId === workspaceId) : memberships.find((m) => m.status === "active");
      const ok = await verifyPassword(user.passwordHash, password);
      const auditWs = membership?.workspaceId ?? memberships[0]?.workspaceId;
      const audit = auditWs ? tenantScope(db, auditWs).audit : undefined;
      if (!ok) {
        await audit?.record({ action: "auth.login_failed", actorUserId: user.id, targetType: "user", targetId: user.id, ip });
        throw new AppError("unauthorized", "Invalid email or password");
      }
      if (user.status === "blocked" || !membership || membership.status === "blocked") {
        await audit?.record({ action: "auth.login_refused", actorUserId: user.id, targetType: "user", targetId: user.id, ip });
        throw new AppError("forbidden", "This user is blocked or has no active workspace");
      }
      const workspace = await tenantScope(db, membership.workspaceId).workspace.get();
      await audit?.record({ action: "auth.login", actorUserId: user.id, targetType: "user", targetId: user.id, ip });
      return sessionFor(user, workspace!, membership.role);
    },

    /** The signed-in user, their workspace and role (`GET /v1/auth/me`). */
    async me(tenant: TenantScope, userId: string, role: Role) {
      const [user, workspace] = await Promise.all([system.findUserById(userId), tenant.workspace.get()]);
      return { user: toUserDto(user!), workspace: toWorkspaceDto(workspace!), role, principal: "session" as const };
    },

    sessionFor,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
