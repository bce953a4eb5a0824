import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The embedded default needs no configuration, so outside production the JWT secret is generated on
 * first start and kept in the data directory (mode 600). Production must set JWT_SECRET (config enforces it).
 */
export function localJwtSecret(dataDir: string): string {
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Outside production the credential encryption key is generated on first start like the JWT secret. */
export function localEncryptionKey(dataDir: string): Buffer {
  const file = join(dataDir, "encryption-key");
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64"), { mode: 0o600 });
  return key;
}

export interface DemoCredentials {
  email: string;
  password: string;
  publishableKey: string;
  agentId: string;
  workspaceId: string;
}

const demoFile = (dataDir: string) => join(dataDir, "demo-credentials.json");

export function saveDemoCredentials(dataDir: string, creds: DemoCredentials) {
  writeFileSync(demoFile(dataDir), JSON.stringify(creds, null, 2), { mode: 0o600 });
}

export function readDemoCredentials(dataDir: string): DemoCredentials | undefined {
  try {
    return JSON.parse(readFileSync(demoFile(dataDir), "utf8")) as DemoCredentials;
  } catch {
    return undefined;
  }
}
