import type { Tracer } from "@opentelemetry/api";
import type { AppConfig, Role } from "@orbis/config";
import { GATEWAY_TRACER } from "@orbis/gateway";

/** The process's tracing: a tracer for the gateway's call traces when on, and the flush at shutdown. */
export interface Telemetry {
  /** Absent when tracing is off (no OTEL_EXPORTER_OTLP_ENDPOINT): nothing records, nothing was loaded. */
  tracer?: Tracer;
  /** Sends what is still batched and stops exporting; call once, at process close. */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { shutdown: async () => {} };

/**
 * OpenTelemetry for one process: with OTEL_EXPORTER_OTLP_ENDPOINT set, a NodeTracerProvider whose spans
 * are batched and posted as OTLP/HTTP JSON to `<endpoint>/v1/traces`, under `service.name`
 * (OTEL_SERVICE_NAME, default `orbisvoice-<role>`) and the role. Unset, tracing is off: the SDK is not
 * even imported, and the gateway gets no tracer, so calls do no tracing work at all.
 *
 * The provider is also registered as the process's global one (for any library that traces through
 * the API); the gateway itself takes the tracer handed to it rather than the global, which keeps it
 * independent of how many copies of `@opentelemetry/api` the install has.
 */
export async function startTelemetry(config: AppConfig, role: Role): Promise<Telemetry> {
  const { otlpEndpoint, serviceName, otlpHeaders } = config.telemetry;
  if (!otlpEndpoint) return OFF;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/semantic-conventions"),
    ]);
  const exporter = new OTLPTraceExporter({ url: tracesUrl(otlpEndpoint), headers: otlpHeaders });
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, "orbis.role": role })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  let closed: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(GATEWAY_TRACER),
    shutdown: () => (closed ??= provider.shutdown().catch((err: unknown) => console.error("orbis: trace export at shutdown failed:", err))),
  };
}

/** OTLP/HTTP: the traces path is appended to the base endpoint (as the OTel SDKs do with OTEL_EXPORTER_OTLP_ENDPOINT). */
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}
