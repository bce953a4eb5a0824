import { createHmac, timingSafeEqual } from "node:crypto";
import { notificationKindSchema, type NotificationKind } from "@orbis/contracts";

export interface UnsubscribeClaims {
  userId: string;
  kind: NotificationKind;
  /** The workspace whose email carried the link (its audit log records the change). */
  workspaceId: string;
}

const mac = (secret: string, body: string) => createHmac("sha256", `orbis-unsubscribe:${secret}`).update(body).digest("base64url");

/**
 * The token of a one-click unsubscribe link: what to switch off, for whom, signed (HMAC-SHA256) so
 * it cannot be forged for another user. It does not expire: an old email's link keeps working.
 */
export function signUnsubscribe(secret: string, claims: UnsubscribeClaims): string {
  const body = Buffer.from(JSON.stringify([claims.userId, claims.kind, claims.workspaceId])).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

/** The claims of a genuine token; undefined for anything else. */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaims | undefined {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return undefined;
  const want = Buffer.from(mac(secret, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((v) => typeof v === "string")) return undefined;
    const kind = notificationKindSchema.safeParse(parsed[1]);
    if (!kind.success) return undefined;
    return { userId: parsed[0] as string, kind: kind.data, workspaceId: parsed[2] as string };
  } catch {
    return undefined;
  }
}

/** The unsubscribe link of an email. */
export const unsubscribeUrl = (baseUrl: string, secret: string, claims: UnsubscribeClaims) =>
  `${baseUrl}/v1/email/unsubscribe?token=${encodeURIComponent(signUnsubscribe(secret, claims))}`;
