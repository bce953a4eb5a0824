import { createHmac, timingSafeEqual } from "node:crypto";

/** The affiliate dashboard's cookie: a signed token naming the affiliate (7 days). */
export const AFFILIATE_COOKIE = "orbis_affiliate";
export const AFFILIATE_SESSION_TTL_SEC = 7 * 24 * 3600;
const ISSUER = "orbisvoice";
/**
 * Its own audience: the dashboard's session tokens carry `session` (and are verified for it), these
 * carry `affiliate`, so neither is ever accepted as the other even though one secret signs both.
 */
const AUDIENCE = "affiliate";

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");
const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

/**
 * HS256 JWTs for affiliate sessions, on node:crypto. `@orbis/auth`'s token service has one method pair
 * per audience and none for affiliates; this keeps the same issuer and algorithm with a distinct audience.
 */
export function createAffiliateSessions(secret: string, now: () => Date = () => new Date()) {
  const mac = (input: string) => createHmac("sha256", secret).update(input).digest();
  return {
    issue(affiliateId: string): string {
      const iat = Math.floor(now().getTime() / 1000);
      const payload = base64url(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: affiliateId, iat, exp: iat + AFFILIATE_SESSION_TTL_SEC }));
      return `${HEADER}.${payload}.${base64url(mac(`${HEADER}.${payload}`))}`;
    },
    /** The affiliate id of a valid, unexpired affiliate token; undefined for anything else (other audiences included). */
    verify(token: string | undefined): string | undefined {
      const parts = token?.split(".");
      if (!parts || parts.length !== 3) return undefined;
      const [header, payload, signature] = parts as [string, string, string];
      if (header !== HEADER) return undefined;
      const expected = mac(`${header}.${payload}`);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let claims: { iss?: unknown; aud?: unknown; sub?: unknown; exp?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
      } catch {
        return undefined;
      }
      if (claims.iss !== ISSUER || claims.aud !== AUDIENCE || typeof claims.sub !== "string" || typeof claims.exp !== "number") return undefined;
      if (claims.exp * 1000 <= now().getTime()) return undefined;
      return claims.sub;
    },
  };
}
