import type { CommissionRule } from "@orbis/contracts";

export type CommissionKind = "activation" | "conversion" | "invoice";

/** What happened to the referred workspace that may earn its referrer something. */
export type CommissionTrigger =
  /** The workspace's first real call (once per workspace). */
  | { type: "activation"; callId: string }
  /**
   * An invoice of the workspace was paid. `firstPaidAt` is when its first invoice was paid, this one
   * excluded: null when this is the first.
   */
  | { type: "invoice_paid"; invoiceId: string; amountPaidUsd: number; paidAt: Date; firstPaidAt: Date | null };

/** A commission to write: pending through the hold period, or held for review when the referral is flagged. */
export interface CommissionDraft {
  kind: CommissionKind;
  /** What earned it (the activating call, the invoice): unique per kind, so a replayed event earns once. */
  sourceId: string;
  amountUsd: number;
  status: "pending" | "held";
  /** When a pending commission may be approved. */
  holdUntil: Date;
  /** The fraud checks that matched: a held commission is never approved automatically. */
  reasons: string[];
}

export interface CommissionContext {
  rule: CommissionRule;
  holdDays: number;
  /** The attribution's flags (fraud checks that matched at signup or since). */
  flags: readonly string[];
  now: Date;
}

const DAY_MS = 24 * 3600_000;

/**
 * The commission a trigger earns under a programme's rule, or null for none (pure).
 * - percent: every paid invoice within `months` months of the first paid one (the first included)
 *   earns `amountPaidUsd × percent / 100`, rounded to the cent;
 * - fixed: `activationUsd` at activation, `conversionUsd` at the first paid invoice.
 * A zero amount earns nothing (a free invoice, a rule that pays only one of the two).
 */
export function commissionFor(ctx: CommissionContext, trigger: CommissionTrigger): CommissionDraft | null {
  const earned = earnedBy(ctx.rule, trigger);
  if (!earned || !(earned.amountUsd > 0)) return null;
  const flagged = ctx.flags.length > 0;
  return {
    ...earned,
    status: flagged ? "held" : "pending",
    holdUntil: new Date(ctx.now.getTime() + ctx.holdDays * DAY_MS),
    reasons: flagged ? [...new Set(ctx.flags)] : [],
  };
}

function earnedBy(rule: CommissionRule, trigger: CommissionTrigger): Pick<CommissionDraft, "kind" | "sourceId" | "amountUsd"> | null {
  if (rule.type === "fixed") {
    if (trigger.type === "activation") return { kind: "activation", sourceId: trigger.callId, amountUsd: cents(rule.activationUsd) };
    if (trigger.firstPaidAt !== null) return null;
    return { kind: "conversion", sourceId: trigger.invoiceId, amountUsd: cents(rule.conversionUsd) };
  }
  if (trigger.type !== "invoice_paid") return null;
  const first = trigger.firstPaidAt ?? trigger.paidAt;
  if (trigger.paidAt.getTime() >= addMonthsUtc(first, rule.months).getTime()) return null;
  return { kind: "invoice", sourceId: trigger.invoiceId, amountUsd: cents((trigger.amountPaidUsd * rule.percent) / 100) };
}

/** Rounded to the cent (half away from zero), without binary noise (2.675 → 2.68). */
export function cents(usd: number): number {
  const scaled = Number((Math.abs(usd) * 100).toPrecision(12));
  return (Math.sign(usd) * Math.round(scaled)) / 100;
}

/** The same day of the month `months` later in UTC, clamped to the month's last day (31 Jan + 1 → 28/29 Feb). */
export function addMonthsUtc(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}
