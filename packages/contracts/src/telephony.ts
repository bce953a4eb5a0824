import { z } from "zod";
import { AI_VENDOR_IDS, type AiVendor } from "./ai-vendors.ts";
import { idSchema } from "./ids.ts";

export const TELEPHONY_PROVIDERS = ["twilio", "telnyx"] as const;
export const telephonyProviderSchema = z.enum(TELEPHONY_PROVIDERS);
export type TelephonyProvider = z.infer<typeof telephonyProviderSchema>;

export const e164Schema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number like +14155550100");

export const phoneNumberSchema = z.object({
  id: idSchema("phoneNumber"),
  number: z.string(),
  provider: telephonyProviderSchema,
  agentId: z.string().nullable(),
  label: z.string(),
  escalationNumber: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** In the list: the last carrier webhook received for a call on this number (last 90 days) and its result; null when none. */
  lastEvent: z.object({ at: z.string(), kind: z.string(), status: z.string().nullable(), callId: z.string() }).nullable().optional(),
});
export type PhoneNumberDto = z.infer<typeof phoneNumberSchema>;

export const createPhoneNumberBodySchema = z.object({
  number: e164Schema,
  provider: telephonyProviderSchema,
  agentId: idSchema("agent").nullable().default(null),
  label: z.string().trim().max(120).default(""),
  escalationNumber: e164Schema.nullable().default(null),
});
export const updatePhoneNumberBodySchema = z
  .object({ agentId: idSchema("agent").nullable(), label: z.string().trim().max(120), escalationNumber: e164Schema.nullable() })
  .partial();

/**
 * Carrier secrets, checked by `PUT /v1/credentials/{twilio,telnyx}` and read by the carrier webhooks.
 * An AI vendor's key schema comes with its provider definition (packages/providers).
 */
export const carrierCredentialSchemas = {
  twilio: z.object({
    accountSid: z
      .string()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC + 32 hex)"),
    authToken: z.string().trim().min(16).max(128),
  }),
  telnyx: z.object({
    apiKey: z.string().trim().min(8).max(512),
    publicKey: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9+/]{43}=$/, "must be the base64 Ed25519 public key (32 bytes)"),
  }),
} as const satisfies Record<TelephonyProvider, z.ZodType>;
export type CarrierCredentials<P extends TelephonyProvider> = z.infer<(typeof carrierCredentialSchemas)[P]>;

/** Every id credentials are stored under: a carrier or an AI vendor. Anything else is a 422 at the route. */
export const credentialProviderSchema = z.enum([...TELEPHONY_PROVIDERS, ...AI_VENDOR_IDS] as [CredentialProvider, ...CredentialProvider[]]);
export type CredentialProvider = TelephonyProvider | AiVendor;

/** What the API shows of stored credentials: never the secret, only non-secret hints. */
export const credentialMetadataSchema = z.object({
  provider: credentialProviderSchema,
  configured: z.literal(true),
  hints: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CredentialMetadataDto = z.infer<typeof credentialMetadataSchema>;

// ---- Twilio (docs/protocols.md) ----

/** Voice webhook and status callback form fields we read; the rest are kept but unused. */
export const twilioVoiceWebhookSchema = z
  .object({
    AccountSid: z.string().min(1),
    CallSid: z.string().min(1),
    CallStatus: z.string().min(1),
    From: z.string().default(""),
    To: z.string().min(1),
    Direction: z.string().optional(),
    CallDuration: z.string().optional(),
    Timestamp: z.string().optional(),
    SequenceNumber: z.string().optional(),
  })
  .loose();
export type TwilioVoiceWebhook = z.infer<typeof twilioVoiceWebhookSchema>;

const twilioCounter = z.string().regex(/^\d+$/);
export const twilioInboundSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("connected"), protocol: z.string(), version: z.string() }).loose(),
  z
    .object({
      event: z.literal("start"),
      sequenceNumber: twilioCounter,
      streamSid: z.string().min(1),
      start: z
        .object({
          accountSid: z.string(),
          streamSid: z.string(),
          callSid: z.string(),
          tracks: z.array(z.string()),
          mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
          customParameters: z.record(z.string(), z.string()).default({}),
        })
        .loose(),
    })
    .loose(),
  z
    .object({
      event: z.literal("media"),
      sequenceNumber: twilioCounter,
      streamSid: z.string(),
      media: z.object({ track: z.string(), chunk: twilioCounter, timestamp: twilioCounter, payload: z.string().max(64_000) }).loose(),
    })
    .loose(),
  z
    .object({
      event: z.literal("dtmf"),
      streamSid: z.string(),
      sequenceNumber: twilioCounter,
      dtmf: z.object({ track: z.string().optional(), digit: z.string().regex(/^[0-9*#A-D]$/) }),
    })
    .loose(),
  z.object({ event: z.literal("mark"), streamSid: z.string(), sequenceNumber: twilioCounter, mark: z.object({ name: z.string() }) }).loose(),
  z
    .object({
      event: z.literal("stop"),
      streamSid: z.string(),
      sequenceNumber: twilioCounter,
      stop: z.object({ accountSid: z.string(), callSid: z.string() }).loose(),
    })
    .loose(),
]);
export type TwilioInbound = z.infer<typeof twilioInboundSchema>;

export const twilioOutboundSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("media"), streamSid: z.string(), media: z.object({ payload: z.string() }).strict() }).strict(),
  z.object({ event: z.literal("mark"), streamSid: z.string(), mark: z.object({ name: z.string() }).strict() }).strict(),
  z.object({ event: z.literal("clear"), streamSid: z.string() }).strict(),
]);
export type TwilioOutbound = z.infer<typeof twilioOutboundSchema>;

// ---- Telnyx (docs/protocols.md) ----

export const telnyxWebhookSchema = z.object({
  data: z
    .object({
      record_type: z.string(),
      event_type: z.string().min(1),
      id: z.string().min(1),
      occurred_at: z.string(),
      payload: z
        .object({
          call_control_id: z.string().min(1),
          call_leg_id: z.string().optional(),
          call_session_id: z.string().optional(),
          client_state: z.string().nullable().optional(),
          direction: z.string().optional(),
          from: z.string().optional(),
          to: z.string().optional(),
          state: z.string().optional(),
          hangup_cause: z.string().optional(),
          stream_url: z.string().optional(),
          failure_reason: z.string().optional(),
        })
        .loose(),
    })
    .loose(),
  meta: z.object({ attempt: z.number().optional(), delivered_to: z.string().optional() }).loose().optional(),
});
export type TelnyxWebhook = z.infer<typeof telnyxWebhookSchema>;

const telnyxCounter = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);
export const telnyxInboundSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("connected"), version: z.string().optional() }).loose(),
  z
    .object({
      event: z.literal("start"),
      sequence_number: telnyxCounter,
      stream_id: z.string().min(1),
      start: z
        .object({
          call_control_id: z.string(),
          client_state: z.string().nullable().optional(),
          from: z.string().optional(),
          to: z.string().optional(),
          custom_parameters: z.record(z.string(), z.string()).optional(),
          media_format: z.object({ encoding: z.string(), sample_rate: z.number(), channels: z.number() }),
        })
        .loose(),
    })
    .loose(),
  z
    .object({
      event: z.literal("media"),
      sequence_number: telnyxCounter,
      stream_id: z.string(),
      media: z.object({ track: z.string().optional(), chunk: telnyxCounter, timestamp: telnyxCounter, payload: z.string().max(64_000) }).loose(),
    })
    .loose(),
  z
    .object({
      event: z.literal("dtmf"),
      stream_id: z.string(),
      sequence_number: telnyxCounter.optional(),
      dtmf: z.object({ digit: z.string().regex(/^[0-9*#A-D]$/) }),
    })
    .loose(),
  z.object({ event: z.literal("mark"), stream_id: z.string(), sequence_number: telnyxCounter.optional(), mark: z.object({ name: z.string() }) }).loose(),
  z
    .object({
      event: z.literal("error"),
      stream_id: z.string().optional(),
      payload: z.object({ code: z.number(), title: z.string(), detail: z.string().optional() }).loose(),
    })
    .loose(),
  z
    .object({
      event: z.literal("stop"),
      sequence_number: telnyxCounter.optional(),
      stream_id: z.string(),
      stop: z.object({ call_control_id: z.string() }).loose(),
    })
    .loose(),
]);
export type TelnyxInbound = z.infer<typeof telnyxInboundSchema>;

export const telnyxOutboundSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("media"), media: z.object({ payload: z.string() }).strict() }).strict(),
  z.object({ event: z.literal("mark"), mark: z.object({ name: z.string() }).strict() }).strict(),
  z.object({ event: z.literal("clear") }).strict(),
]);
export type TelnyxOutbound = z.infer<typeof telnyxOutboundSchema>;
