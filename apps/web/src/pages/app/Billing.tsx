import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import type { InvoiceDto, Plan, SubscriptionDto, SubscriptionStatus } from "@orbis/contracts";
import { useCan } from "../../lib/session.tsx";
import { useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";
import { AllowanceBanner } from "../../components/billing/AllowanceBanner.tsx";
import { AllowanceMeter } from "../../components/billing/AllowanceMeter.tsx";
import { PlanCard, type PlanAction } from "../../components/billing/PlanCard.tsx";
import {
  dateInZone,
  hasPaidSubscription,
  isPaying,
  planPrice,
  useBillingRedirect,
  useInvoices,
  usePlans,
  usd,
  useSubscription,
} from "../../components/billing/billing-api.ts";

/** How long a page back from checkout follows the subscription, waiting for Stripe's webhook. */
const FOLLOW_CHECKOUT_MS = 30_000;

const STATUS: Record<SubscriptionStatus, { label: string; tone: "slate" | "green" | "amber" | "red" }> = {
  // No subscription: the workspace is on the default plan, which is in force.
  none: { label: "Active", tone: "green" },
  trialing: { label: "Trial", tone: "amber" },
  active: { label: "Active", tone: "green" },
  past_due: { label: "Payment due", tone: "red" },
  unpaid: { label: "Payment due", tone: "red" },
  canceled: { label: "Cancelled", tone: "slate" },
  incomplete: { label: "Payment due", tone: "amber" },
};

const INVOICE_TONE: Record<string, "slate" | "green" | "amber" | "red"> = { paid: "green", open: "amber", uncollectible: "red" };

/** What each plan's button does for this workspace (owners and admins only). */
function actionFor(plan: Plan, sub: SubscriptionDto, canManage: boolean): PlanAction {
  if (plan.id === sub.plan.id) return { kind: "current" };
  if (plan.monthlyPriceUsd === null) return { kind: "sales" };
  if (!canManage) return { kind: "none" };
  const label = plan.monthlyPriceUsd > (sub.plan.monthlyPriceUsd ?? Infinity) ? "Upgrade" : "Switch";
  // A paid subscription changes plan (or goes back to the free plan) in the Customer Portal; without one, a plan is bought at checkout.
  if (hasPaidSubscription(sub)) return { kind: "portal", label };
  return plan.stripePrice ? { kind: "checkout", label } : { kind: "none" };
}

/** The outcome of a checkout the browser has just come back from (`?checkout=success|cancelled`). */
function CheckoutNotice({ outcome, sub, following, onDismiss }: { outcome: string; sub: SubscriptionDto; following: boolean; onDismiss: () => void }) {
  let text: string;
  let tone = "border-slate-200 bg-white text-slate-800";
  if (outcome === "cancelled") text = "Checkout was cancelled: nothing was charged and your plan is unchanged.";
  else if (isPaying(sub)) {
    text = "Thanks — your plan is active.";
    tone = "border-green-200 bg-green-50 text-green-900";
  } else if (following) text = "Thanks — confirming your payment with Stripe…";
  else text = "Thanks — your payment is still being confirmed: your plan shows here as soon as Stripe confirms it. Reload the page in a minute.";
  return (
    <div role="status" className={`mb-6 flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm ${tone}`}>
      <span>{text}</span>
      <Button variant="ghost" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}

function CurrentPlan({ sub, zone, canManage }: { sub: SubscriptionDto; zone: string; canManage: boolean }) {
  const portal = useBillingRedirect();
  const status = STATUS[sub.status];
  const periodEnd = dateInZone(sub.currentPeriodEnd, zone);
  const paid = hasPaidSubscription(sub);
  return (
    <Card
      title="Current plan"
      actions={
        canManage &&
        sub.hasBillingAccount && (
          <Button variant="secondary" busy={portal.leaving} onClick={() => portal.mutate("portal")}>
            Manage billing
          </Button>
        )
      }
    >
      <div className="flex flex-wrap items-center gap-2">
        <p className="text-xl font-bold text-slate-900" data-testid="current-plan">
          {sub.plan.name}
        </p>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <p className="mt-1 text-sm text-slate-700">{planPrice(sub.plan)}</p>
      <p className="mt-2 text-sm text-slate-600">
        {!paid ? `Your allowance resets on ${periodEnd}.` : sub.cancelAtPeriodEnd ? `Ends on ${periodEnd}.` : `Renews on ${periodEnd}.`}
      </p>
      <div className="mt-3">
        <ErrorBanner error={portal.error} />
      </div>
    </Card>
  );
}

function ThisPeriod({ sub, zone }: { sub: SubscriptionDto; zone: string }) {
  const resetsOn = dateInZone(sub.currentPeriodEnd, zone);
  const { allowance, plan } = sub;
  return (
    <Card title="This period" className="lg:col-span-2">
      <div className="space-y-4">
        <AllowanceMeter meter={allowance.calls} unit="calls" resetsOn={resetsOn} testId="allowance-calls" />
        <AllowanceMeter meter={allowance.minutes} unit="minutes" resetsOn={resetsOn} testId="allowance-minutes" />
        {plan.overage && (
          <p className="text-sm text-slate-700" data-testid="overage">
            {allowance.overageCalls > 0 || allowance.overageMinutes > 0
              ? `Overage so far: ${allowance.overageCalls.toLocaleString("en-US")} calls${allowance.overageMinutes > 0 ? `, ${allowance.overageMinutes} minutes` : ""}, estimated ${usd(allowance.estimatedOverageUsd)} on your next invoice.`
              : `No overage so far. Calls beyond the allowance cost ${usd(plan.overage.perCallUsd)} each.`}
          </p>
        )}
        {allowance.callsBlocked && <p className="text-sm font-semibold text-red-800">New calls are refused until {resetsOn}.</p>}
      </div>
    </Card>
  );
}

function InvoiceTable({ invoices, zone }: { invoices: InvoiceDto[]; zone: string }) {
  if (invoices.length === 0) return <EmptyState title="No invoices yet" />;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Invoices, newest first</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Number
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Date
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              Amount
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Status
            </th>
            <th scope="col" className="py-1 font-medium">
              Invoice
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {invoices.map((inv) => (
            <tr key={inv.id}>
              <td className="py-2 pr-3 font-mono text-xs">{inv.number ?? inv.id}</td>
              <td className="py-2 pr-3">{dateInZone(inv.created, zone)}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{usd(inv.status === "paid" ? inv.amountPaidUsd : inv.amountDueUsd)}</td>
              <td className="py-2 pr-3">{inv.status ? <Badge tone={INVOICE_TONE[inv.status] ?? "slate"}>{inv.status}</Badge> : "–"}</td>
              <td className="space-x-3 py-2">
                {inv.hostedInvoiceUrl && (
                  <a href={inv.hostedInvoiceUrl} target="_blank" rel="noreferrer" className="font-semibold text-brand-700 underline underline-offset-2">
                    View<span className="sr-only"> invoice {inv.number ?? inv.id}</span>
                  </a>
                )}
                {inv.pdfUrl && (
                  <a href={inv.pdfUrl} target="_blank" rel="noreferrer" className="font-semibold text-brand-700 underline underline-offset-2">
                    PDF<span className="sr-only"> of invoice {inv.number ?? inv.id}</span>
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Billing off (self-hosted): nothing to buy, no limit; the month's use for reference. */
function BillingOff({ sub, zone }: { sub: SubscriptionDto; zone: string }) {
  return (
    <Card title="Plan">
      <p className="text-sm text-slate-800">Billing is off on this installation: no plan limits.</p>
      <dl className="mt-4 grid max-w-sm grid-cols-2 gap-2 text-sm" aria-label="Usage this month">
        <dt className="text-slate-600">Calls this month</dt>
        <dd className="text-right font-semibold tabular-nums" data-testid="month-calls">
          {sub.usage.calls.toLocaleString("en-US")}
        </dd>
        <dt className="text-slate-600">Minutes this month</dt>
        <dd className="text-right font-semibold tabular-nums">{sub.usage.minutes.toLocaleString("en-US")}</dd>
      </dl>
      <p className="mt-4 text-sm text-slate-600">
        Since {dateInZone(sub.currentPeriodStart, zone)}.{" "}
        <Link to="/dashboard/usage" className="font-semibold text-brand-700 underline underline-offset-2">
          Usage by day and provider
        </Link>
      </p>
    </Card>
  );
}

export function Billing() {
  const zone = useWorkspaceZone();
  const canManage = useCan("admin");
  const [params, setParams] = useSearchParams();
  const outcome = params.get("checkout");
  const [followUntil] = useState(() => (outcome === "success" ? Date.now() + FOLLOW_CHECKOUT_MS : undefined));
  const subscription = useSubscription(followUntil);
  const plans = usePlans();
  const sub = subscription.data;
  const stripe = sub?.billing === "stripe";
  const invoices = useInvoices(stripe && !!sub?.hasBillingAccount);
  const redirect = useBillingRedirect();
  const qc = useQueryClient();
  const [following, setFollowing] = useState(followUntil !== undefined);
  useEffect(() => {
    if (followUntil === undefined) return;
    const timer = setTimeout(() => setFollowing(false), followUntil - Date.now());
    return () => clearTimeout(timer);
  }, [followUntil]);
  // The plan turned active while the page followed the checkout: its first invoice is there now.
  const paying = isPaying(sub);
  useEffect(() => {
    if (followUntil !== undefined && paying) void qc.invalidateQueries({ queryKey: ["billing", "invoices"] });
  }, [followUntil, paying, qc]);
  const dismiss = () =>
    setParams(
      (p) => {
        p.delete("checkout");
        return p;
      },
      { replace: true },
    );

  if (subscription.isPending) return <Spinner label="Loading your plan" />;
  if (subscription.error)
    return (
      <>
        <PageHeader title="Billing" />
        <ErrorBanner error={subscription.error} />
      </>
    );
  const s = subscription.data;

  return (
    <>
      <PageHeader
        title="Billing"
        subtitle={
          stripe ? `Your plan, its allowance this period and your invoices. Dates in ${zone}.` : "Plans and limits of this installation, and this month's use."
        }
      />
      {stripe && <AllowanceBanner linkToBilling={false} />}
      {stripe && (outcome === "success" || outcome === "cancelled") && <CheckoutNotice outcome={outcome} sub={s} following={following} onDismiss={dismiss} />}
      {!stripe ? (
        <BillingOff sub={s} zone={zone} />
      ) : (
        <div className="space-y-6">
          {!canManage && <p className="text-sm text-slate-600">Only owners and admins can change the plan or the card.</p>}
          <div className="grid gap-6 lg:grid-cols-3">
            <CurrentPlan sub={s} zone={zone} canManage={canManage} />
            <ThisPeriod sub={s} zone={zone} />
          </div>
          <section aria-labelledby="plans-heading">
            <h2 id="plans-heading" className="mb-3 text-base font-semibold text-slate-900">
              Plans
            </h2>
            {plans.isPending ? (
              <Spinner label="Loading the plans" />
            ) : plans.error ? (
              <ErrorBanner error={plans.error} />
            ) : (
              <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
                {plans.data.plans.map((plan) => {
                  const action = actionFor(plan, s, canManage);
                  return (
                    <PlanCard
                      key={plan.id}
                      plan={plan}
                      action={action}
                      busy={redirect.leaving && (redirect.variables === "portal" ? action.kind === "portal" : redirect.variables?.checkout === plan.id)}
                      onChoose={() => redirect.mutate(action.kind === "portal" ? "portal" : { checkout: plan.id })}
                    />
                  );
                })}
              </ul>
            )}
            <div className="mt-3">
              <ErrorBanner error={redirect.error} />
            </div>
          </section>
          <Card title="Invoices">
            {!s.hasBillingAccount ? (
              <EmptyState title="No invoices yet">Invoices appear here once you subscribe to a paid plan.</EmptyState>
            ) : invoices.isPending ? (
              <Spinner label="Loading invoices" />
            ) : invoices.error ? (
              <ErrorBanner error={invoices.error} />
            ) : (
              <InvoiceTable invoices={invoices.data.data} zone={zone} />
            )}
          </Card>
        </div>
      )}
    </>
  );
}
