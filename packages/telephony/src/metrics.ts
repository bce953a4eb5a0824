import { Counter, type Registry } from "prom-client";

const PHONE_CALLS = "orbis_phone_calls_total";

/**
 * Phone calls by carrier and final status, shared by the api role (calls the carrier ended before any
 * media stream: busy, no answer, failed, hung up while ringing) and the gateway role (calls a session
 * ran); each call is counted once, by whichever side closed it. In one process both use one counter.
 */
export function phoneCallsCounter(registry: Registry): Counter<"carrier" | "status"> {
  const existing = registry.getSingleMetric(PHONE_CALLS);
  if (existing instanceof Counter) return existing as Counter<"carrier" | "status">;
  return new Counter({
    name: PHONE_CALLS,
    help: "Phone calls by carrier and final status (refused: the media stream was not accepted)",
    labelNames: ["carrier", "status"] as const,
    registers: [registry],
  });
}
