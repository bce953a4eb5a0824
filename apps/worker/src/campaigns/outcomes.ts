import { z } from "zod";
import { EVENT_PAYLOADS, createId, type ContactOutcome } from "@orbis/contracts";
import { tenantScopeOn, type CallRow, type CampaignContactRow, type CampaignRow, type DomainEventRow, type TenantScope, type Tx } from "@orbis/db";

/** What a campaign call leaves in `calls.metadata.campaign` (see @orbis/telephony `CampaignCallRef`). */
const campaignRefSchema = z.object({ campaignId: z.string(), contactId: z.string(), consentSource: z.string() });
/** Back-off never waits longer than a week. */
const MAX_BACKOFF_MIN = 7 * 24 * 60;

/** The contact's outcome of one ended call, and whether another attempt may follow. */
function outcomeOfCall(
  call: { status: string; endReason: string | null; metadata: CallRow["metadata"] },
  result: string | null,
): { outcome: ContactOutcome; retryable: boolean } {
  const amd = ((call.metadata ?? {}) as { amd?: { result?: string } }).amd;
  if (call.endReason === "voicemail_left") return { outcome: "voicemail", retryable: false };
  // A machine hung up on without a message: a person may answer next time.
  if (call.endReason === "answering_machine" || amd?.result === "machine") return { outcome: "voicemail", retryable: true };
  switch (result) {
    case "booked":
    case "rescheduled":
    case "cancelled":
    case "message":
      return { outcome: result, retryable: false };
    case "do_not_call":
      return { outcome: "declined", retryable: false };
    case "transferred":
    case "no_action":
      return { outcome: "completed", retryable: false };
  }
  if (call.status === "busy") return { outcome: "busy", retryable: true };
  if (call.status === "no_answer") return { outcome: "no_answer", retryable: true };
  if (call.status === "failed") return { outcome: "failed", retryable: true };
  return { outcome: "completed", retryable: false };
}

/**
 * The contact after an attempt: another one after `backoffMinutes × 2^(attempts−1)` while attempts
 * remain and the outcome allows it; otherwise finished (`failed` when the last attempt failed, else `done`).
 */
export function afterAttempt(
  campaign: Pick<CampaignRow, "maxAttempts" | "backoffMinutes">,
  contact: Pick<CampaignContactRow, "attempts">,
  r: { outcome: ContactOutcome; retryable: boolean },
  at: Date,
) {
  if (r.retryable && contact.attempts < campaign.maxAttempts) {
    const waitMin = Math.min(MAX_BACKOFF_MIN, campaign.backoffMinutes * 2 ** Math.max(0, contact.attempts - 1));
    return { status: "pending" as const, outcome: r.outcome, nextAttemptAt: new Date(at.getTime() + waitMin * 60_000) };
  }
  return { status: r.outcome === "failed" ? ("failed" as const) : ("done" as const), outcome: r.outcome, nextAttemptAt: null };
}

/** A running campaign with no contact left to call (or being called) is completed. */
export async function completeIfDone(t: TenantScope, campaignId: string, at: Date): Promise<boolean> {
  if ((await t.campaigns.countByStatus(campaignId, ["pending", "calling"])) > 0) return false;
  return (await t.campaigns.update(campaignId, { status: "completed", completedAt: at }, ["running"])) !== undefined;
}

/**
 * `call.ended` on the relay's transaction: a person who asked not to be called again goes on the
 * do-not-call list (any call: the other party's number, source `call`); a campaign's call sets its
 * contact's outcome and schedules the retry, once (only a contact still `calling` changes).
 */
export async function applyCallEnded(event: DomainEventRow, tx: Tx): Promise<void> {
  if (event.type !== "call.ended") return;
  const parsed = EVENT_PAYLOADS["call.ended"].safeParse(event.payload);
  if (!parsed.success) return;
  const p = parsed.data;
  const t = tenantScopeOn(tx, event.workspaceId);
  const call = await t.calls.get(p.callId);
  if (!call) return;
  if (p.outcome === "do_not_call") {
    const other = call.direction === "outbound" ? call.callee : call.caller;
    if (other && /^\+[1-9]\d{6,14}$/.test(other))
      await t.doNotCall.add({ id: createId("doNotCall"), phone: other, reason: `asked not to be called again (${call.id})`, source: "call" });
  }
  const ref = campaignRefSchema.safeParse((call.metadata as { campaign?: unknown } | null)?.campaign);
  if (!ref.success) return;
  const [campaign, contact] = await Promise.all([t.campaigns.get(ref.data.campaignId), t.campaigns.getContact(ref.data.campaignId, ref.data.contactId)]);
  if (!campaign || !contact || contact.status !== "calling") return;
  const at = new Date(p.endedAt);
  const next = afterAttempt(
    campaign,
    contact,
    outcomeOfCall({ status: p.status, endReason: p.endReason ?? call.endReason, metadata: call.metadata }, p.outcome),
    at,
  );
  await t.campaigns.updateContact(contact.id, { ...next, lastCallId: call.id }, "calling");
  await completeIfDone(t, campaign.id, at);
}
