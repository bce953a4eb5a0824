import { AppError } from "@orbis/contracts";
import { createCredentialCipher } from "./cipher.ts";

/**
 * A tenant HTTP tool's secrets at rest: its signing secret and the values of its extra headers (which
 * often hold the tenant's own API keys). Each value is stored as `enc:v1:<ciphertext>:<hint>` in the
 * tool's own columns, encrypted with the credential cipher and bound (associated data) to the
 * workspace, the tool and the field, so a value copied to another tool or tenant does not decrypt.
 * The hint is kept in clear so the API can show it without decrypting anything.
 *
 * Rows written before encryption hold plaintext: they are read as-is and sealed on the next write.
 */
const PREFIX = "enc:v1:";
const CIPHER_VERSION = "v1.";
const SEALED = /^enc:v1:([A-Za-z0-9+/=]+):(.*)$/s;

/** The tool a value belongs to: what its ciphertext is bound to. */
export interface ToolRef {
  id: string;
  workspaceId: string;
}

/** A tool's secrets as stored: `secret` and `headers` of an `agent_tools` row. */
export interface StoredToolSecrets {
  secret: string;
  headers: unknown;
}

/** A tool's secrets in clear, for the request that signs and sends them. */
export interface ToolSecrets {
  secret: string;
  headers: Record<string, string>;
}

/** What may be shown of a tool's secrets: never a value, a hint of each. */
export interface ToolSecretHints {
  secretHint: string;
  headerHints: Record<string, string>;
}

/** The signing secret's prefix (`tsec_` and four characters) and last four characters, as shown since tools exist. */
const secretHintOf = (secret: string) => `${secret.slice(0, 9)}…${secret.slice(-4)}`;

/** At most a quarter of a header value, and never more than its last four characters. */
function headerHintOf(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return shown > 0 ? `…${value.slice(-shown)}` : "…";
}

const isSealed = (stored: string) => SEALED.test(stored);

const headersOf = (stored: unknown): Record<string, string> =>
  stored && typeof stored === "object" && !Array.isArray(stored)
    ? Object.fromEntries(Object.entries(stored).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};

/** The hint of a stored value: the one kept beside the ciphertext, or computed from a legacy plaintext. */
function hintOfStored(stored: string, hintOfPlain: (plain: string) => string): string {
  const sealed = SEALED.exec(stored);
  return sealed ? sealed[2]! : hintOfPlain(stored);
}

/** The hints of a stored tool, without decrypting anything. */
export function toolSecretHints(stored: StoredToolSecrets): ToolSecretHints {
  return {
    secretHint: hintOfStored(stored.secret, secretHintOf),
    headerHints: Object.fromEntries(Object.entries(headersOf(stored.headers)).map(([name, value]) => [name, hintOfStored(value, headerHintOf)])),
  };
}

/** Seals and opens tool secrets with ENCRYPTION_KEY (the credential cipher: one cipher for every secret at rest). */
export function createToolSecretsCipher(encryptionKey: Buffer | undefined) {
  const cipher = createCredentialCipher(encryptionKey);
  const secretAad = (tool: ToolRef) => `${tool.workspaceId}:tool:${tool.id}:secret`;
  const headerAad = (tool: ToolRef, name: string) => `${tool.workspaceId}:tool:${tool.id}:header:${name.toLowerCase()}`;

  const seal = (plain: string, aad: string, hint: string) => {
    const blob = cipher.encrypt(plain, aad);
    return `${PREFIX}${blob.slice(CIPHER_VERSION.length)}:${hint}`;
  };
  const open = (stored: string, aad: string): string => {
    const sealed = SEALED.exec(stored);
    if (!sealed) return stored;
    let plain: unknown;
    try {
      plain = cipher.decrypt(`${CIPHER_VERSION}${sealed[1]}`, aad);
    } catch (err) {
      if (err instanceof AppError) throw err;
      // Another key, or a value copied from another tool: a state to fix, not a server fault.
      throw new AppError("conflict", "This tool's secrets do not decrypt (was ENCRYPTION_KEY changed?): rotate its secret and set its headers again");
    }
    return typeof plain === "string" ? plain : "";
  };
  /** A stored value kept as it is, or sealed when it is a legacy plaintext. */
  const reseal = (stored: string, aad: string, hintOfPlain: (plain: string) => string) => (isSealed(stored) ? stored : seal(stored, aad, hintOfPlain(stored)));

  return {
    sealSecret: (tool: ToolRef, secret: string) => seal(secret, secretAad(tool), secretHintOf(secret)),

    sealHeader: (tool: ToolRef, name: string, value: string) => seal(value, headerAad(tool, name), headerHintOf(value)),

    /** Every header of a new tool sealed. */
    sealHeaders(tool: ToolRef, headers: Record<string, string>): Record<string, string> {
      return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, seal(value, headerAad(tool, name), headerHintOf(value))]));
    },

    /** A stored tool's secret and headers as they are written back: legacy plaintext sealed, sealed values untouched. */
    resealStored(tool: ToolRef, stored: StoredToolSecrets): { secret: string; headers: Record<string, string> } {
      return {
        secret: reseal(stored.secret, secretAad(tool), secretHintOf),
        headers: Object.fromEntries(
          Object.entries(headersOf(stored.headers)).map(([name, value]) => [name, reseal(value, headerAad(tool, name), headerHintOf)]),
        ),
      };
    },

    /** The secrets in clear: only where the tool runs. A value that does not decrypt throws. */
    open(tool: ToolRef, stored: StoredToolSecrets): ToolSecrets {
      return {
        secret: open(stored.secret, secretAad(tool)),
        headers: Object.fromEntries(Object.entries(headersOf(stored.headers)).map(([name, value]) => [name, open(value, headerAad(tool, name))])),
      };
    },
  };
}
export type ToolSecretsCipher = ReturnType<typeof createToolSecretsCipher>;
