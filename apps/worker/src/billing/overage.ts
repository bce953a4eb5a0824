import { standingOf, type Billing, type StripeBilling } from "@orbis/billing";
import { billingSystemRepository, tenantScope, type BillingSubscriptionRow, type Database } from "@orbis/db";

export interface OverageLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What one run reported: per workspace, the calls sent to the meter. */
type OverageReport = { workspaceId: string; periodStart: Date; calls: number }[];

/**
 * Overage calls to Stripe's meter: for each Stripe subscriber whose plan bills overage, the calls over the
 * allowance this period minus what was already reported. The identifier (workspace, period, running
 * total) makes a retried report count once; the reported total moves only after Stripe accepted it, so
 * a failure is simply reported again at the next run. One workspace's failure is logged and does not
 * stop the others.
 */
export async function reportOverage(db: Database, billing: Billing & { stripe: StripeBilling }, now: Date, log?: OverageLog): Promise<OverageReport> {
  const reported: OverageReport = [];
  for (const row of await billingSystemRepository(db.system).stripeSubscribers()) {
    try {
      const done = await reportWorkspace(db, billing, row, now);
      if (done) reported.push(done);
    } catch (err) {
      log?.error({ workspaceId: row.workspaceId, err }, "overage report failed; retrying at the next run");
    }
  }
  if (reported.length > 0) log?.info({ reports: reported.length, calls: reported.reduce((n, r) => n + r.calls, 0) }, "overage reported to Stripe");
  return reported;
}

async function reportWorkspace(
  db: Database,
  billing: Billing & { stripe: StripeBilling },
  row: BillingSubscriptionRow,
  now: Date,
): Promise<OverageReport[number] | undefined> {
  const standing = standingOf(billing.plans, row, now, billing.graceDays);
  const { plan, period } = standing;
  if (!row.stripeCustomerId || !plan.overage || plan.includedCalls === null) return undefined;
  const tenant = tenantScope(db, row.workspaceId);
  const total = Math.max(0, (await tenant.billing.periodUsage(period.start)).calls - plan.includedCalls);
  const delta = total - (await tenant.billing.reportedOverage(period.start));
  if (delta <= 0) return undefined;
  await billing.stripe.reportOverage({
    customerId: row.stripeCustomerId,
    calls: delta,
    identifier: `${row.workspaceId}:${period.start.toISOString()}:${total}`,
    timestamp: now,
  });
  await tenant.billing.setReportedOverage(period.start, total);
  return { workspaceId: row.workspaceId, periodStart: period.start, calls: delta };
}
