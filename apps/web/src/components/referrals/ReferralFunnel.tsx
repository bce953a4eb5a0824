import type { FunnelDto } from "@orbis/contracts";

const STEPS: { key: keyof FunnelDto; label: string; hint: string }[] = [
  { key: "clicks", label: "Clicks", hint: "visits through your links" },
  { key: "signups", label: "Signups", hint: "new workspaces" },
  { key: "activations", label: "Activations", hint: "made their first call" },
  { key: "paid", label: "Paid", hint: "became paying customers" },
];

/** Clicks → signups → activations → paid, each with its rate from the step before. */
export function ReferralFunnel({ funnel }: { funnel: FunnelDto }) {
  return (
    <ol className="grid gap-3 sm:grid-cols-4" aria-label="Referral funnel">
      {STEPS.map((step, i) => {
        const previous = i > 0 ? funnel[STEPS[i - 1]!.key] : undefined;
        const rate = previous ? Math.round((funnel[step.key] / previous) * 100) : undefined;
        return (
          <li key={step.key} className="rounded-lg border border-slate-200 p-3">
            <p className="text-sm text-slate-600">{step.label}</p>
            <p className="text-2xl font-bold text-slate-900" data-testid={`funnel-${step.key}`}>
              {funnel[step.key]}
            </p>
            <p className="text-xs text-slate-600">
              {step.hint}
              {rate !== undefined && <span> · {rate} % of the step before</span>}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
