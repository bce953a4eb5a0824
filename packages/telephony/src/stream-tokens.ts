import { hkdfSync } from "node:crypto";
import { SignJWT, errors, jwtVerify } from "jose";
import { z } from "zod";

/** What a carrier media stream may do: join one call of one agent in one workspace, briefly. */
export const streamGrantSchema = z.object({
  workspaceId: z.string(),
  agentId: z.string(),
  callId: z.string(),
  provider: z.enum(["twilio", "telnyx"]),
  providerCallId: z.string(),
  expiresAt: z.number(),
  /**
   * A sales practice session by phone (the practice line's code was keyed): the session the stream runs
   * and its rep. `agentId` and `callId` are then the session's id (there is no agent and no call row).
   */
  practiceSessionId: z.string().optional(),
  userId: z.string().optional(),
});
export type StreamGrant = z.infer<typeof streamGrantSchema>;

const ISSUER = "orbisvoice";
const AUDIENCE = "carrier-stream";

/**
 * Signs the `<Parameter name="token">` (Twilio) / stream URL token (Telnyx): an HS256 JWT whose key is
 * derived from JWT_SECRET with HKDF, so api and gateway processes agree without another secret and a
 * stream token can never pass as a session or voice token (other key, other audience).
 */
export function createStreamTokens(jwtSecret: string, now: () => number = Date.now) {
  const key = new Uint8Array(hkdfSync("sha256", jwtSecret, "orbis", "telephony-stream-token", 32));
  return {
    async issue(grant: Omit<StreamGrant, "expiresAt">, ttlSec = 120): Promise<string> {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({
        ws: grant.workspaceId,
        agent: grant.agentId,
        carrier: grant.provider,
        pcid: grant.providerCallId,
        ...(grant.practiceSessionId ? { ps: grant.practiceSessionId, uid: grant.userId } : {}),
      })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(grant.callId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSec)
        .sign(key);
    },
    async verify(token: string): Promise<StreamGrant | undefined> {
      try {
        const { payload: p } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(now()), algorithms: ["HS256"] });
        const grant = streamGrantSchema.safeParse({
          workspaceId: p.ws,
          agentId: p.agent,
          callId: p.sub,
          provider: p.carrier,
          providerCallId: p.pcid,
          expiresAt: (p.exp ?? 0) * 1000,
          ...(p.ps !== undefined ? { practiceSessionId: p.ps, userId: p.uid } : {}),
        });
        return grant.success ? grant.data : undefined;
      } catch (e) {
        if (e instanceof errors.JOSEError) return undefined;
        throw e;
      }
    },
  };
}
export type StreamTokens = ReturnType<typeof createStreamTokens>;
