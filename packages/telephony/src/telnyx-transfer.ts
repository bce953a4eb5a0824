import { telnyxCalls } from "./telnyx-calls.ts";

/** Hands a live Telnyx call to a person: the Call Control `transfer` command (official SDK), idempotent per call. */
export async function telnyxTransfer(o: { apiKey: string; apiUrl: string; callControlId: string; to: string; callId: string }): Promise<void> {
  await telnyxCalls({ apiKey: o.apiKey, apiUrl: o.apiUrl }).transfer(o.callControlId, { to: o.to, command_id: `transfer-${o.callId}` });
}
