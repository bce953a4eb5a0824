/** One carrier message, normalised; every wire format maps onto these. */
export type CarrierMessage =
  | { kind: "connected" }
  | { kind: "start"; streamId: string; providerCallId: string; token?: string; encoding: string; sampleRate: number }
  | { kind: "media"; seq: number; payload: string; track: string }
  | { kind: "dtmf"; digit: string }
  | { kind: "mark"; name: string }
  | { kind: "stop" }
  | { kind: "carrier_error"; message: string }
  | { kind: "invalid"; message: string };

export interface CarrierProtocol {
  carrier: "twilio" | "telnyx";
  parse(json: unknown): CarrierMessage;
  media(streamId: string, payload: string): string;
  mark(streamId: string, name: string): string;
  clear(streamId: string): string;
  isMulaw(encoding: string, sampleRate: number): boolean;
}

/** A carrier frame that failed its schema: named by its event and the first problem, for the call log. */
export function invalidCarrierMessage(json: unknown, error: { issues: { path: PropertyKey[]; message: string }[] }): CarrierMessage {
  const event = (json as { event?: unknown } | null)?.event;
  const issue = error.issues[0];
  return { kind: "invalid", message: `${typeof event === "string" ? event : "message"}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim() };
}
