import { formatDateTime } from "../../lib/time.ts";

/**
 * Practice scores over time as a line (0–100 up the side, one point per session, oldest on the left),
 * drawn in SVG like the Usage and Overview charts; its accessible name says what it shows in words.
 */
export function ScoreTrend({ points, zone, label = "Score trend" }: { points: { at: string; score: number }[]; zone: string; label?: string }) {
  const width = 320;
  const height = 120;
  const top = 8;
  const bottom = 100;
  const left = 22;
  const slot = points.length > 1 ? (width - left - 8) / (points.length - 1) : 0;
  const x = (i: number) => (points.length > 1 ? left + i * slot : (width + left) / 2);
  const y = (score: number) => bottom - (Math.max(0, Math.min(100, score)) / 100) * (bottom - top);
  const first = points[0];
  const last = points[points.length - 1];
  const summary =
    first && last
      ? `${label}: ${points.length} session${points.length === 1 ? "" : "s"}, from ${Math.round(first.score)} to ${Math.round(last.score)}`
      : `${label}: no scored sessions yet`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="w-full">
      {[0, 50, 100].map((v) => (
        <g key={v}>
          <line x1={left} x2={width} y1={y(v)} y2={y(v)} className="stroke-slate-200" />
          <text x={left - 4} y={y(v) + 2} textAnchor="end" className="fill-slate-500 text-[7px]">
            {v}
          </text>
        </g>
      ))}
      {points.length > 1 && (
        <polyline points={points.map((p, i) => `${x(i)},${y(p.score)}`).join(" ")} fill="none" strokeWidth={1.5} className="stroke-brand-600" />
      )}
      {points.map((p, i) => (
        <circle key={`${p.at}-${i}`} cx={x(i)} cy={y(p.score)} r={2.5} className="fill-brand-600">
          <title>{`${formatDateTime(p.at, zone)}: ${Math.round(p.score)}`}</title>
        </circle>
      ))}
    </svg>
  );
}
