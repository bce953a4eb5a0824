import { AppError, createId, REMINDER_OPENING } from "@orbis/contracts";
import { campaignSystemRepository, tenantScope, type CampaignContactRow, type CampaignRow, type Database, type TenantScope } from "@orbis/db";
import type { CampaignCallRef, PlaceCallBody } from "@orbis/telephony";
import { afterAttempt, completeIfDone } from "./outcomes.ts";
import { windowOpen } from "./window.ts";

/** `createOutboundCalls(…).place` (or a fake in tests and the bench). */
export type PlaceCall = (tenant: TenantScope, body: PlaceCallBody, options: { campaign: CampaignCallRef }) => Promise<{ id: string }>;

export interface CampaignSchedulerDeps {
  db: Database;
  place: PlaceCall;
  clock?: { now(): Date };
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** A contact claimed by a pass that died before placing its call is released after this. */
const STALE_CLAIM_MS = 5 * 60_000;

/**
 * One scheduler pass (`tick`): for every running campaign, under a row lock (a second worker's pass
 * skips a campaign being worked on), the contacts that are due — pending, their retry time reached,
 * their local time inside the campaign's window and the quiet hours — are checked against the
 * do-not-call list and SMS STOPs (`skipped_dnc`) and their consent (`skipped_no_consent`), and as many
 * as keep the campaign at `maxConcurrent` live calls are claimed (`calling`, one more attempt). Their
 * calls are placed after the claim commits. A campaign with nothing pending or live is completed.
 */
export function createCampaignScheduler(deps: CampaignSchedulerDeps) {
  const now = () => deps.clock?.now() ?? new Date();

  /** Claims the campaign's due contacts; undefined when it is not running or another pass holds it. */
  async function claim(tenant: TenantScope, campaignId: string, at: Date) {
    return tenant.transaction(async (t) => {
      const campaign = await t.campaigns.lockForPass(campaignId);
      if (!campaign || campaign.status !== "running") return undefined;
      await t.campaigns.releaseStale(campaign.id, new Date(at.getTime() - STALE_CLAIM_MS));
      const live = await t.campaigns.countByStatus(campaign.id, ["calling"]);
      let slots = campaign.maxConcurrent - live;
      const zones = (await t.campaigns.pendingZones(campaign.id)).filter((z) => windowOpen(at, z, campaign.window, campaign.allowOutsideQuietHours));
      const claimed: CampaignContactRow[] = [];
      while (slots > 0 && zones.length > 0) {
        const due = await t.campaigns.dueContacts(campaign.id, { now: at, zones, limit: slots });
        if (due.length === 0) break;
        const blocked = await t.doNotCall.blocked(due.map((c) => c.phone));
        const noConsent = due.filter((c) => !c.consent);
        const onDnc = due.filter((c) => c.consent && (blocked.dnc.has(c.phone) || blocked.sms.has(c.phone)));
        await t.campaigns.updateContacts(
          noConsent.map((c) => c.id),
          { status: "skipped_no_consent" },
        );
        await t.campaigns.updateContacts(
          onDnc.map((c) => c.id),
          { status: "skipped_dnc" },
        );
        // A number that texted STOP is not called either; it goes on the list so the list says why.
        const stopped = onDnc.filter((c) => blocked.sms.has(c.phone) && !blocked.dnc.has(c.phone));
        await t.doNotCall.addMany(stopped.map((c) => ({ id: createId("doNotCall"), phone: c.phone, reason: "texted STOP", source: "sms" as const })));
        const skip = new Set([...noConsent, ...onDnc].map((c) => c.id));
        const rows = await t.campaigns.claimContacts(
          due.filter((c) => !skip.has(c.id)).map((c) => c.id),
          at,
        );
        claimed.push(...rows);
        slots -= rows.length;
        if (due.length < slots + rows.length) break; // fewer due than asked: nothing more now
      }
      if (claimed.length === 0 && live === 0) await completeIfDone(t, campaign.id, at);
      return { campaign, claimed };
    });
  }

  /** Places one claimed contact's call; what place() refuses decides what happens to the contact and the campaign. */
  async function call(tenant: TenantScope, campaign: CampaignRow, contact: CampaignContactRow): Promise<boolean> {
    const opening = campaign.opening ?? (campaign.type === "appointment_reminder" ? REMINDER_OPENING : undefined);
    try {
      const placed = await deps.place(
        tenant,
        {
          agentId: campaign.agentId,
          to: contact.phone,
          from: campaign.fromNumber,
          variables: contact.variables,
          ...(opening ? { opening } : {}),
          machineDetection: campaign.machineDetection,
          ...(campaign.voicemailMessage ? { voicemailMessage: campaign.voicemailMessage } : {}),
        },
        { campaign: { campaignId: campaign.id, contactId: contact.id, consentSource: contact.consentSource } },
      );
      // The call's end may have been applied already (it finds the contact through the call's metadata).
      await tenant.campaigns.updateContact(contact.id, { lastCallId: placed.id });
      return true;
    } catch (err) {
      const code = err instanceof AppError ? err.code : undefined;
      const message = err instanceof Error ? err.message.slice(0, 300) : String(err);
      const at = now();
      if (code === "unavailable") {
        // The carrier refused this call (its row is `failed`, no call.ended follows): an attempt that failed.
        const callId =
          (err as AppError).details && typeof (err as AppError).details === "object" ? ((err as AppError).details as { callId?: string }).callId : undefined;
        const next = afterAttempt(campaign, contact, { outcome: "failed", retryable: true }, at);
        await tenant.campaigns.updateContact(contact.id, { ...next, ...(callId ? { lastCallId: callId } : {}) }, "calling");
        deps.log?.warn(
          { workspaceId: tenant.workspaceId, campaignId: campaign.id, contactId: contact.id, err: message },
          "campaign call refused by the carrier",
        );
        return false;
      }
      // Not this contact's doing: it goes back, its attempt not counted.
      await tenant.campaigns.updateContact(contact.id, { status: "pending", attempts: Math.max(0, contact.attempts - 1) }, "calling");
      if (code === "plan_limit" || code === "validation_failed" || code === "not_found") {
        // The campaign cannot call anyone (allowance spent, agent unpublished, number gone): paused, with the reason.
        await tenant.campaigns.update(campaign.id, { status: "paused", lastError: message }, ["running"]);
        deps.log?.warn({ workspaceId: tenant.workspaceId, campaignId: campaign.id, err: message }, "campaign paused: its calls are refused");
      } else if (code !== "conflict") {
        deps.log?.warn({ workspaceId: tenant.workspaceId, campaignId: campaign.id, contactId: contact.id, err: message }, "campaign call not placed");
      }
      return false;
    }
  }

  return {
    /** One pass over every running campaign; answers how many calls it started. */
    async tick(): Promise<{ campaigns: number; started: number }> {
      const running = await campaignSystemRepository(deps.db.system).running();
      let started = 0;
      for (const ref of running) {
        const tenant = tenantScope(deps.db, ref.workspaceId);
        const at = now();
        const pass = await claim(tenant, ref.id, at);
        if (!pass || pass.claimed.length === 0) continue;
        const results = await Promise.all(pass.claimed.map((c) => call(tenant, pass.campaign, c)));
        started += results.filter(Boolean).length;
      }
      return { campaigns: running.length, started };
    },
  };
}
