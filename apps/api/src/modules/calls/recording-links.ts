import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** What a recording link names: one call of one workspace, until a time. */
interface RecordingLinkClaims {
  workspaceId: string;
  callId: string;
}

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

/**
 * Short-lived links to a recording the api serves itself (the local store, or recordings sealed with
 * `aes-gcm`): `<payload>.<HMAC-SHA256>`, the payload naming the workspace, the call and the expiry.
 * The key is derived from the session secret for this one purpose, so a link never verifies as
 * anything else. A link names the call, not the file: a recording erased meanwhile is gone at once.
 */
export function createRecordingLinks(secret: string | Buffer, now: () => Date = () => new Date()) {
  const key = Buffer.from(hkdfSync("sha256", Buffer.from(secret), Buffer.alloc(0), "orbis:recording-links:v1", 32));
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest();
  return {
    sign(claims: RecordingLinkClaims, ttlSec: number): { token: string; expiresAt: Date } {
      const expiresAt = new Date(Math.floor(now().getTime() / 1000 + ttlSec) * 1000);
      const payload = b64(JSON.stringify({ w: claims.workspaceId, c: claims.callId, e: expiresAt.getTime() / 1000 }));
      return { token: `${payload}.${b64(mac(payload))}`, expiresAt };
    },
    /** The claims of a genuine link; `expired` for a genuine one past its time; undefined for anything else. */
    verify(token: string): RecordingLinkClaims | "expired" | undefined {
      const [payload, signature, extra] = token.split(".");
      if (!payload || !signature || extra !== undefined) return undefined;
      const given = Buffer.from(signature, "base64url");
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = parseClaims(payload);
      if (!claims) return undefined;
      return claims.e * 1000 <= now().getTime() ? "expired" : { workspaceId: claims.w, callId: claims.c };
    },
  };
}
export type RecordingLinks = ReturnType<typeof createRecordingLinks>;

function parseClaims(payload: string): { w: string; c: string; e: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { w?: unknown; c?: unknown; e?: unknown };
    return typeof v.w === "string" && typeof v.c === "string" && typeof v.e === "number" ? { w: v.w, c: v.c, e: v.e } : undefined;
  } catch {
    return undefined;
  }
}
