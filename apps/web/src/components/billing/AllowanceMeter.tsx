import type { Allowance } from "@orbis/contracts";

type Meter = Allowance["calls"];

const barTone = (percent: number) => (percent >= 100 ? "bg-red-700" : percent >= 80 ? "bg-amber-500" : "bg-brand-600");

const amount = (n: number, unit: "calls" | "minutes") => (unit === "minutes" ? (Math.round(n * 10) / 10).toLocaleString("en-US") : n.toLocaleString("en-US"));

/**
 * One allowance as words and a bar: "12 of 250 calls used — resets on March 1, 2026". The bar repeats
 * the sentence visually (hidden from screen readers, which read the sentence); unlimited has no bar.
 */
export function AllowanceMeter({ meter, unit, resetsOn, testId }: { meter: Meter; unit: "calls" | "minutes"; resetsOn: string; testId?: string }) {
  const used = amount(meter.used, unit);
  const percent = meter.percent ?? 0;
  return (
    <div className="text-sm" data-testid={testId}>
      <p className="text-slate-800">
        {meter.included === null ? (
          <>
            <span className="font-semibold tabular-nums">{used}</span> {unit} used — unlimited
          </>
        ) : (
          <>
            <span className="font-semibold tabular-nums">{used}</span> of <span className="tabular-nums">{amount(meter.included, unit)}</span> {unit} used —
            resets on {resetsOn}
          </>
        )}
      </p>
      {meter.included !== null && (
        <div className="mt-1.5 h-2 rounded-full bg-slate-100" aria-hidden>
          <div className={`h-2 rounded-full ${barTone(percent)}`} style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
        </div>
      )}
    </div>
  );
}
