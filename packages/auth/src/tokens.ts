import { randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, errors } from "jose";

export const SESSION_TTL_SEC = 24 * 3600;
export const SESSION_COOKIE = "orbis_session";
const ISSUER = "orbisvoice";
/** Verified session tokens remembered per process (oldest dropped first). */
const VERIFIED_SESSIONS_KEPT = 10_000;

export interface SessionClaims {
  userId: string;
  workspaceId: string;
  jti: string;
  expiresAt: Date;
}

export interface VoiceTokenClaims {
  workspaceId: string;
  agentId: string;
  keyId?: string;
  userId?: string;
  expiresAt: Date;
}

/** Signs and verifies the two kinds of token the platform issues: dashboard sessions and voice sessions. */
export function createTokenService(secret: string, now: () => Date = () => new Date()) {
  // Imported once: handed raw bytes, jose imports a fresh HMAC key on every sign and verify.
  const keyReady = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const sign = async (claims: Record<string, unknown>, subject: string, audience: string, ttlSec: number) => {
    const key = await keyReady;
    const iat = Math.floor(now().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSec)
      .sign(key);
  };
  const verify = async (token: string, audience: string) => {
    try {
      const { payload } = await jwtVerify(token, await keyReady, { issuer: ISSUER, audience, currentDate: now(), algorithms: ["HS256"] });
      return payload;
    } catch (e) {
      if (e instanceof errors.JOSEError) return undefined;
      throw e;
    }
  };
  // A session token is presented on every dashboard request; its signature, checked once, stays checked
  // until it expires (logout, blocks and role changes are the session-standing check's job, not this one's).
  const verified = new Map<string, Readonly<SessionClaims>>();
  return {
    async issueSession(userId: string, workspaceId: string) {
      const jti = randomUUID();
      const token = await sign({ ws: workspaceId, jti }, userId, "session", SESSION_TTL_SEC);
      return { token, jti, expiresAt: new Date(now().getTime() + SESSION_TTL_SEC * 1000) };
    },
    async verifySession(token: string): Promise<SessionClaims | undefined> {
      const known = verified.get(token);
      if (known) {
        if (now().getTime() < known.expiresAt.getTime()) return known;
        verified.delete(token);
      }
      const p = await verify(token, "session");
      if (!p || typeof p.sub !== "string" || typeof p.ws !== "string" || typeof p.jti !== "string" || !p.exp) return undefined;
      const claims = { userId: p.sub, workspaceId: p.ws, jti: p.jti, expiresAt: new Date(p.exp * 1000) };
      if (verified.size >= VERIFIED_SESSIONS_KEPT) verified.delete(verified.keys().next().value!);
      verified.set(token, claims);
      return claims;
    },
    async issueVoiceToken(claims: Omit<VoiceTokenClaims, "expiresAt">, ttlSec = 300) {
      const token = await sign({ ws: claims.workspaceId, key: claims.keyId, usr: claims.userId }, claims.agentId, "voice", ttlSec);
      return { token, expiresAt: new Date(now().getTime() + ttlSec * 1000) };
    },
    async verifyVoiceToken(token: string): Promise<VoiceTokenClaims | undefined> {
      const p = await verify(token, "voice");
      if (!p || typeof p.sub !== "string" || typeof p.ws !== "string" || !p.exp) return undefined;
      return {
        agentId: p.sub,
        workspaceId: p.ws,
        keyId: typeof p.key === "string" ? p.key : undefined,
        userId: typeof p.usr === "string" ? p.usr : undefined,
        expiresAt: new Date(p.exp * 1000),
      };
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
