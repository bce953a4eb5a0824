import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.ts";

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig("all", env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration errors name a secret, never show it", () => {
  it.each([
    ["JWT_SECRET", "too-short-jwt-secret"],
    ["ENCRYPTION_KEY", "not-a-key-but-a-secret-value"],
    ["METRICS_TOKEN", "x"],
  ])("%s", (name, value) => {
    const message = messageOf({ [name]: value });
    expect(message).toContain(name);
    expect(message).toContain("value not shown");
    expect(message).not.toContain(value);
  });

  it("a URL is shown without its user and password", () => {
    const message = messageOf({ DATABASE_URL: "mysql://orbis:hunter2-db-password@db.internal/orbis" });
    expect(message).toMatch(/^Invalid configuration: DATABASE_URL /);
    expect(message).not.toContain("hunter2");
    expect(message).toContain("mysql://[redacted]@db.internal/orbis");
  });

  it("other values are still shown, to help fix them", () => {
    expect(messageOf({ PORT: "abc" })).toMatch(/\(got "abc"\)$/);
  });
});
