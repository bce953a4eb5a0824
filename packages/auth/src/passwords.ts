import argon2 from "argon2";

// OWASP's argon2id baseline (19 MiB, t=2): ~25 ms per hash here, so login stays cheap and brute force does not.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, OPTIONS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verifying against a fixed hash when the user does not exist keeps login timing uniform. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string) {
  dummyHash ??= hashPassword("orbis-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
