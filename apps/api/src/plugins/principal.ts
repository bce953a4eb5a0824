import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { apiKeyKindOf, sha256, SESSION_COOKIE } from "@orbis/auth";
import { AppError, roleAtLeast, type Role } from "@orbis/contracts";
import { referralAdminRepository, systemRepository, tenantScope, type TenantScope } from "@orbis/db";
import type { ApiDeps } from "../deps.ts";
import type { SessionAccessService } from "../modules/auth/session-access.ts";

/** Who is calling, resolved once per request from a session (cookie or Bearer JWT) or an API key. */
export type Principal =
  | { kind: "session"; workspaceId: string; userId: string; role: Role; jti: string; sessionExpiresAt: Date }
  | { kind: "secret_key"; workspaceId: string; keyId: string; role: Role }
  | { kind: "publishable_key"; workspaceId: string; keyId: string; allowedOrigins: string[] };

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
    /** Repositories bound to the principal's workspace; the only door to tenant data. */
    tenant?: TenantScope;
  }
}

export type Access = Role | "publishable";

export function bearerOrCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE];
}

export function createPrincipalResolver(deps: ApiDeps, access: SessionAccessService) {
  const system = systemRepository(deps.db.system);
  // last_used_at is informational: one write per key per minute per process, not one per request.
  const lastTouched = new Map<string, number>();
  const touchAtMostEveryMinute = (keyId: string) => {
    const now = Date.now();
    if ((lastTouched.get(keyId) ?? 0) > now - 60_000) return;
    lastTouched.set(keyId, now);
    void system.touchApiKey(keyId).catch(() => lastTouched.delete(keyId));
  };

  async function resolve(request: FastifyRequest): Promise<Principal> {
    const token = bearerOrCookie(request);
    if (!token) throw new AppError("unauthorized", "Authentication required");

    const keyKind = apiKeyKindOf(token);
    if (keyKind) {
      const key = await system.findActiveApiKeyByHash(sha256(token));
      if (!key || key.kind !== keyKind) throw new AppError("unauthorized", "Invalid or revoked API key");
      touchAtMostEveryMinute(key.id);
      return keyKind === "secret"
        ? { kind: "secret_key", workspaceId: key.workspaceId, keyId: key.id, role: "admin" }
        : { kind: "publishable_key", workspaceId: key.workspaceId, keyId: key.id, allowedOrigins: key.allowedOrigins };
    }

    const claims = await deps.tokens.verifySession(token);
    if (!claims) throw new AppError("unauthorized", "Invalid or expired session");
    // Checked on every request, so blocking or removing someone takes effect at once, not at next login.
    const standing = await access.check(claims);
    if (standing.state === "revoked") throw new AppError("unauthorized", "Session has ended");
    if (standing.state === "not_member") throw new AppError("unauthorized", "No longer a member of this workspace");
    if (standing.state === "blocked") throw new AppError("forbidden", "This user is blocked");
    return {
      kind: "session",
      workspaceId: claims.workspaceId,
      userId: claims.userId,
      role: standing.role,
      jti: claims.jti,
      sessionExpiresAt: claims.expiresAt,
    };
  }

  /**
   * Who may call a route: `preHandler: principals.authorize(role)`. Publishable keys reach only
   * routes that accept them. The hook does not run as a preHandler: `authenticateFirst` moves it to
   * onRequest, so an unauthenticated or unauthorised caller is answered 401/403 before the body is
   * parsed or validated, never a 422 that describes the route's fields.
   */
  function authorize(access: Access) {
    const hook = async (request: FastifyRequest, _reply: FastifyReply) => {
      const principal = await resolve(request);
      if (principal.kind === "publishable_key") {
        if (access !== "publishable") throw new AppError("forbidden", "A publishable key cannot call this route");
        const origin = request.headers.origin;
        if (!origin || !principal.allowedOrigins.includes(origin)) {
          throw new AppError("forbidden", `Origin ${origin ?? "(none)"} is not allowed for this key`);
        }
      } else if (access !== "publishable" && !roleAtLeast(principal.role, access)) {
        throw new AppError("forbidden", `Requires the ${access} role or higher`);
      }
      request.principal = principal;
      request.tenant = tenantScope(deps.db, principal.workspaceId);
    };
    authorizeHooks.add(hook);
    return hook;
  }

  /**
   * The platform operator's routes (`/v1/admin/*`): a signed-in session whose user is in
   * `platform_admins`. Never an API key: a key belongs to a workspace, the console is above them.
   */
  function authorizePlatformAdmin() {
    const admins = referralAdminRepository(deps.db.system);
    const hook = async (request: FastifyRequest, _reply: FastifyReply) => {
      const principal = await resolve(request);
      if (principal.kind !== "session") throw new AppError("forbidden", "The operator console needs a signed-in operator, not an API key");
      if (!(await admins.isPlatformAdmin(principal.userId))) throw new AppError("forbidden", "This area is for the platform operator");
      request.principal = principal;
      request.tenant = tenantScope(deps.db, principal.workspaceId);
    };
    authorizeHooks.add(hook);
    return hook;
  }

  return { authorize, authorizePlatformAdmin, authenticateFirst };
}

const authorizeHooks = new WeakSet<object>();
const hooksOf = (hooks: unknown): unknown[] => (Array.isArray(hooks) ? hooks : hooks ? [hooks] : []);

/**
 * onRoute hook (registered before the routes): moves each route's `authorize()` from preHandler to the
 * end of onRequest, after the rate limit. Fastify runs onRequest before parsing and validation, and
 * preHandler after them, so a route declared the usual way still authenticates first.
 */
function authenticateFirst(route: RouteOptions) {
  const preHandler = hooksOf(route.preHandler);
  const auth = preHandler.filter((h) => typeof h === "function" && authorizeHooks.has(h));
  if (auth.length === 0) return;
  route.preHandler = preHandler.filter((h) => !auth.includes(h)) as RouteOptions["preHandler"];
  route.onRequest = [...hooksOf(route.onRequest), ...auth] as RouteOptions["onRequest"];
}
export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;

/** Narrowing helpers for handlers that ran behind authorize(). */
export function tenantOf(request: FastifyRequest): TenantScope {
  if (!request.tenant) throw new AppError("internal", "route is missing authorize()");
  return request.tenant;
}
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("internal", "route is missing authorize()");
  return request.principal;
}
export function actorOf(request: FastifyRequest) {
  const p = principalOf(request);
  return {
    actorUserId: p.kind === "session" ? p.userId : null,
    actorKeyId: p.kind === "session" ? null : p.keyId,
    ip: request.ip,
  };
}
