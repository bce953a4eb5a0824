import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, ROLES } from "../src/index.ts";

describe("OTEL_* settings", () => {
  it("tracing is off unless an OTLP endpoint is set; the service is named after the role", () => {
    for (const role of ROLES) {
      expect(loadConfig(role, {}).telemetry).toEqual({ otlpEndpoint: undefined, serviceName: `orbisvoice-${role}`, otlpHeaders: {} });
    }
    expect(loadConfig("gateway", { OTEL_EXPORTER_OTLP_ENDPOINT: "" }).telemetry.otlpEndpoint).toBeUndefined();
  });

  it("reads the endpoint, a service name and the export headers (key=value, values URL-encoded)", () => {
    const t = loadConfig("worker", {
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com:4318",
      OTEL_SERVICE_NAME: "voice-eu",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20YWxhZGRpbg%3D%3D, x-scope-orgid=tenant-1,",
    }).telemetry;
    expect(t).toEqual({
      otlpEndpoint: "https://otel.example.com:4318",
      serviceName: "voice-eu",
      otlpHeaders: { Authorization: "Basic YWxhZGRpbg==", "x-scope-orgid": "tenant-1" },
    });
  });

  it("refuses an endpoint that is not http(s) and malformed headers, without showing the headers' value", () => {
    expect(() => loadConfig("api", { OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317" })).toThrowError(
      /^Invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT must start with http:\/\/ or https:\/\//,
    );
    for (const bad of ["api-key", "=secret-value", "bad key=secret-value", "k=%E0%A4%A"]) {
      let message = "";
      try {
        loadConfig("api", { OTEL_EXPORTER_OTLP_HEADERS: bad });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration: OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs/);
      expect(message).toContain("value not shown");
      expect(message).not.toContain("secret-value");
    }
  });
});
