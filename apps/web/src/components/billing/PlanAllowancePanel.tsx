import { Link } from "react-router";
import { useWorkspaceZone } from "../../lib/time.ts";
import { Card, ErrorBanner, Spinner } from "../ui.tsx";
import { AllowanceMeter } from "./AllowanceMeter.tsx";
import { dateInZone, useSubscription } from "./billing-api.ts";

/** The Usage page's summary of the plan: calls and minutes used of what it includes, when it resets. */
export function PlanAllowancePanel() {
  const zone = useWorkspaceZone();
  const sub = useSubscription();
  if (sub.isPending) return <Spinner label="Loading your plan" />;
  if (sub.error) return <ErrorBanner error={sub.error} />;
  const { plan, allowance, billing } = sub.data;
  const resetsOn = dateInZone(sub.data.currentPeriodEnd, zone);
  return (
    <Card
      title={billing === "off" ? "This month" : `Your plan: ${plan.name}`}
      actions={
        <Link to="/dashboard/billing" className="text-sm font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-800">
          {billing === "off" ? "Billing" : "Plans and billing"}
        </Link>
      }
      className="mb-6"
    >
      {billing === "off" && <p className="mb-3 text-sm text-slate-600">Billing is off on this installation: no plan limits.</p>}
      <div className="grid gap-4 md:grid-cols-2" aria-label="Plan allowance" role="group">
        <AllowanceMeter meter={allowance.calls} unit="calls" resetsOn={resetsOn} testId="allowance-calls" />
        <AllowanceMeter meter={allowance.minutes} unit="minutes" resetsOn={resetsOn} testId="allowance-minutes" />
      </div>
    </Card>
  );
}
