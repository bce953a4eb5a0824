import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@orbis/contracts";

const VERSION = "v1";

/**
 * AES-256-GCM for secrets at rest: `v1.<base64 iv(12) | tag(16) | ciphertext>`. The associated data
 * binds a blob to its workspace and provider, so a row copied to another tenant does not decrypt.
 */
export function createCredentialCipher(key: Buffer | undefined) {
  const keyOrThrow = () => {
    if (!key || key.length !== 32) throw new AppError("unavailable", "Credential storage needs ENCRYPTION_KEY (32 bytes)");
    return key;
  };
  return {
    encrypt(plain: unknown, aad: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", keyOrThrow(), iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    decrypt(blob: string, aad: string): unknown {
      const [version, data] = blob.split(".", 2);
      if (version !== VERSION || !data) throw new AppError("internal", "Unknown credential format");
      const raw = Buffer.from(data, "base64");
      const decipher = createDecipheriv("aes-256-gcm", keyOrThrow(), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
    },
  };
}
export type CredentialCipher = ReturnType<typeof createCredentialCipher>;
