import type { Plan } from "@orbis/contracts";
import { Button } from "../ui.tsx";
import { planPrice, SALES_MAILTO, usd } from "./billing-api.ts";

/** What a plan card's button does: checkout, the Customer Portal (a paid subscription changes there), or nothing. */
export type PlanAction = { kind: "current" } | { kind: "sales" } | { kind: "checkout" | "portal"; label: "Upgrade" | "Switch" } | { kind: "none" };

const included = (n: number | null, unit: string) => (n === null ? `Unlimited ${unit}` : `${n.toLocaleString("en-US")} ${unit} a month`);

/** One plan of the catalogue as a card: price, allowance, overage, limits and its button. */
export function PlanCard({ plan, action, busy, onChoose }: { plan: Plan; action: PlanAction; busy: boolean; onChoose: () => void }) {
  const current = action.kind === "current";
  const headingId = `plan-${plan.id}`;
  return (
    <li
      aria-labelledby={headingId}
      className={`flex flex-col rounded-xl border bg-white p-5 shadow-sm ${current ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}
    >
      <h3 id={headingId} className="text-base font-semibold text-slate-900">
        {plan.name}
      </h3>
      <p className="mt-1 text-xl font-bold text-slate-900">{planPrice(plan)}</p>
      {plan.description && <p className="mt-2 text-sm text-slate-600">{plan.description}</p>}
      <ul className="mt-3 flex-1 space-y-1 text-sm text-slate-700">
        <li>{included(plan.includedCalls, "calls")}</li>
        <li>{included(plan.includedMinutes, "minutes")}</li>
        <li>{plan.overage ? `Then ${usd(plan.overage.perCallUsd)} a call` : plan.includedCalls === null ? "No overage" : "Calls stop at the allowance"}</li>
        <li>{plan.agents === null ? "Unlimited agents" : `${plan.agents} agent${plan.agents === 1 ? "" : "s"}`}</li>
        <li>
          {plan.phoneNumbers === null
            ? "Unlimited phone numbers"
            : plan.phoneNumbers === 0
              ? "No phone numbers"
              : `${plan.phoneNumbers} phone number${plan.phoneNumbers === 1 ? "" : "s"}`}
        </li>
      </ul>
      <div className="mt-4">
        {current ? (
          <p className="text-sm font-semibold text-brand-800">Your current plan</p>
        ) : action.kind === "sales" ? (
          <a
            href={SALES_MAILTO}
            className="inline-flex items-center justify-center rounded-lg bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Contact sales
          </a>
        ) : action.kind === "checkout" || action.kind === "portal" ? (
          <Button variant={action.label === "Upgrade" ? "primary" : "secondary"} busy={busy} onClick={onChoose}>
            {action.label}
            <span className="sr-only"> to {plan.name}</span>
          </Button>
        ) : null}
      </div>
    </li>
  );
}
