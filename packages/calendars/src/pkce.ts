import { createHash, randomBytes } from "node:crypto";

/** RFC 7636: a 64-character verifier and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The OAuth `state`: 256 random bits, bound server-side to the workspace, the user and the verifier. */
export function createOAuthState(): string {
  return randomBytes(32).toString("base64url");
}
