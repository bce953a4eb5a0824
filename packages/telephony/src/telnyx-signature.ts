import { createPublicKey, verify } from "node:crypto";

export const TELNYX_TOLERANCE_SEC = 300;
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * Telnyx webhook signature (docs/protocols.md, Telnyx): Ed25519 over `${timestamp}|${rawBody}` with
 * the account's public key; the timestamp must be digits within 300 s of now, either way.
 */
export function verifyTelnyxSignature(rawBody: string, headers: Record<string, unknown>, publicKeyB64: string, nowMs: number): boolean {
  const signature = headers["telnyx-signature-ed25519"];
  const timestamp = headers["telnyx-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string" || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TELNYX_TOLERANCE_SEC) return false;
  const raw = Buffer.from(publicKeyB64, "base64");
  const sig = Buffer.from(signature, "base64");
  if (raw.length !== 32 || sig.length !== 64) return false;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
  return verify(null, Buffer.from(`${timestamp}|${rawBody}`), key, sig);
}
