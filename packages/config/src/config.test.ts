import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.ts";

describe("loadConfig", () => {
  it("applies defaults", () => {
    const c = loadConfig("api", {});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe(".orbis");
    expect(c.databaseUrl).toBeUndefined();
    expect(c.rateLimitPerMinute).toBe(100);
  });

  it("names the bad variable in one line", () => {
    expect(() => loadConfig("api", { PORT: "abc" })).toThrowError(/^Invalid configuration: PORT .*\(got "abc"\)$/);
    expect(() => loadConfig("api", { DATABASE_URL: "mysql://x" })).toThrowError(/DATABASE_URL must start with postgres/);
    expect(() => loadConfig("api", { DATABASE_TENANT_BINDING: "session" })).toThrowError(/^Invalid configuration: DATABASE_TENANT_BINDING /);
  });

  it("binds tenant settings per connection unless told a transaction-mode pooler is in between", () => {
    expect(loadConfig("api", {}).databaseTenantBinding).toBe("connection");
    expect(loadConfig("api", { DATABASE_TENANT_BINDING: "transaction" }).databaseTenantBinding).toBe("transaction");
  });

  it("requires a JWT secret and an encryption key in production", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(() => loadConfig("api", { NODE_ENV: "production", ENCRYPTION_KEY: key })).toThrowError(/JWT_SECRET/);
    expect(() => loadConfig("api", { NODE_ENV: "production", JWT_SECRET: "x".repeat(32) })).toThrowError(/ENCRYPTION_KEY/);
    expect(loadConfig("api", { NODE_ENV: "production", JWT_SECRET: "x".repeat(32), ENCRYPTION_KEY: key }).jwtSecret).toBe("x".repeat(32));
  });

  it("keeps tools off private networks unless ALLOW_PRIVATE_NETWORK_TOOLS=true, in every role", () => {
    for (const role of ["api", "gateway", "worker", "all"] as const) {
      expect(loadConfig(role, {}).allowPrivateNetworkTools).toBe(false);
      expect(loadConfig(role, { ALLOW_PRIVATE_NETWORK_TOOLS: "true" }).allowPrivateNetworkTools).toBe(true);
    }
    expect(() => loadConfig("api", { ALLOW_PRIVATE_NETWORK_TOOLS: "yes" })).toThrowError(
      /^Invalid configuration: ALLOW_PRIVATE_NETWORK_TOOLS .*\(got "yes"\)$/,
    );
  });

  it("parses the gateway role's limits", () => {
    expect(loadConfig("gateway", { MAX_CALLS_PER_WORKSPACE: "3" }).maxCallsPerWorkspace).toBe(3);
  });

  it("reads the sales practice model: offline when unset, <provider>:<model> otherwise", () => {
    expect(loadConfig("gateway", {}).practiceLlm).toBeUndefined();
    expect(loadConfig("gateway", { PRACTICE_LLM: " " }).practiceLlm).toBeUndefined();
    expect(loadConfig("gateway", { PRACTICE_LLM: "openai:gpt-4o-mini" }).practiceLlm).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    // A model id with a colon of its own (Ollama tags) stays whole.
    expect(loadConfig("all", { PRACTICE_LLM: "ollama:llama3.2:3b" }).practiceLlm).toEqual({ provider: "ollama", model: "llama3.2:3b" });
    expect(loadConfig("gateway", { PRACTICE_LLM: "anthropic" }).practiceLlm).toEqual({ provider: "anthropic" });
    expect(() => loadConfig("gateway", { PRACTICE_LLM: "gpt-4o-mini" })).toThrowError(/^Invalid configuration: PRACTICE_LLM must be <provider>:<model>/);
    expect(() => loadConfig("gateway", { PRACTICE_LLM: "openai:" })).toThrowError(/PRACTICE_LLM must be/);
  });

  it("reads platform provider keys (names from AI_VENDORS) and the price overrides", () => {
    const c = loadConfig("gateway", {
      GEMINI_API_KEY: "gm-key",
      GEMINI_BASE_URL: "ws://127.0.0.1:9",
      DEEPGRAM_API_KEY: " ",
      OPENAI_BASE_URL: "http://127.0.0.1:8",
      PROVIDER_PRICES: '{"deepgram":{"sttPerMinute":0.0043}}',
    });
    expect(c.providerKeys).toEqual({ gemini: { apiKey: "gm-key", baseUrl: "ws://127.0.0.1:9" }, openai: { baseUrl: "http://127.0.0.1:8" } });
    // Only the operator's overrides: list prices come with the provider definitions (@orbis/providers).
    expect(c.prices).toEqual({ deepgram: { sttPerMinute: 0.0043 } });
    expect(loadConfig("gateway", { OPENAI_COMPATIBLE_API_KEY: "k", OLLAMA_BASE_URL: "http://10.0.0.5:11434/v1" }).providerKeys).toEqual({
      "openai-compatible": { apiKey: "k" },
      ollama: { baseUrl: "http://10.0.0.5:11434/v1" },
    });
    expect(() => loadConfig("gateway", { OLLAMA_BASE_URL: "10.0.0.5:11434" })).toThrowError(/OLLAMA_BASE_URL must start with/);
    expect(() => loadConfig("gateway", { PROVIDER_PRICES: "{" })).toThrowError(/PROVIDER_PRICES must be JSON/);
    expect(() => loadConfig("gateway", { PROVIDER_PRICES: '{"x":{"sttPerMinut":1}}' })).toThrowError(/PROVIDER_PRICES must be a JSON price table/);
  });

  it("keeps billing off by default; BILLING=stripe needs both Stripe secrets; carrier rates are checked JSON", () => {
    for (const role of ["api", "gateway", "worker", "all"] as const) expect(loadConfig(role, {}).billing).toMatchObject({ mode: "off", stripe: undefined });
    expect(() => loadConfig("api", { BILLING: "stripe", STRIPE_SECRET_KEY: "sk_test_1" })).toThrowError(
      /BILLING=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/,
    );
    const on = loadConfig("worker", {
      BILLING: "stripe",
      STRIPE_SECRET_KEY: "sk_test_1",
      STRIPE_WEBHOOK_SECRET: "whsec_1",
      STRIPE_API_URL: "http://127.0.0.1:12111",
      CARRIER_RATES: '{"twilio":0.01}',
      BILLING_GRACE_DAYS: "3",
    }).billing;
    expect(on).toMatchObject({
      mode: "stripe",
      graceDays: 3,
      carrierRates: { twilio: 0.01 },
      stripe: { secretKey: "sk_test_1", webhookSecret: "whsec_1", apiUrl: "http://127.0.0.1:12111" },
    });
    expect(() => loadConfig("api", { CARRIER_RATES: '{"twilio":"cheap"}' })).toThrowError(/CARRIER_RATES must be JSON like/);
    expect(() => loadConfig("api", { BILLING: "yes" })).toThrowError(/^Invalid configuration: BILLING/);
    // A secret's value never shows in the error.
    expect(() => loadConfig("api", { BILLING: "stripe", STRIPE_SECRET_KEY: "sk_live_secret" })).not.toThrowError(/sk_live_secret/);
  });

  it("guards /metrics with METRICS_TOKEN or moves it to METRICS_ADDRESS, in every role; open when neither is set", () => {
    for (const role of ["api", "gateway", "worker", "all"] as const) {
      expect(loadConfig(role, {})).toMatchObject({ metricsToken: undefined, metricsAddress: undefined });
    }
    expect(loadConfig("gateway", { METRICS_TOKEN: "0123456789abcdef" }).metricsToken).toBe("0123456789abcdef");
    expect(() => loadConfig("gateway", { METRICS_TOKEN: "short" })).toThrowError(/^Invalid configuration: METRICS_TOKEN must be at least 16 characters/);
    expect(loadConfig("api", { METRICS_ADDRESS: "127.0.0.1:9464" }).metricsAddress).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(loadConfig("api", { METRICS_ADDRESS: "[::1]:9464" }).metricsAddress).toEqual({ host: "::1", port: 9464 });
    for (const bad of ["9464", "localhost:", "localhost:99999", "http://x:1"]) {
      expect(() => loadConfig("api", { METRICS_ADDRESS: bad })).toThrowError(/^Invalid configuration: METRICS_ADDRESS must be host:port/);
    }
  });

  it("serves the API docs unless API_DOCS=off", () => {
    expect(loadConfig("api", {}).apiDocs).toBe(true);
    expect(loadConfig("api", { API_DOCS: "off" }).apiDocs).toBe(false);
    expect(() => loadConfig("api", { API_DOCS: "no" })).toThrowError(/^Invalid configuration: API_DOCS /);
  });

  it("takes CORS origins as exact origins, never *", () => {
    expect(loadConfig("api", { CORS_ORIGINS: "https://app.example.com, http://localhost:5173" }).corsOrigins).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
    ]);
    for (const bad of ["*", "https://app.example.com/", "app.example.com", "https://a.example.com,*", "ftp://x.example.com"]) {
      expect(() => loadConfig("api", { CORS_ORIGINS: bad }), bad).toThrowError(/^Invalid configuration: CORS_ORIGINS must list origins/);
    }
  });
});
