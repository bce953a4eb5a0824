import type { Channel } from "@orbis/contracts";

/** Carrier voice prices in USD per minute (inbound local, list prices late 2026); CARRIER_RATES overrides. */
export const DEFAULT_CARRIER_RATES: Record<Exclude<Channel, "web">, number> = { twilio: 0.0085, telnyx: 0.005 };

export interface CostRates {
  carrier: Partial<Record<Exclude<Channel, "web">, number>>;
  /** The infrastructure estimate per call minute (compute, storage, bandwidth). */
  infraPerMinute: number;
}

/** Carriers bill started minutes: a 61-second call is two. */
export const carrierMinutesOf = (channel: Channel, durationSec: number): number => (channel === "web" ? 0 : Math.ceil(Math.max(0, durationSec) / 60));

/** The carrier's and the infrastructure's share of a call's cost (the providers' share is in the call's usage). */
export function callOverheadCost(channel: Channel, durationSec: number, rates: CostRates): { carrierMinutes: number; carrierUsd: number; infraUsd: number } {
  const carrierMinutes = carrierMinutesOf(channel, durationSec);
  const rate = channel === "web" ? 0 : (rates.carrier[channel] ?? DEFAULT_CARRIER_RATES[channel]);
  return { carrierMinutes, carrierUsd: carrierMinutes * rate, infraUsd: (Math.max(0, durationSec) / 60) * rates.infraPerMinute };
}
