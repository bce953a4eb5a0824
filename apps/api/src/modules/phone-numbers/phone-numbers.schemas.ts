import { z } from "zod";

/** `GET /v1/phone-numbers/setup`: the URLs a carrier's console needs, built from the server's public base URL. */
export const carrierSetupSchema = z.object({
  publicBaseUrl: z.string(),
  /** False: PUBLIC_BASE_URL is not set and the URLs name this machine's local address. */
  publicBaseUrlSet: z.boolean(),
  twilio: z.object({ voiceUrl: z.string(), statusCallbackUrl: z.string(), mediaStreamUrl: z.string() }),
  telnyx: z.object({ webhookUrl: z.string(), mediaStreamUrl: z.string() }),
});
