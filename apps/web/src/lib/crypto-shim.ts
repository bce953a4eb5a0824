/** Browser stand-in for node:crypto's randomBytes (only @orbis/contracts' createId uses it). */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
