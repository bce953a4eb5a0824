import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testConfig } from "@orbis/config";
import { banner } from "../src/commands.ts";

afterEach(() => vi.restoreAllMocks());

describe("startup banner", () => {
  it.each(["all", "api", "gateway"] as const)("names services, never prints a secret (role %s)", (role) => {
    const config = testConfig({
      dataDir: mkdtempSync(join(tmpdir(), "orbis-banner-")),
      jwtSecret: "jwt-secret-value-that-must-not-print-0123",
      encryptionKey: Buffer.from("e".repeat(64), "hex"),
      databaseUrl: "postgres://orbis:db-password-0456@db.internal/orbis",
      redisUrl: "redis://:redis-password-0789@cache.internal:6379",
      metricsToken: "metrics-token-value-0999",
      providerKeys: { ...testConfig().providerKeys, openai: { apiKey: "sk-openai-key-value-0111" } },
    });
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
    banner(config, "postgres", role);
    const out = printed.join("\n");
    expect(out).toContain("OrbisVoice is running");
    expect(out).toContain("DATABASE_URL");
    expect(out).toContain("REDIS_URL");
    for (const secret of ["jwt-secret-value", "eeeeeeee", "db-password", "redis-password", "metrics-token-value", "sk-openai"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toContain(config.encryptionKey!.toString("base64"));
  });
});
