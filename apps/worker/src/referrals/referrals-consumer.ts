import { commissionRuleSchema, createId, EVENT_PAYLOADS, type EventPayload, type EventType } from "@orbis/contracts";
import {
  referralCommissionsRepository,
  type CommissionAttribution,
  type Database,
  type DomainEventRow,
  type Executor,
  type ReferralCommissionRow,
  type Tx,
} from "@orbis/db";
import { EMAIL_SEND_QUEUE, type EmailMessage, type EmailService } from "@orbis/email";
import { commissionFor, type CommissionContext, type CommissionDraft } from "@orbis/referrals";
import type { EventConsumer, PendingJob } from "../consumer.ts";

const APPROVE_QUEUE = "referrals.approve";
/** Hourly: commissions whose hold period ended are approved within the hour. */
const APPROVE_CRON = "20 * * * *";
/** The fraud reason of a referred workspace that pays with its referrer's own Stripe customer. */
export const SELF_REFERRAL_PAYMENT = "self_referral_payment";

interface ReferralsLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReferralsConsumerDeps {
  db: Database;
  /** Emails to referrers (signed up, activated, commission approved); none without it. */
  email?: EmailService;
  /** Links in emails: PUBLIC_BASE_URL, or http://localhost:<PORT> when unset. */
  publicBaseUrl: string;
  log: ReferralsLog;
  now?: () => Date;
}

type Referrer = { kind: "user"; ref: { userId: string } } | { kind: "affiliate"; ref: { affiliateId: string } };

function referrerOf(o: { referrerUserId: string | null; referrerAffiliateId: string | null }): Referrer | undefined {
  if (o.referrerUserId) return { kind: "user", ref: { userId: o.referrerUserId } };
  if (o.referrerAffiliateId) return { kind: "affiliate", ref: { affiliateId: o.referrerAffiliateId } };
  return undefined;
}

/**
 * Referrals as a consequence of domain events (docs/referrals.md), all on the relay's transaction:
 * - `referral.signed_up`: the referrer is emailed;
 * - `user.activated`: the attribution's activation (first time only), a fixed programme's activation
 *   commission, an email to the referrer;
 * - `invoice.paid`: the attribution's payments and revenue, the commission its programme's rule gives
 *   (unique per invoice, so a replay earns once), and the self-referral-by-payment check;
 * - `invoice.refunded` (a refund or a dispute): the invoice's commissions are reversed, or deducted from
 *   the next payout when already paid out.
 * A flagged referral's commissions are held for review, never approved by the hourly `referrals.approve`,
 * which approves pending commissions past their hold and emails each referrer the sum once.
 */
export function referralsConsumer(deps: ReferralsConsumerDeps): EventConsumer {
  const base = deps.publicBaseUrl.replace(/\/+$/, "");
  const now = deps.now ?? (() => new Date());
  const pageOf = (r: Referrer) => (r.kind === "user" ? `${base}/dashboard/referrals` : `${base}/affiliates/dashboard`);

  function payloadOf<T extends EventType>(event: DomainEventRow, type: T): EventPayload<T> | undefined {
    const parsed = EVENT_PAYLOADS[type].safeParse(event.payload);
    return parsed.success ? (parsed.data as EventPayload<T>) : undefined;
  }

  /** The attribution's programme as rule and hold; none when it is gone, switched off or its rule is unreadable. */
  async function contextOf(tx: Executor, a: CommissionAttribution, flags: readonly string[]): Promise<CommissionContext | undefined> {
    const program = await referralCommissionsRepository(tx).program(a.programId);
    if (!program?.active) return undefined;
    const rule = commissionRuleSchema.safeParse(program.rule);
    if (!rule.success) {
      deps.log.error({ programId: program.id, issues: rule.error.issues }, "referral programme has an unreadable rule; no commission");
      return undefined;
    }
    return { rule: rule.data, holdDays: program.holdDays, flags, now: now() };
  }

  async function earn(tx: Executor, a: CommissionAttribution, draft: CommissionDraft | null): Promise<void> {
    if (!draft || !referrerOf(a)) return;
    await referralCommissionsRepository(tx).insert({
      id: createId("commission"),
      workspaceId: a.workspaceId,
      linkId: a.linkId,
      programId: a.programId,
      referrerUserId: a.referrerUserId,
      referrerAffiliateId: a.referrerAffiliateId,
      kind: draft.kind,
      sourceId: draft.sourceId,
      amountUsd: draft.amountUsd,
      status: draft.status,
      holdUntil: draft.holdUntil,
      reasons: draft.reasons,
    });
  }

  /** An email to the referrer about the referred workspace, drafted on the relay's transaction. */
  async function tellReferrer(tx: Executor, event: DomainEventRow, referrer: Referrer | undefined, template: "referral_signed_up" | "referral_activated") {
    if (!deps.email || !referrer) return [];
    const repo = referralCommissionsRepository(tx);
    const contact = await repo.referrerContact(referrer.ref);
    const referredWorkspace = await repo.workspaceName(event.workspaceId);
    if (!contact || !referredWorkspace) return [];
    const id = await deps.email.draft(tx, {
      template,
      data: { referrerName: contact.name, referredWorkspace, url: pageOf(referrer) },
      to: contact.email,
      idempotencyKey: `event:${event.id}:referrer`,
      // The referrer's own mail: the referred workspace does not see it.
      workspaceId: null,
      userId: referrer.kind === "user" ? referrer.ref.userId : null,
    } as EmailMessage);
    return [id];
  }

  async function signedUp(event: DomainEventRow, tx: Tx): Promise<string[]> {
    const p = payloadOf(event, "referral.signed_up");
    if (!p) return [];
    return tellReferrer(tx, event, referrerOf(p), "referral_signed_up");
  }

  async function activated(event: DomainEventRow, tx: Tx): Promise<string[]> {
    const p = payloadOf(event, "user.activated");
    if (!p) return [];
    const repo = referralCommissionsRepository(tx);
    const a = await repo.attribution(event.workspaceId);
    if (!a || !(await repo.markActivated(event.workspaceId, event.occurredAt))) return [];
    const ctx = await contextOf(tx, a, flagsOf(a));
    if (ctx) await earn(tx, a, commissionFor(ctx, { type: "activation", callId: p.callId }));
    return tellReferrer(tx, event, referrerOf(a), "referral_activated");
  }

  async function paid(event: DomainEventRow, tx: Tx): Promise<void> {
    const p = payloadOf(event, "invoice.paid");
    // A free invoice (a trial, a 100 % coupon) is no paid conversion: it neither starts the months nor earns.
    if (!p || !(p.amountPaidUsd > 0)) return;
    const repo = referralCommissionsRepository(tx);
    const a = await repo.attribution(event.workspaceId, { lock: true });
    if (!a || (await repo.invoiceSeenBefore(event.workspaceId, p.invoiceId, event))) return;
    const paidAt = new Date(p.paidAt);
    await repo.recordPayment(event.workspaceId, { paidAt, amountUsd: p.amountPaidUsd });
    let flags = flagsOf(a);
    if (a.referrerUserId && !flags.includes(SELF_REFERRAL_PAYMENT) && (await repo.paysAsReferrer(event.workspaceId, a.referrerUserId))) {
      await repo.addFlag(event.workspaceId, SELF_REFERRAL_PAYMENT);
      const held = await repo.holdPending(event.workspaceId, SELF_REFERRAL_PAYMENT);
      deps.log.info(
        { workspaceId: event.workspaceId, referrerUserId: a.referrerUserId, held },
        "referral paid with the referrer's Stripe customer; held for review",
      );
      flags = [...flags, SELF_REFERRAL_PAYMENT];
    }
    const ctx = await contextOf(tx, a, flags);
    if (!ctx) return;
    await earn(tx, a, commissionFor(ctx, { type: "invoice_paid", invoiceId: p.invoiceId, amountPaidUsd: p.amountPaidUsd, paidAt, firstPaidAt: a.firstPaidAt }));
  }

  async function refunded(event: DomainEventRow, tx: Tx): Promise<void> {
    const p = payloadOf(event, "invoice.refunded");
    if (!p) return;
    const done = await referralCommissionsRepository(tx).reverseInvoice(p.invoiceId, now(), () => createId("commission"));
    if (done.reversed.length > 0 || done.deductedUsd > 0) {
      deps.log.info({ workspaceId: event.workspaceId, invoiceId: p.invoiceId, reason: p.reason, ...done }, "referral commissions reversed");
    }
  }

  /** Pending commissions past their hold become approved; each referrer gets one email with the sum. */
  async function approveDue(): Promise<void> {
    const at = now();
    const approved = await deps.db.system.transaction(async (tx) => {
      const repo = referralCommissionsRepository(tx);
      const rows = await repo.approveDue(at);
      if (deps.email) {
        for (const group of byReferrer(rows)) {
          const contact = await repo.referrerContact(group.referrer.ref);
          const amountUsd = Math.round(group.rows.reduce((sum, r) => sum + r.amountUsd, 0) * 100) / 100;
          if (!contact || amountUsd <= 0) continue;
          // Each commission is approved once, so the smallest id of the group names this email for good.
          const key = group.rows.map((r) => r.id).sort()[0]!;
          // Drafted with the approval (both or neither); the email consumer's sweep sends it.
          await deps.email.draft(tx, {
            template: "commission_approved",
            data: { referrerName: contact.name, amountUsd, url: pageOf(group.referrer) },
            to: contact.email,
            idempotencyKey: `commissions-approved:${key}`,
            workspaceId: null,
            userId: group.referrer.kind === "user" ? group.referrer.ref.userId : null,
          } as EmailMessage);
        }
      }
      return rows;
    });
    if (approved.length > 0) deps.log.info({ commissions: approved.length }, "referral commissions approved");
  }

  return {
    name: "referrals",
    queues: [],
    async fanOut(event, tx): Promise<PendingJob[]> {
      let emails: string[] = [];
      switch (event.type) {
        case "referral.signed_up":
          emails = await signedUp(event, tx);
          break;
        case "user.activated":
          emails = await activated(event, tx);
          break;
        case "invoice.paid":
          await paid(event, tx);
          break;
        case "invoice.refunded":
          await refunded(event, tx);
          break;
      }
      return emails.map((emailId) => ({ queue: EMAIL_SEND_QUEUE, data: { emailId } }));
    },
    schedules: [{ queue: APPROVE_QUEUE, cron: APPROVE_CRON, handler: (async () => approveDue()) as never }],
  };
}

const flagsOf = (a: CommissionAttribution): string[] => (Array.isArray(a.flags) ? (a.flags as unknown[]).map(String) : []);

function byReferrer(rows: ReferralCommissionRow[]): { referrer: Referrer; rows: ReferralCommissionRow[] }[] {
  const groups = new Map<string, { referrer: Referrer; rows: ReferralCommissionRow[] }>();
  for (const row of rows) {
    const referrer = referrerOf(row);
    if (!referrer) continue;
    const key = "userId" in referrer.ref ? `user:${referrer.ref.userId}` : `affiliate:${referrer.ref.affiliateId}`;
    const group = groups.get(key) ?? { referrer, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}
