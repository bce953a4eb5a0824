import { z } from "zod";

/**
 * The only reader of process.env. One schema per role, parsed once at start-up by the composition
 * root and passed down. A bad variable stops start-up with one line naming it.
 */

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), `must start with ${protocols.join(" or ")}`);

/**
 * Vendors whose platform-wide keys config may hold (`<VENDOR>_API_KEY`, `<VENDOR>_BASE_URL`). A
 * workspace's own stored key wins over these; providers get keys from the gateway, never from env.
 */
export const PLATFORM_KEY_VENDORS = ["openai", "gemini", "anthropic", "deepgram", "elevenlabs", "groq", "openrouter", "openai-compatible"] as const;
export type PlatformKeyVendor = (typeof PLATFORM_KEY_VENDORS)[number];
const envName = (vendor: PlatformKeyVendor, suffix: "API_KEY" | "BASE_URL") => `${vendor.toUpperCase().replace(/-/g, "_")}_${suffix}`;

function platformKeyVariables() {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const vendor of PLATFORM_KEY_VENDORS) {
    shape[envName(vendor, "API_KEY")] = z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined);
    shape[envName(vendor, "BASE_URL")] = optionalUrl(["http://", "https://", "ws://", "wss://"]);
  }
  return shape;
}

/** Prices per provider id or vendor (USD); any missing entry costs nothing. Same shape as `PriceTable` in @orbis/providers. */
export const providerPriceSchema = z.strictObject({
  sttPerMinute: z.number().min(0).optional(),
  llmPerMillionIn: z.number().min(0).optional(),
  llmPerMillionOut: z.number().min(0).optional(),
  ttsPerMillionCharacters: z.number().min(0).optional(),
  realtimePerMinute: z.number().min(0).optional(),
});
export const priceTableSchema = z.record(z.string().min(1), providerPriceSchema);
export type ConfigPriceTable = z.infer<typeof priceTableSchema>;

/**
 * List prices (USD, pay-as-you-go, late 2025) of the default models; approximate, override with
 * PROVIDER_PRICES. Realtime is per minute of caller audio sent (output audio folded in at a typical
 * talk ratio). The offline engines cost nothing.
 */
export const DEFAULT_PRICES: ConfigPriceTable = {
  offline: {},
  pocketsphinx: {},
  flite: {},
  deepgram: { sttPerMinute: 0.0077 },
  "deepgram-aura": { ttsPerMillionCharacters: 30 },
  elevenlabs: { ttsPerMillionCharacters: 50 },
  "openai-tts": { ttsPerMillionCharacters: 15 },
  openai: { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 },
  "openai:gpt-4o": { llmPerMillionIn: 2.5, llmPerMillionOut: 10 },
  "openai:gpt-4.1-mini": { llmPerMillionIn: 0.4, llmPerMillionOut: 1.6 },
  groq: { llmPerMillionIn: 0.59, llmPerMillionOut: 0.79 },
  openrouter: { llmPerMillionIn: 0.15, llmPerMillionOut: 0.6 },
  ollama: {},
  anthropic: { llmPerMillionIn: 1, llmPerMillionOut: 5 },
  gemini: { llmPerMillionIn: 0.3, llmPerMillionOut: 2.5 },
  "gemini-live": { realtimePerMinute: 0.023 },
  "openai-realtime": { realtimePerMinute: 0.1 },
};

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
  /** Band-fill noise amplitude for 8 kHz phone audio before the 16 kHz recogniser (reference/speech.md §2.5). */
  PHONE_BAND_FILL: z.coerce.number().min(0).max(0.2).default(0.02),
  ...platformKeyVariables(),
  /** JSON price overrides merged over DEFAULT_PRICES, per provider id or vendor: `{"deepgram":{"sttPerMinute":0.0043}}`. */
  PROVIDER_PRICES: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        const parsed = priceTableSchema.safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: "custom", message: `must be a JSON price table (${parsed.error.issues[0]?.message ?? "invalid"})` });
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
      }
      return z.NEVER;
    }),
});


/** 32 raw bytes from hex or base64; null when the value is neither. */
export function parseEncryptionKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return bytes.length === 32 ? bytes : null;
}

const httpSchema = baseSchema.extend({
  PORT: port.default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_BASE_URL: optionalUrl(["http://", "https://"]),
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

const apiSchema = httpSchema.extend({
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean)),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
});

const gatewaySchema = httpSchema.extend({
  MAX_CALLS_PER_WORKSPACE: z.coerce.number().int().min(1).default(50),
  MAX_CALLS_PER_KEY: z.coerce.number().int().min(1).default(20),
});

const workerSchema = baseSchema;

const schemas = { api: apiSchema, gateway: gatewaySchema, worker: workerSchema, all: apiSchema.extend(gatewaySchema.shape) };
export type Role = keyof typeof schemas;
export const ROLES = Object.keys(schemas) as Role[];

type RawEnv = Record<string, string | undefined>;

function toConfig<R extends Role>(role: R, env: z.infer<(typeof schemas)[R]>) {
  const e = env as z.infer<(typeof schemas)["all"]>;
  if (e.NODE_ENV === "production" && !e.JWT_SECRET) {
    throw new ConfigError("JWT_SECRET: required when NODE_ENV=production");
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
    /** Platform keys and endpoint overrides per vendor (only those set); a workspace's stored key wins over the key. */
    providerKeys: platformKeysOf(e as unknown as RawEnv),
    prices: { ...DEFAULT_PRICES, ...e.PROVIDER_PRICES } as ConfigPriceTable,
    port: e.PORT ?? 3000,
    host: e.HOST ?? "0.0.0.0",
    publicBaseUrl: e.PUBLIC_BASE_URL,
    trustProxy: e.TRUST_PROXY ?? false,
    corsOrigins: e.CORS_ORIGINS ?? [],
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 100,
    maxCallsPerWorkspace: e.MAX_CALLS_PER_WORKSPACE ?? 50,
    maxCallsPerKey: e.MAX_CALLS_PER_KEY ?? 20,
  };
}

function platformKeysOf(env: RawEnv): Partial<Record<PlatformKeyVendor, { apiKey?: string; baseUrl?: string }>> {
  const out: Partial<Record<PlatformKeyVendor, { apiKey?: string; baseUrl?: string }>> = {};
  for (const vendor of PLATFORM_KEY_VENDORS) {
    const apiKey = env[envName(vendor, "API_KEY")];
    const baseUrl = env[envName(vendor, "BASE_URL")];
    if (apiKey || baseUrl) out[vendor] = { ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) };
  }
  return out;
}

export type AppConfig = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parse the environment for a role. Throws ConfigError with one readable line. */
export function loadConfig(role: Role, env: RawEnv = process.env): AppConfig {
  const result = schemas[role].safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const got = env[name];
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${got === undefined ? "" : ` (got "${got}")`}`);
  }
  return toConfig(role, result.data as never);
}

/** A configuration for tests and tools: defaults plus explicit overrides, never the process env. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig("all", { NODE_ENV: "test", LOG_LEVEL: "silent" }), jwtSecret: "test-secret-test-secret-test-secret-0", encryptionKey: Buffer.alloc(32, 7), ...overrides };
}

/**
 * Where integration tests point: TEST_DATABASE_URL / TEST_REDIS_URL switch them from PGlite and the
 * in-process cache to real servers (.ci/run runs the suite both ways).
 */
export function testTargets(env: RawEnv = process.env): { databaseUrl?: string; redisUrl?: string } {
  return { databaseUrl: env.TEST_DATABASE_URL || undefined, redisUrl: env.TEST_REDIS_URL || undefined };
}
