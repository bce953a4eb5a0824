import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify, errors } from "jose";

export const SESSION_TTL_SEC = 24 * 3600;
/** How long the second step of a sign-in (a TOTP code, or enrolling one) may take. */
export const LOGIN_CHALLENGE_TTL_SEC = 5 * 60;
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

/** What the second step of a sign-in asks for: a code of the enrolled authenticator, or enrolling one. */
export type LoginChallengePurpose = "code" | "enroll";

export interface LoginChallengeClaims {
  userId: string;
  workspaceId: string;
  purpose: LoginChallengePurpose;
  jti: string;
  expiresAt: Date;
}

const SESSION_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
/**
 * A session's public id (`ses_` + 24 base36 characters ≈ 124 bits), which is also its token's `jti`:
 * the row in `user_sessions` that says whether the token still works.
 */
function newSessionId(): string {
  let out = "";
  while (out.length < 24) for (const b of randomBytes(48)) if (b < 252 && out.length < 24) out += SESSION_ID_ALPHABET[b % 36];
  return `ses_${out}`;
}

export interface VoiceTokenClaims {
  workspaceId: string;
  agentId: string;
  keyId?: string;
  userId?: string;
  /** The token's id: the gateway admits one call per token (docs/protocols.md). Absent only in tokens issued before it existed. */
  jti?: string;
  /** Which config the call runs: the agent's latest published version (the default) or its draft (the dashboard's "Try this agent"). */
  mode?: "draft" | "published";
  /** A sales practice session (`prs_…`): the call plays its prospect for the rep `userId`, not the agent. */
  practiceSessionId?: string;
  expiresAt: Date;
}

/**
 * Signs and verifies the tokens the platform issues: dashboard sessions, the short-lived challenge
 * between the two steps of a sign-in, and voice sessions. Each has its own audience, so none is
 * accepted as another.
 */
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
      const jti = newSessionId();
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
    async issueLoginChallenge(userId: string, workspaceId: string, purpose: LoginChallengePurpose) {
      const jti = newSessionId().replace("ses_", "chl_");
      const token = await sign({ ws: workspaceId, pur: purpose, jti }, userId, "login-challenge", LOGIN_CHALLENGE_TTL_SEC);
      return { token, jti, expiresAt: new Date(now().getTime() + LOGIN_CHALLENGE_TTL_SEC * 1000) };
    },
    async verifyLoginChallenge(token: string): Promise<LoginChallengeClaims | undefined> {
      const p = await verify(token, "login-challenge");
      if (!p || typeof p.sub !== "string" || typeof p.ws !== "string" || typeof p.jti !== "string" || !p.exp) return undefined;
      if (p.pur !== "code" && p.pur !== "enroll") return undefined;
      return { userId: p.sub, workspaceId: p.ws, purpose: p.pur, jti: p.jti, expiresAt: new Date(p.exp * 1000) };
    },
    async issueVoiceToken(claims: Omit<VoiceTokenClaims, "expiresAt" | "jti">, ttlSec = 300) {
      // A unique id: two tokens issued in the same second for the same agent and key are still two tokens.
      const jti = crypto.randomUUID();
      const token = await sign(
        { ws: claims.workspaceId, key: claims.keyId, usr: claims.userId, mode: claims.mode, prs: claims.practiceSessionId, jti },
        claims.agentId,
        "voice",
        ttlSec,
      );
      return { token, jti, expiresAt: new Date(now().getTime() + ttlSec * 1000) };
    },
    async verifyVoiceToken(token: string): Promise<VoiceTokenClaims | undefined> {
      const p = await verify(token, "voice");
      if (!p || typeof p.sub !== "string" || typeof p.ws !== "string" || !p.exp) return undefined;
      return {
        agentId: p.sub,
        workspaceId: p.ws,
        keyId: typeof p.key === "string" ? p.key : undefined,
        userId: typeof p.usr === "string" ? p.usr : undefined,
        jti: typeof p.jti === "string" ? p.jti : undefined,
        mode: p.mode === "draft" ? "draft" : "published",
        ...(typeof p.prs === "string" ? { practiceSessionId: p.prs } : {}),
        expiresAt: new Date(p.exp * 1000),
      };
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
