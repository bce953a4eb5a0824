import { generateRecoveryCodes, generateTotpSecret, matchTotp, recoveryCodeHash, totpUri } from "@orbis/auth";
import { AppError } from "@orbis/contracts";
import { createCredentialCipher } from "@orbis/credentials";
import { accountRepository, systemRepository, type Database, type TwoFactorRow } from "@orbis/db";
import { invalid } from "../../lib/validation.ts";

const ISSUER = "OrbisVoice";

/** Who changes their two-factor settings, for the audit row (written in the change's transaction). */
export interface TwoFactorActor {
  userId: string;
  workspaceId: string;
  ip: string;
}

/**
 * TOTP two-factor sign-in of dashboard users. The shared secret is encrypted at rest with the cipher
 * of provider credentials (ENCRYPTION_KEY), bound to the user id; recovery codes are stored hashed
 * and each works once; a code's time step is recorded so the same code never works twice.
 */
export function createTwoFactorService(db: Database, encryptionKey: Buffer | undefined, now: () => Date) {
  const cipher = createCredentialCipher(encryptionKey);
  const accounts = accountRepository(db.system);
  const system = systemRepository(db.system);
  const aad = (userId: string) => `totp:${userId}`;
  const secretOf = (row: TwoFactorRow) => cipher.decrypt(row.secret, aad(row.userId)) as string;

  /** A code of the enabled authenticator or a recovery code, spent; what it was, or undefined. */
  async function spend(userId: string, code: string): Promise<"totp" | "recovery_code" | undefined> {
    const row = await accounts.twoFactorOf(userId);
    if (!row?.enabledAt) return undefined;
    const step = matchTotp(secretOf(row), code, now());
    if (step !== undefined) return (await accounts.useTotpStep(userId, step)) ? "totp" : undefined;
    const hash = recoveryCodeHash(code);
    return hash && (await accounts.useRecoveryCode(userId, hash)) ? "recovery_code" : undefined;
  }

  return {
    async isEnabled(userId: string) {
      return !!(await accounts.twoFactorOf(userId))?.enabledAt;
    },

    async status(userId: string, requiredByWorkspace: boolean) {
      const row = await accounts.twoFactorOf(userId);
      return {
        enabled: !!row?.enabledAt,
        pending: !!row && !row.enabledAt,
        recoveryCodesLeft: row?.enabledAt ? row.recoveryCodeHashes.length : 0,
        requiredByWorkspace,
      };
    },

    /** Starts (or restarts) an enrolment: a new secret, shown once, waiting for its first code. */
    async setup(userId: string) {
      const user = await system.findUserById(userId);
      if (!user) throw new AppError("unauthorized", "Authentication required");
      const secret = generateTotpSecret();
      if (!(await accounts.startTwoFactor(user.id, cipher.encrypt(secret, aad(user.id))))) {
        throw new AppError("conflict", "Two-factor sign-in is already on; turn it off to enrol another authenticator");
      }
      return { secret, otpauthUri: totpUri(secret, user.email, ISSUER) };
    },

    /** Confirms the enrolment with a code of the new authenticator; answers the recovery codes, once. */
    async enable(actor: TwoFactorActor, code: string) {
      const row = await accounts.twoFactorOf(actor.userId);
      if (!row || row.enabledAt) throw new AppError("conflict", row ? "Two-factor sign-in is already on" : "Start the enrolment first");
      const step = matchTotp(secretOf(row), code, now());
      if (step === undefined) throw invalid("body.code", "is not the current code of your authenticator app");
      const recoveryCodes = generateRecoveryCodes();
      await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        if (
          !(await a.enableTwoFactor(
            actor.userId,
            step,
            recoveryCodes.map((c) => recoveryCodeHash(c)!),
          ))
        ) {
          throw new AppError("conflict", "Two-factor sign-in is already on");
        }
        await a.audit(actor.workspaceId, {
          action: "auth.two_factor_enabled",
          actorUserId: actor.userId,
          targetType: "user",
          targetId: actor.userId,
          ip: actor.ip,
        });
      });
      return { recoveryCodes };
    },

    /** The second step of a sign-in: spends a TOTP or recovery code; what it was, or undefined. */
    verify: spend,

    /** Turns two-factor sign-in off with a code (TOTP or recovery); undefined when the code is wrong. */
    async disable(actor: TwoFactorActor, code: string): Promise<"totp" | "recovery_code" | undefined> {
      const used = await spend(actor.userId, code);
      if (!used) return undefined;
      await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        await a.removeTwoFactor(actor.userId);
        await a.audit(actor.workspaceId, {
          action: "auth.two_factor_disabled",
          actorUserId: actor.userId,
          targetType: "user",
          targetId: actor.userId,
          ip: actor.ip,
          metadata: { with: used },
        });
      });
      return used;
    },
  };
}
export type TwoFactorService = ReturnType<typeof createTwoFactorService>;
