import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** What a carrier media stream may do: join one call of one agent in one workspace, briefly. */
export const streamGrantSchema = z.object({
  workspaceId: z.string(),
  agentId: z.string(),
  callId: z.string(),
  provider: z.enum(["twilio", "telnyx"]),
  providerCallId: z.string(),
  expiresAt: z.number(),
});
export type StreamGrant = z.infer<typeof streamGrantSchema>;

/**
 * Signs the `<Parameter name="token">` (Twilio) / stream URL token (Telnyx): HMAC-SHA256 with a key
 * derived from the JWT secret, so api and gateway processes agree without another secret.
 */
export function createStreamTokens(jwtSecret: string, now: () => number = Date.now) {
  const key = Buffer.from(hkdfSync("sha256", jwtSecret, "orbis", "telephony-stream-token", 32));
  const mac = (body: string) => createHmac("sha256", key).update(body).digest();
  return {
    issue(grant: Omit<StreamGrant, "expiresAt">, ttlSec = 120): string {
      const body = Buffer.from(JSON.stringify({ ...grant, expiresAt: now() + ttlSec * 1000 })).toString("base64url");
      return `${body}.${mac(body).toString("base64url")}`;
    },
    verify(token: string): StreamGrant | undefined {
      const [body, sig] = token.split(".");
      if (!body || !sig) return undefined;
      const expected = mac(body);
      const given = Buffer.from(sig, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const grant = streamGrantSchema.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
        return grant.expiresAt > now() ? grant : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
export type StreamTokens = ReturnType<typeof createStreamTokens>;
