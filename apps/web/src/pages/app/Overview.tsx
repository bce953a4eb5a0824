import { Link } from "react-router";
import type { CallDto } from "@orbis/contracts";
import { useAgents, useOverview, useRecentCalls } from "../../lib/queries.ts";
import { useCan, useMe } from "../../lib/session.tsx";
import { Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";
import { addDays, dayOf, formatDay, useWorkspaceZone } from "../../lib/time.ts";
import { fmtDuration } from "./Calls.tsx";

const CHART_DAYS = 14;

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-bold text-slate-900" data-testid={`stat-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`}>
        {value}
      </p>
      {hint && <p className="mt-0.5 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/** Calls per day for the last 14 days as a bar chart (plain SVG: no chart library in the bundle). */
function CallsChart({ calls, zone }: { calls: CallDto[]; zone: string }) {
  const today = dayOf(new Date(), zone);
  const days = Array.from({ length: CHART_DAYS }, (_, i) => {
    const day = addDays(today, i - (CHART_DAYS - 1));
    return { day, count: calls.filter((c) => dayOf(new Date(c.startedAt), zone) === day).length };
  });
  const max = Math.max(1, ...days.map((d) => d.count));
  return (
    <svg
      viewBox="0 0 280 110"
      role="img"
      aria-label={`Calls per day, last ${CHART_DAYS} days: ${days.reduce((n, d) => n + d.count, 0)} in all`}
      className="w-full"
    >
      {days.map((d, i) => {
        const h = (d.count / max) * 76;
        return (
          <g key={i}>
            <rect x={i * 20 + 3} y={90 - h} width={14} height={Math.max(h, 0.5)} rx={2} className="fill-brand-600" />
            {d.count > 0 && (
              <text x={i * 20 + 10} y={86 - h} textAnchor="middle" className="fill-slate-700 text-[7px]">
                {d.count}
              </text>
            )}
            {i % 2 === 1 && (
              <text x={i * 20 + 10} y={102} textAnchor="middle" className="fill-slate-500 text-[6px]">
                {formatDay(d.day, { month: "numeric", day: "numeric" })}
              </text>
            )}
            <title>{`${formatDay(d.day, { month: "short", day: "numeric" })}: ${d.count} calls`}</title>
          </g>
        );
      })}
      <line x1="0" x2="280" y1="90" y2="90" className="stroke-slate-300" />
    </svg>
  );
}

/** Horizontal bars: one row per item, value labelled (readable without colour). */
function Bars({ label, rows, unit = "" }: { label: string; rows: { key: string; label: string; value: number; to?: string }[]; unit?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ul aria-label={label} className="space-y-2">
      {rows.map((r) => (
        <li key={r.key} className="text-sm">
          <div className="flex justify-between gap-2">
            {r.to ? (
              <Link to={r.to} className="truncate font-medium hover:underline">
                {r.label}
              </Link>
            ) : (
              <span className="truncate font-medium">{r.label}</span>
            )}
            <span className="shrink-0 tabular-nums text-slate-700">
              {r.value.toLocaleString()}
              {unit}
            </span>
          </div>
          <div className="mt-1 h-2 rounded-full bg-slate-100" aria-hidden>
            <div className="h-2 rounded-full bg-brand-600" style={{ width: `${(r.value / max) * 100}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function Overview() {
  const me = useMe().data;
  const zone = useWorkspaceZone();
  const agents = useAgents();
  const overview = useOverview();
  const recent = useRecentCalls(CHART_DAYS);
  const canEdit = useCan("admin");
  const o = overview.data;
  const dash = "–";

  return (
    <>
      <PageHeader title={`Welcome${me ? `, ${me.user.name.split(" ")[0]}` : ""}`} subtitle={me?.workspace.name} />
      {overview.error ? (
        <ErrorBanner error={overview.error} />
      ) : (
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-6" aria-busy={overview.isPending}>
          <Stat label="Calls today" value={o ? o.calls.today.toLocaleString() : dash} />
          <Stat label="This week" value={o ? o.calls.week.toLocaleString() : dash} hint="last 7 days" />
          <Stat label="This month" value={o ? o.calls.month.toLocaleString() : dash} hint="last 30 days" />
          <Stat label="Average duration" value={o?.averageDurationSec != null ? fmtDuration(o.averageDurationSec) : dash} />
          <Stat label="Booking rate" value={o?.bookingRate != null ? `${Math.round(o.bookingRate * 100)} %` : dash} hint="calls with a booking" />
          <Stat
            label="Turn latency p50 / p95"
            value={o?.turnLatencyMs.p50 != null ? `${o.turnLatencyMs.p50} / ${o.turnLatencyMs.p95 ?? dash}` : dash}
            hint={o ? `ms, over ${o.turnLatencyMs.turns.toLocaleString()} turns` : undefined}
          />
        </div>
      )}
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card
          title={`Calls, last ${CHART_DAYS} days`}
          className="lg:col-span-2"
          actions={
            <Link className="text-sm text-brand-700 underline" to="/dashboard/calls">
              All calls
            </Link>
          }
        >
          {recent.isPending ? (
            <Spinner label="Loading calls" />
          ) : recent.error ? (
            <ErrorBanner error={recent.error} />
          ) : recent.data.data.length === 0 ? (
            <EmptyState title="No calls yet">Place one with “Try this agent” or embed the widget on your site.</EmptyState>
          ) : (
            <CallsChart calls={recent.data.data} zone={zone} />
          )}
        </Card>
        <Card title="Top agents" actions={<span className="text-xs text-slate-500">calls, last 30 days</span>}>
          {overview.isPending ? (
            <Spinner />
          ) : !o || o.topAgents.length === 0 ? (
            <EmptyState title="No calls in the last 30 days" />
          ) : (
            <Bars
              label="Top agents by calls"
              rows={o.topAgents.map((a) => ({ key: a.agentId, label: a.name, value: a.calls, to: `/dashboard/agents/${a.agentId}` }))}
            />
          )}
        </Card>
        <Card title="Turn latency" className="lg:col-span-2" actions={<span className="text-xs text-slate-500">caller stops talking → first agent audio</span>}>
          {overview.isPending ? (
            <Spinner />
          ) : !o || o.turnLatencyMs.p50 == null ? (
            <EmptyState title="No voice turns measured yet" />
          ) : (
            <Bars
              label="Turn latency percentiles"
              unit=" ms"
              rows={[
                { key: "p50", label: "Median (p50)", value: o.turnLatencyMs.p50 },
                ...(o.turnLatencyMs.p95 == null ? [] : [{ key: "p95", label: "95th percentile (p95)", value: o.turnLatencyMs.p95 }]),
              ]}
            />
          )}
        </Card>
        <Card
          title="Your agents"
          actions={
            <Link className="text-sm text-brand-700 underline" to="/dashboard/agents">
              All agents
            </Link>
          }
        >
          {agents.isPending ? (
            <Spinner />
          ) : agents.error ? (
            <ErrorBanner error={agents.error} />
          ) : agents.data.data.length === 0 ? (
            <EmptyState title="No agents yet">
              {canEdit && (
                <Link className="text-brand-700 underline" to="/onboarding">
                  Set up your first agent
                </Link>
              )}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {agents.data.data.slice(0, 5).map((a) => (
                <li key={a.id} className="flex items-center justify-between py-2 text-sm">
                  <Link to={`/dashboard/agents/${a.id}`} className="font-medium hover:underline">
                    {a.name}
                  </Link>
                  <Link to={`/dashboard/agents/${a.id}/try`} className="text-brand-700 underline">
                    Try
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
