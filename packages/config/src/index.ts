import { z } from "zod";
import { AI_VENDORS, AI_VENDOR_IDS, type AiVendor } from "@orbis/contracts";

/**
 * The only reader of process.env. One schema per role, parsed once at start-up by the composition
 * root and passed down. A bad variable stops start-up with one line naming it.
 */

const port = z.coerce.number().int().min(0).max(65535);
const flag = z
  .enum(["true", "false"])
  .default("false")
  .transform((v) => v === "true");
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), `must start with ${protocols.join(" or ")}`);

/**
 * Platform-wide keys and endpoints of the AI vendors (`<VENDOR>_API_KEY`, `<VENDOR>_BASE_URL`; the
 * names are `AI_VENDORS` in @orbis/contracts, shared with the provider definitions). A workspace's own
 * stored key wins over the platform key; providers get keys from the gateway, never from env.
 */
function platformKeyVariables() {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const env of Object.values(AI_VENDORS)) {
    shape[env.apiKey] = z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined);
    shape[env.baseUrl] = optionalUrl(["http://", "https://", "ws://", "wss://"]);
  }
  return shape;
}

/** Price overrides per provider id or vendor (USD). Same shape as `PriceTable` in @orbis/providers, whose definitions hold the list prices. */
export const providerPriceSchema = z.strictObject({
  sttPerMinute: z.number().min(0).optional(),
  llmPerMillionIn: z.number().min(0).optional(),
  llmPerMillionOut: z.number().min(0).optional(),
  ttsPerMillionCharacters: z.number().min(0).optional(),
  realtimePerMinute: z.number().min(0).optional(),
});
export const priceTableSchema = z.record(z.string().min(1), providerPriceSchema);
export type ConfigPriceTable = z.infer<typeof priceTableSchema>;
/** Carrier voice prices in USD per minute, by carrier. */
const carrierRatesSchema = z.strictObject({ twilio: z.number().min(0).max(1).optional(), telnyx: z.number().min(0).max(1).optional() });

/** A trimmed string; empty or unset: undefined. */
const optionalText = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined);

/** A variable holding JSON checked by `schema`; unset or empty: `{}`. */
function jsonVariable<T extends z.ZodType<object>>(schema: T, expected: string) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): z.infer<T> => {
      if (!v) return {} as z.infer<T>;
      try {
        const parsed = schema.safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: "custom", message: `${expected} (${parsed.error.issues[0]?.message ?? "invalid"})` });
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
      }
      return z.NEVER;
    });
}

const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default(".orbis"),
  DATABASE_URL: optionalUrl(["postgres://", "postgresql://"]),
  DATABASE_TENANT_BINDING: z.enum(["connection", "transaction"]).default("connection"),
  REDIS_URL: optionalUrl(["redis://", "rediss://"]),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Encrypts provider credentials at rest (AES-256-GCM): 32 bytes as 64 hex chars or base64. */
  ENCRYPTION_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? parseEncryptionKey(v) : undefined))
    .refine((v) => v !== null, "must be 32 bytes as 64 hex characters or base64"),
  /** Carrier REST bases: the real APIs by default, a loopback emulator in tests. */
  TWILIO_API_URL: optionalUrl(["http://", "https://"]),
  TELNYX_API_URL: z.string().url().default("https://api.telnyx.com/v2"),
  /**
   * Lets tenant HTTP tools reach loopback, private and link-local addresses (self-hosted setups whose
   * tools run on the same network). Off: @orbis/outbound refuses them. Read by every role that runs tools.
   */
  ALLOW_PRIVATE_NETWORK_TOOLS: flag,
  /** Where email goes: an SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`); unset, the dev outbox (Outbox page, nothing sent). */
  SMTP_URL: optionalUrl(["smtp://", "smtps://"]),
  /**
   * Seconds a worker holds a job (a webhook delivery, an email, a text message) before another worker may
   * take it over: a job held by a worker that died runs again after this plus a maintenance pass (15 s).
   * Longer than the slowest send (webhook requests time out after 10 s).
   */
  JOB_LEASE_SEC: z.coerce.number().int().min(15).max(3600).default(60),
  /** Seconds between the worker's campaign scheduler passes (each starts the calls that are due; docs/campaigns.md). */
  CAMPAIGN_TICK_SEC: z.coerce.number().int().min(1).max(300).default(10),
  /** `From:` of every email the platform sends. */
  EMAIL_FROM: z
    .string()
    .trim()
    .default("OrbisVoice <no-reply@localhost>")
    .refine((v) => /^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/.test(v), "must be an address, like OrbisVoice <no-reply@example.com>"),
  /** Links in emails and pages (the worker writes emails too); unset: http://localhost:<PORT>. */
  PUBLIC_BASE_URL: optionalUrl(["http://", "https://"]),
  /** Band-fill noise amplitude for 8 kHz phone audio before the 16 kHz recogniser (docs/telephony.md). */
  PHONE_BAND_FILL: z.coerce.number().min(0).max(0.2).default(0),
  /** Spectral folding of 8 kHz phone audio into the 4–8 kHz band before the 16 kHz recogniser (0 off; docs/telephony.md). */
  PHONE_SPECTRAL_FOLD: z.coerce.number().min(0).max(1).default(0.3),
  ...platformKeyVariables(),
  /** `stripe`: plans are sold and enforced through Stripe (docs/billing.md); `off` (default): one unlimited plan. */
  BILLING: z.enum(["off", "stripe"]).default("off"),
  /** A JSON plan catalogue replacing the built-in Free / Starter / Growth / Custom (docs/billing.md). */
  BILLING_PLANS_FILE: z.string().trim().optional(),
  /** Days a past_due subscription keeps its plan before calls stop. */
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  STRIPE_SECRET_KEY: z.string().trim().optional(),
  /** The signing secret of the Stripe webhook endpoint (`whsec_…`) that posts to /v1/billing/stripe/webhook. */
  STRIPE_WEBHOOK_SECRET: z.string().trim().optional(),
  /** Stripe's API base: the real API by default, a loopback emulator in tests. */
  STRIPE_API_URL: optionalUrl(["http://", "https://"]),
  /** Where call recordings go: `local` (`<DATA_DIR>/recordings`, default) or `s3` (an S3-compatible bucket, `S3_*`). */
  RECORDINGS_STORE: z.enum(["local", "s3"]).default("local"),
  /** Encryption at rest: `sse-s3` / `sse-kms` ask the bucket; `aes-gcm` seals files with ENCRYPTION_KEY before they leave the process (either store). */
  RECORDINGS_ENCRYPTION: z.enum(["none", "sse-s3", "sse-kms", "aes-gcm"]).default("none"),
  /** How long a recording's signed URL works (the dashboard's player asks for a new one each time). */
  RECORDING_URL_TTL_SEC: z.coerce.number().int().min(10).max(86_400).default(300),
  S3_BUCKET: optionalText(),
  S3_REGION: z.string().trim().min(1).default("us-east-1"),
  /** An S3-compatible service (MinIO, Ceph…), addressed path-style; unset: AWS S3. */
  S3_ENDPOINT: optionalUrl(["http://", "https://"]),
  /** Unset: the AWS SDK's default chain (environment, instance or pod role). */
  S3_ACCESS_KEY_ID: optionalText(),
  S3_SECRET_ACCESS_KEY: optionalText(),
  /** Prepended to every recording's key, e.g. `recordings/`. */
  S3_PREFIX: z.string().trim().default(""),
  /** The KMS key of `RECORDINGS_ENCRYPTION=sse-kms`; unset: the bucket's AWS-managed key. */
  S3_KMS_KEY_ID: optionalText(),
  /** Google Calendar sync (docs/calendars.md): the OAuth client of the operator's Google Cloud project; both or neither. */
  GOOGLE_CLIENT_ID: optionalText(),
  GOOGLE_CLIENT_SECRET: optionalText(),
  /** Google's OAuth base (authorization `/o/oauth2/v2/auth`, `/token`, `/revoke` under it); unset: accounts.google.com and oauth2.googleapis.com. An emulator in tests. */
  GOOGLE_OAUTH_URL: optionalUrl(["http://", "https://"]),
  /** The Google APIs root (`<root>calendar/v3/…`); unset: https://www.googleapis.com/. */
  GOOGLE_API_URL: optionalUrl(["http://", "https://"]),
  /** Microsoft 365 / Outlook calendar sync: the Entra ID app registration; both or neither. */
  MICROSOFT_CLIENT_ID: optionalText(),
  MICROSOFT_CLIENT_SECRET: optionalText(),
  /** The Entra tenant accounts sign in through: `common` (work and personal), `organizations`, `consumers` or a tenant id. */
  MICROSOFT_TENANT: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,100}$/, "must be common, organizations, consumers or a tenant id/domain")
    .default("common"),
  /** The Microsoft identity platform base; unset: https://login.microsoftonline.com. */
  MICROSOFT_LOGIN_URL: optionalUrl(["http://", "https://"]),
  /** Microsoft Graph's base; unset: https://graph.microsoft.com. */
  MICROSOFT_GRAPH_URL: optionalUrl(["http://", "https://"]),
  /** JSON carrier prices per minute, over the defaults: `{"twilio":0.0085,"telnyx":0.005}`. */
  CARRIER_RATES: jsonVariable(carrierRatesSchema, 'must be JSON like {"twilio":0.0085}'),
  /** The infrastructure estimate per call minute (compute, storage, bandwidth) in the cost of a call. */
  INFRA_COST_PER_MINUTE: z.coerce.number().min(0).max(1).default(0.002),
  /** Which click a signup is attributed to when a visitor clicked several referral links: the first (default) or the last. */
  REFERRAL_ATTRIBUTION: z.enum(["first", "last"]).default("first"),
  /** Days a referral click can still be attributed a signup. */
  REFERRAL_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** The version of the affiliate terms shown on /affiliates: a signup records it with the time of acceptance. */
  AFFILIATE_TERMS_VERSION: z.string().trim().min(1).max(40).default("2026-12"),
  /** JSON price overrides, per provider id or vendor, over the provider definitions' list prices: `{"deepgram":{"sttPerMinute":0.0043}}`. */
  PROVIDER_PRICES: jsonVariable(priceTableSchema, "must be a JSON price table"),
  /** Where OpenTelemetry traces go over OTLP/HTTP (`/v1/traces` is appended); unset: tracing is off, nothing is loaded. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(["http://", "https://"]),
  /** The `service.name` of this process's traces; default `orbisvoice-<role>`. */
  OTEL_SERVICE_NAME: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  /** Headers sent with every export (the collector's auth): `key=value,key2=value2`, values URL-encoded (the OTel convention). */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): Record<string, string> => {
      const headers = v ? parseOtlpHeaders(v) : {};
      if (headers) return headers;
      ctx.addIssue({ code: "custom", message: "must be key=value pairs separated by commas" });
      return z.NEVER;
    }),
});

/** `key=value,key2=value2` (values URL-encoded) as headers; null when a pair is malformed. */
function parseOtlpHeaders(value: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const pair of value.split(",")) {
    if (!pair.trim()) continue;
    const at = pair.indexOf("=");
    const key = pair.slice(0, at).trim();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return null;
    try {
      headers[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return null;
    }
  }
  return headers;
}

/** 32 raw bytes from hex or base64; null when the value is neither. */
export function parseEncryptionKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return bytes.length === 32 ? bytes : null;
}

/** `host:port` (`[::1]:9464` for IPv6): where a separate listener serves /metrics. */
const listenAddress = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(v);
    const port = match ? Number(match[3]) : NaN;
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: "custom", message: "must be host:port, e.g. 127.0.0.1:9464" });
      return z.NEVER;
    }
    return { host: match[1] ?? match[2]!, port };
  });

const httpSchema = baseSchema.extend({
  PORT: port.default(3000),
  HOST: z.string().default("0.0.0.0"),
  TRUST_PROXY: flag,
  /** /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` when set. */
  METRICS_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  /** /metrics moves off the public port to a listener of its own at this address when set. */
  METRICS_ADDRESS: listenAddress,
});

/** A dashboard origin allowed with credentials: scheme, host and port only; never `*`. */
const corsOrigin = z.string().refine((v) => {
  if (v === "*") return false;
  try {
    const url = new URL(v);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === v;
  } catch {
    return false;
  }
}, "must list origins like https://app.example.com (no path, no trailing slash; never *: the dashboard sends credentials)");

const apiSchema = httpSchema.extend({
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(corsOrigin)),
  /** The OpenAPI document (/openapi.json) and its UI (/docs). */
  API_DOCS: z.enum(["on", "off"]).default("on"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /** Requests per minute per signed-in dashboard user (all their sessions together). */
  RATE_LIMIT_SESSION_PER_MINUTE: z.coerce.number().int().min(1).default(600),
});

/**
 * `PRACTICE_LLM`: the language model that plays sales practice prospects, as `<provider>:<model>`
 * (`openai:gpt-4o-mini`, `anthropic:claude-haiku-4-5`, `ollama:llama3.2:3b`) or a provider alone (its
 * default model). The provider is a chat chain id of @orbis/providers (the gateway checks it at
 * start-up); its key is the workspace's stored one or the platform's. Unset: the offline prospect.
 */
const practiceLlm = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx): { provider: string; model?: string } | undefined => {
    if (!v) return undefined;
    const match = /^([a-z][a-z0-9-]*)(?::(\S+))?$/.exec(v);
    if (!match || !(AI_VENDOR_IDS as string[]).includes(match[1]!)) {
      ctx.addIssue({ code: "custom", message: `must be <provider>:<model> with a provider among ${AI_VENDOR_IDS.join(", ")}` });
      return z.NEVER;
    }
    return { provider: match[1]!, ...(match[2] ? { model: match[2] } : {}) };
  });

const gatewaySchema = httpSchema.extend({
  MAX_CALLS_PER_WORKSPACE: z.coerce.number().int().min(1).default(50),
  MAX_CALLS_PER_KEY: z.coerce.number().int().min(1).default(20),
  /** A call's slot is a lease renewed by its gateway's heartbeat: a crashed gateway's calls stop counting within this. */
  CALL_LEASE_SEC: z.coerce.number().int().min(1).max(60).default(60),
  PRACTICE_LLM: practiceLlm,
});

// The worker serves health and metrics on a port of its own.
const workerSchema = httpSchema;

const schemas = { api: apiSchema, gateway: gatewaySchema, worker: workerSchema, all: apiSchema.extend(gatewaySchema.shape) };
export type Role = keyof typeof schemas;
export const ROLES = Object.keys(schemas) as Role[];

type RawEnv = Record<string, string | undefined>;

function toConfig<R extends Role>(role: R, env: z.infer<(typeof schemas)[R]>) {
  const e = env as z.infer<(typeof schemas)["all"]>;
  if (e.NODE_ENV === "production" && !e.JWT_SECRET) {
    throw new ConfigError("JWT_SECRET: required when NODE_ENV=production");
  }
  if (e.BILLING === "stripe" && (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError("BILLING=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET");
  }
  if (e.NODE_ENV === "production" && !e.ENCRYPTION_KEY) {
    throw new ConfigError("ENCRYPTION_KEY: required when NODE_ENV=production");
  }
  return {
    role,
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseTenantBinding: e.DATABASE_TENANT_BINDING,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    encryptionKey: e.ENCRYPTION_KEY ?? undefined,
    twilioApiUrl: e.TWILIO_API_URL,
    telnyxApiUrl: e.TELNYX_API_URL,
    phoneBandFill: e.PHONE_BAND_FILL,
    phoneSpectralFold: e.PHONE_SPECTRAL_FOLD,
    allowPrivateNetworkTools: e.ALLOW_PRIVATE_NETWORK_TOOLS,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    jobLeaseSec: e.JOB_LEASE_SEC,
    campaignTickSec: e.CAMPAIGN_TICK_SEC,
    billing: {
      mode: e.BILLING,
      plansFile: e.BILLING_PLANS_FILE || undefined,
      graceDays: e.BILLING_GRACE_DAYS,
      stripe:
        e.BILLING === "stripe"
          ? { secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, ...(e.STRIPE_API_URL ? { apiUrl: e.STRIPE_API_URL } : {}) }
          : undefined,
      carrierRates: e.CARRIER_RATES as { twilio?: number; telnyx?: number },
      infraCostPerMinute: e.INFRA_COST_PER_MINUTE,
    },
    /** Google / Microsoft 365 calendar sync: a provider is present only when its client id and secret are set (docs/calendars.md). */
    calendars: calendarsOf(e),
    referrals: { attribution: e.REFERRAL_ATTRIBUTION, windowDays: e.REFERRAL_WINDOW_DAYS, termsVersion: e.AFFILIATE_TERMS_VERSION },
    /** Platform keys and endpoint overrides per vendor (only those set); a workspace's stored key wins over the key. */
    providerKeys: platformKeysOf(e as unknown as RawEnv),
    /** The operator's price overrides (`PROVIDER_PRICES`); the list prices come with the provider definitions. */
    prices: e.PROVIDER_PRICES as ConfigPriceTable,
    port: e.PORT ?? 3000,
    host: e.HOST ?? "0.0.0.0",
    publicBaseUrl: e.PUBLIC_BASE_URL,
    trustProxy: e.TRUST_PROXY ?? false,
    metricsToken: e.METRICS_TOKEN,
    metricsAddress: e.METRICS_ADDRESS,
    corsOrigins: e.CORS_ORIGINS ?? [],
    apiDocs: (e.API_DOCS ?? "on") === "on",
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 100,
    rateLimitSessionPerMinute: e.RATE_LIMIT_SESSION_PER_MINUTE ?? 600,
    maxCallsPerWorkspace: e.MAX_CALLS_PER_WORKSPACE ?? 50,
    maxCallsPerKey: e.MAX_CALLS_PER_KEY ?? 20,
    callLeaseSec: e.CALL_LEASE_SEC ?? 60,
    /** The model sales practice prospects are played by (`PRACTICE_LLM`); undefined: the offline prospect. */
    practiceLlm: e.PRACTICE_LLM,
    /** Call recordings: the store (`createRecordingStore` of @orbis/recordings), encryption at rest, signed URLs' lifetime. */
    recordings: recordingsOf(e),
    /** OpenTelemetry traces (apps/cli/src/telemetry.ts): off unless an OTLP endpoint is set. */
    telemetry: {
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME ?? `orbisvoice-${role}`,
      otlpHeaders: e.OTEL_EXPORTER_OTLP_HEADERS,
    },
  };
}

type BaseEnv = z.infer<typeof baseSchema>;

/** The recordings settings, checked together: what S3 needs is set, and bucket-side encryption only with a bucket. */
function recordingsOf(e: BaseEnv) {
  if (e.RECORDINGS_STORE === "s3" && !e.S3_BUCKET) throw new ConfigError("RECORDINGS_STORE=s3 needs S3_BUCKET");
  if (e.RECORDINGS_STORE === "local" && (e.RECORDINGS_ENCRYPTION === "sse-s3" || e.RECORDINGS_ENCRYPTION === "sse-kms")) {
    throw new ConfigError(`RECORDINGS_ENCRYPTION=${e.RECORDINGS_ENCRYPTION} needs RECORDINGS_STORE=s3 (aes-gcm encrypts local files)`);
  }
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) throw new ConfigError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither");
  return {
    store: e.RECORDINGS_STORE,
    encryption: e.RECORDINGS_ENCRYPTION,
    kmsKeyId: e.S3_KMS_KEY_ID,
    urlTtlSec: e.RECORDING_URL_TTL_SEC,
    s3:
      e.RECORDINGS_STORE === "s3" && e.S3_BUCKET
        ? {
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            prefix: e.S3_PREFIX,
          }
        : undefined,
  };
}

/** The calendar providers the operator configured (client id and secret both set) and where each is reached. */
function calendarsOf(e: BaseEnv) {
  if (!e.GOOGLE_CLIENT_ID !== !e.GOOGLE_CLIENT_SECRET) throw new ConfigError("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET: set both or neither");
  if (!e.MICROSOFT_CLIENT_ID !== !e.MICROSOFT_CLIENT_SECRET) throw new ConfigError("MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET: set both or neither");
  const trim = (url: string) => url.replace(/\/+$/, "");
  const oauth = e.GOOGLE_OAUTH_URL ? trim(e.GOOGLE_OAUTH_URL) : undefined;
  return {
    google: e.GOOGLE_CLIENT_ID
      ? {
          clientId: e.GOOGLE_CLIENT_ID,
          clientSecret: e.GOOGLE_CLIENT_SECRET!,
          authUrl: oauth ? `${oauth}/o/oauth2/v2/auth` : "https://accounts.google.com/o/oauth2/v2/auth",
          tokenUrl: oauth ? `${oauth}/token` : "https://oauth2.googleapis.com/token",
          revokeUrl: oauth ? `${oauth}/revoke` : "https://oauth2.googleapis.com/revoke",
          apiUrl: `${trim(e.GOOGLE_API_URL ?? "https://www.googleapis.com")}/`,
        }
      : undefined,
    microsoft: e.MICROSOFT_CLIENT_ID
      ? {
          clientId: e.MICROSOFT_CLIENT_ID,
          clientSecret: e.MICROSOFT_CLIENT_SECRET!,
          tenant: e.MICROSOFT_TENANT,
          loginUrl: trim(e.MICROSOFT_LOGIN_URL ?? "https://login.microsoftonline.com"),
          graphUrl: trim(e.MICROSOFT_GRAPH_URL ?? "https://graph.microsoft.com"),
        }
      : undefined,
  };
}

function platformKeysOf(env: RawEnv): Partial<Record<AiVendor, { apiKey?: string; baseUrl?: string }>> {
  const out: Partial<Record<AiVendor, { apiKey?: string; baseUrl?: string }>> = {};
  for (const vendor of AI_VENDOR_IDS) {
    const apiKey = env[AI_VENDORS[vendor].apiKey];
    const baseUrl = env[AI_VENDORS[vendor].baseUrl];
    if (apiKey || baseUrl) out[vendor] = { ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) };
  }
  return out;
}

export type AppConfig = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Variables whose value is a secret (JWT_SECRET, ENCRYPTION_KEY, every `<VENDOR>_API_KEY`, the OTLP headers…): an error names them, never shows them. */
const SECRET_NAME = /(SECRET|API_KEY|ENCRYPTION_KEY|TOKEN|PASSWORD|OTLP_HEADERS)/;

/** What an error may show of a bad value: none of a secret's, and a URL without its user and password. */
function shownValue(name: string, got: string): string {
  if (SECRET_NAME.test(name)) return " (value not shown)";
  return ` (got "${got.replace(/\/\/[^/@\s]*@/, "//[redacted]@")}")`;
}

/** Parse the environment for a role. Throws ConfigError with one readable line. */
export function loadConfig(role: Role, env: RawEnv = process.env): AppConfig {
  const result = schemas[role].safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const got = env[name];
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${got === undefined ? "" : shownValue(name, got)}`);
  }
  return toConfig(role, result.data as never);
}

/** A configuration for tests and tools: defaults plus explicit overrides, never the process env. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig("all", { NODE_ENV: "test", LOG_LEVEL: "silent" }),
    jwtSecret: "test-secret-test-secret-test-secret-0",
    encryptionKey: Buffer.alloc(32, 7),
    ...overrides,
  };
}

/**
 * Where integration tests point: TEST_DATABASE_URL / TEST_REDIS_URL switch them from PGlite and the
 * in-process cache to real servers (.ci/run runs the suite both ways).
 */
export function testTargets(env: RawEnv = process.env): { databaseUrl?: string; redisUrl?: string } {
  return { databaseUrl: env.TEST_DATABASE_URL || undefined, redisUrl: env.TEST_REDIS_URL || undefined };
}
