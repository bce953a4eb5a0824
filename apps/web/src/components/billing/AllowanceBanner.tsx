import { Link } from "react-router";
import type { SubscriptionDto } from "@orbis/contracts";
import { useCan } from "../../lib/session.tsx";
import { useWorkspaceZone } from "../../lib/time.ts";
import { Button } from "../ui.tsx";
import { dateInZone, useBillingRedirect, usd, useSubscription } from "./billing-api.ts";

const box = "mb-6 flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm";
const billingLink = "font-semibold underline underline-offset-2";

/** The failed payment, and the Customer Portal to fix the card (owners and admins). */
function PaymentFailed({ sub, zone }: { sub: SubscriptionDto; zone: string }) {
  const canManage = useCan("admin");
  const portal = useBillingRedirect();
  return (
    <div role="alert" className={`${box} border-red-200 bg-red-50 text-red-900`}>
      <span>
        Your last payment failed.{" "}
        {sub.graceEndsAt ? `Update your card by ${dateInZone(sub.graceEndsAt, zone)} to keep your plan.` : "Update your card to get your plan back."}
        {portal.error instanceof Error && <span className="block font-medium">{portal.error.message}</span>}
      </span>
      {canManage && sub.hasBillingAccount && (
        <Button variant="danger" busy={portal.leaving} onClick={() => portal.mutate("portal")}>
          Manage billing
        </Button>
      )}
    </div>
  );
}

/** Which allowance is furthest along (calls unless minutes are ahead). */
function leading(sub: SubscriptionDto): "calls" | "minutes" {
  const { calls, minutes } = sub.allowance;
  return (minutes.percent ?? 0) > (calls.percent ?? 0) ? "minutes" : "calls";
}

function Exhausted({ sub, zone, linkToBilling }: { sub: SubscriptionDto; zone: string; linkToBilling: boolean }) {
  const what = leading(sub);
  const overage = sub.plan.overage;
  const unitPrice = overage ? (what === "calls" ? overage.perCallUsd : overage.perMinuteUsd) : 0;
  const further =
    unitPrice > 0
      ? `further ${what} are billed at ${usd(unitPrice)} ${what === "calls" ? "each" : "a minute"}.`
      : `calls go on, at no extra charge for ${what}.`;
  return (
    <div role="alert" className={`${box} border-red-200 bg-red-50 text-red-900`} data-testid="allowance-banner">
      <span>
        <strong>Your plan&apos;s {what} are used up:</strong>{" "}
        {sub.allowance.callsBlocked || !overage ? `new calls are refused until ${dateInZone(sub.currentPeriodEnd, zone)}.` : further}
      </span>
      {linkToBilling && (
        <Link to="/dashboard/billing" className={billingLink}>
          See plans
        </Link>
      )}
    </div>
  );
}

/**
 * The plan's standing above every dashboard page: a payment that failed, an allowance used up or at
 * 80 %. Nothing with billing off or while all is well. On the Billing page (`linkToBilling` false) it
 * shows the same words without the link to itself.
 */
export function AllowanceBanner({ linkToBilling = true }: { linkToBilling?: boolean }) {
  const zone = useWorkspaceZone();
  const sub = useSubscription().data;
  if (!sub || sub.billing === "off") return null;
  if (sub.paymentFailed && sub.status !== "canceled") return <PaymentFailed sub={sub} zone={zone} />;
  if (sub.allowance.level === "exhausted") return <Exhausted sub={sub} zone={zone} linkToBilling={linkToBilling} />;
  if (sub.allowance.level !== "warning") return null;
  return (
    <div role="status" className={`${box} border-amber-200 bg-amber-50 text-amber-900`} data-testid="allowance-banner">
      <span>You&apos;ve used 80 % of your plan&apos;s {leading(sub)} this month.</span>
      {linkToBilling && (
        <Link to="/dashboard/billing" className={billingLink}>
          Billing
        </Link>
      )}
    </div>
  );
}
