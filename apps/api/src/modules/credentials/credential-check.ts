import type { AiVendor, TelephonyProvider } from "@orbis/contracts";
import { definitionOf } from "@orbis/providers";
import type { CredentialTestResult } from "./credentials.schemas.ts";

/** How long a key check may take before the vendor counts as unreachable. */
const CHECK_TIMEOUT_MS = 5000;

const CARRIER_NAMES: Record<TelephonyProvider, string> = { twilio: "Twilio", telnyx: "Telnyx" };

/** Carriers are not called from here: the stored values passed their schema, which is all that is known. */
export const carrierFormatResult = (provider: TelephonyProvider): CredentialTestResult => ({
  provider,
  result: "format_ok",
  message: `Stored and well-formed. Not checked with ${CARRIER_NAMES[provider]}: the server does not call the carrier to test credentials; a test call will.`,
});

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
};

/** An AI vendor's key through its definition's health check (no tokens spent), 401/403 told from no answer. */
export async function checkVendorKey(vendor: AiVendor, credential: { apiKey: string; baseUrl?: string }): Promise<CredentialTestResult> {
  const check = definitionOf(vendor)?.healthCheck;
  if (!check) return { provider: vendor, result: "unchecked", message: "This provider has no health check; the key is stored." };
  try {
    await check(credential, AbortSignal.timeout(CHECK_TIMEOUT_MS));
    return { provider: vendor, result: "ok", message: "The provider answered the health check with this key." };
  } catch (err) {
    const status = statusOf(err);
    if (status === 401 || status === 403) return { provider: vendor, result: "unauthorized", message: `The provider refused the key (HTTP ${status}).` };
    if (status !== undefined) return { provider: vendor, result: "error", message: `The provider answered HTTP ${status}.` };
    return { provider: vendor, result: "unreachable", message: "The provider could not be reached; the key was not checked." };
  }
}
