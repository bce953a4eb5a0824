import { EmptyState } from "../ui.tsx";
import { formatUsd } from "./affiliate-api.ts";

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-11" → "Nov 2026" (the month is a UTC calendar month, not an instant: no time zone applies). */
const monthLabel = (month: string) => {
  const [y, m] = month.split("-");
  return `${MONTH_NAMES[Number(m) - 1] ?? m} ${y}`;
};

/** Approved and paid earnings per month, as bars (the same SVG approach as the Usage page's charts). */
export function EarningsChart({ monthly }: { monthly: { month: string; amountUsd: number }[] }) {
  if (monthly.length === 0) return <EmptyState title="No approved earnings yet">Commissions appear here once their hold period ends.</EmptyState>;
  const width = Math.max(280, monthly.length * 40);
  const max = Math.max(1, ...monthly.map((m) => m.amountUsd));
  const slot = width / monthly.length;
  const total = monthly.reduce((n, m) => n + m.amountUsd, 0);
  return (
    <svg viewBox={`0 0 ${width} 120`} role="img" aria-label={`Earnings per month: ${formatUsd(total)} in all`} className="w-full">
      {monthly.map((m, i) => {
        const h = (m.amountUsd / max) * 80;
        return (
          <g key={m.month}>
            {h > 0 && <rect x={i * slot + slot * 0.2} y={94 - h} width={slot * 0.6} height={h} className="fill-brand-600" />}
            <text x={i * slot + slot / 2} y={108} textAnchor="middle" className="fill-slate-600 text-[7px]">
              {monthLabel(m.month)}
            </text>
            <title>{`${monthLabel(m.month)}: ${formatUsd(m.amountUsd)}`}</title>
          </g>
        );
      })}
      <line x1="0" x2={width} y1="94" y2="94" className="stroke-slate-300" />
    </svg>
  );
}
