import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { CHANNELS, dailyUsageSchema, type DailyUsageDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { queryString, useUsage, type UsageSummary } from "../../lib/queries.ts";
import { addDays, dayOf, formatDay, instantAt, isDay, useWorkspaceZone, type Day } from "../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";
import { PlanAllowancePanel } from "../../components/billing/PlanAllowancePanel.tsx";

type Channel = (typeof CHANNELS)[number];
const CHANNEL_FILL: Record<Channel, string> = { web: "fill-brand-600", twilio: "fill-red-600", telnyx: "fill-emerald-600" };
const CHANNEL_SWATCH: Record<Channel, string> = { web: "bg-brand-600", twilio: "bg-red-600", telnyx: "bg-emerald-600" };
const MAX_DAYS = 366;

type DayRow = DailyUsageDto["days"][number];

const sum = (r: Record<Channel, number>) => CHANNELS.reduce((n, c) => n + r[c], 0);
const usd = (n: number) => `$${n.toFixed(n > 0 && n < 1 ? 4 : 2)}`;

/** Calls, minutes and cost per civil day in the zone (both ends included), counted by the server. */
const useDailyUsage = (from: Day, to: Day, tz: string) =>
  useQuery({
    queryKey: ["usage", "daily", from, to, tz],
    queryFn: async () => dailyUsageSchema.parse(await api(`/v1/usage/daily${queryString({ from, to, tz })}`)),
  });

/** Stacked bars per day, one colour per channel (named in the legend and each bar's title). */
function DailyBars({ rows, metric, label }: { rows: DayRow[]; metric: "calls" | "minutes"; label: string }) {
  const width = Math.max(280, rows.length * 12);
  const max = Math.max(1, ...rows.map((r) => sum(r[metric])));
  const slot = width / rows.length;
  const labelEvery = Math.ceil(rows.length / 10);
  const total = rows.reduce((n, r) => n + sum(r[metric]), 0);
  return (
    <svg viewBox={`0 0 ${width} 110`} role="img" aria-label={`${label}: ${Math.round(total).toLocaleString()} in all`} className="w-full">
      {rows.map((r, i) => {
        let y = 90;
        return (
          <g key={r.day}>
            {CHANNELS.map((c) => {
              const h = (r[metric][c] / max) * 76;
              y -= h;
              return h > 0 ? <rect key={c} x={i * slot + slot * 0.15} y={y} width={slot * 0.7} height={h} className={CHANNEL_FILL[c]} /> : null;
            })}
            {i % labelEvery === 0 && (
              <text x={i * slot + slot / 2} y={102} textAnchor="middle" className="fill-slate-500 text-[6px]">
                {formatDay(r.day, { month: "numeric", day: "numeric" })}
              </text>
            )}
            <title>{`${formatDay(r.day, { month: "short", day: "numeric" })}: ${CHANNELS.map((c) => `${c} ${Math.round(r[metric][c] * 10) / 10}`).join(", ")}`}</title>
          </g>
        );
      })}
      <line x1="0" x2={width} y1="90" y2="90" className="stroke-slate-300" />
    </svg>
  );
}

function Legend() {
  return (
    <ul className="mb-2 flex flex-wrap gap-3 text-xs text-slate-700" aria-label="Channels">
      {CHANNELS.map((c) => (
        <li key={c} className="flex items-center gap-1">
          <span className={`inline-block h-2.5 w-2.5 rounded-sm ${CHANNEL_SWATCH[c]}`} aria-hidden /> {c}
        </li>
      ))}
    </ul>
  );
}

function CostByProvider({ usage }: { usage: UsageSummary }) {
  const rows = [...usage.byProvider].sort((a, b) => b.costUsd - a.costUsd);
  const max = Math.max(0.000001, ...rows.map((r) => r.costUsd));
  if (rows.length === 0) return <EmptyState title="No provider usage in this range" />;
  return (
    <ul aria-label="Cost by provider" className="space-y-2">
      {rows.map((r) => (
        <li key={r.provider} className="text-sm">
          <div className="flex justify-between gap-2">
            <span className="truncate font-medium">
              {r.provider} <span className="text-xs font-normal text-slate-500">{r.kind}</span>
            </span>
            <span className="shrink-0 tabular-nums text-slate-700">{usd(r.costUsd)}</span>
          </div>
          <div className="mt-1 h-2 rounded-full bg-slate-100" aria-hidden>
            <div className="h-2 rounded-full bg-brand-600" style={{ width: `${(r.costUsd / max) * 100}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function Usage() {
  const zone = useWorkspaceZone();
  const today = dayOf(new Date(), zone);
  const [range, setRange] = useState({ from: addDays(today, -13), to: today });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string>();
  const from = instantAt(range.from, zone).toISOString();
  const to = instantAt(addDays(range.to, 1), zone).toISOString();
  const usage = useUsage(from, to);
  const daily = useDailyUsage(range.from, range.to, zone);
  const rows = daily.data?.days ?? [];
  const totalMinutes = rows.reduce((n, r) => n + sum(r.minutes), 0);
  // Sales practice is its own line: not calls, not in the plan's allowance.
  const practice = rows.reduce(
    (t, r) => ({
      sessions: t.sessions + r.practice.sessions,
      minutes: t.minutes + r.practice.minutes,
      costUsd: t.costUsd + r.practice.costUsd,
      chargeUsd: t.chargeUsd + r.practice.chargeUsd,
    }),
    { sessions: 0, minutes: 0, costUsd: 0, chargeUsd: 0 },
  );
  const active = (r: DayRow) => sum(r.calls) > 0 || r.practice.sessions > 0;
  const csvUrl = `/v1/usage/daily.csv${queryString({ from: range.from, to: range.to, tz: zone })}`;

  const apply = () => {
    if (!isDay(draft.from) || !isDay(draft.to)) return setRangeError("Choose both dates.");
    if (draft.from > draft.to) return setRangeError("The start must not be after the end.");
    if ((Date.parse(draft.to) - Date.parse(draft.from)) / 86_400_000 + 1 > MAX_DAYS) return setRangeError(`At most ${MAX_DAYS} days.`);
    setRangeError(undefined);
    setRange(draft);
  };

  return (
    <>
      <PageHeader
        title="Usage"
        subtitle={`Calls, minutes and provider cost, by day in ${zone}.`}
        actions={
          <a
            href={csvUrl}
            download
            className="inline-flex items-center justify-center rounded-lg bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Download CSV
          </a>
        }
      />
      <PlanAllowancePanel />
      <form
        className="mb-6 flex flex-wrap items-end gap-3"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <TextInput label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextInput label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={rangeError} />
        <Button type="submit">Show</Button>
      </form>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Totals">
          {usage.isPending ? (
            <Spinner />
          ) : usage.error ? (
            <ErrorBanner error={usage.error} />
          ) : (
            <dl className="grid grid-cols-2 gap-3 text-sm">
              <dt className="text-slate-600">Calls</dt>
              <dd className="text-right font-semibold tabular-nums" data-testid="usage-calls">
                {usage.data.calls.toLocaleString()}
              </dd>
              <dt className="text-slate-600">Minutes</dt>
              <dd className="text-right font-semibold tabular-nums">{daily.data ? totalMinutes.toFixed(1) : "–"}</dd>
              <dt className="text-slate-600">Provider cost</dt>
              <dd className="text-right font-semibold tabular-nums">{usd(usage.data.costUsd)}</dd>
              <dt className="text-slate-600">Sales practice</dt>
              <dd className="text-right font-semibold tabular-nums" data-testid="usage-practice">
                {daily.data ? `${practice.sessions} · ${practice.minutes.toFixed(1)} min · ${usd(practice.costUsd)}` : "–"}
              </dd>
              <dt className="text-slate-600">Sales practice charged</dt>
              <dd
                className="text-right font-semibold tabular-nums"
                data-testid="usage-practice-charge"
                title="Minutes at the practice price per minute in force when each session started"
              >
                {daily.data ? usd(practice.chargeUsd) : "–"}
              </dd>
            </dl>
          )}
        </Card>
        <Card title="Cost by provider" className="lg:col-span-2">
          {usage.isPending ? <Spinner /> : usage.error ? <ErrorBanner error={usage.error} /> : <CostByProvider usage={usage.data} />}
        </Card>
        <Card title="Calls by day and channel" className="lg:col-span-3">
          {daily.isPending ? (
            <Spinner label="Loading calls" />
          ) : daily.error ? (
            <ErrorBanner error={daily.error} />
          ) : (
            <>
              <Legend />
              <DailyBars rows={rows} metric="calls" label="Calls per day by channel" />
              <h3 className="mt-6 text-sm font-semibold text-slate-900">Minutes by day and channel</h3>
              <DailyBars rows={rows} metric="minutes" label="Minutes per day by channel" />
              <div className="mt-4 overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Calls and minutes per day and channel, and sales practice sessions</caption>
                  <thead className="text-xs text-slate-600">
                    <tr>
                      <th scope="col" className="py-1 pr-3">
                        Day
                      </th>
                      {CHANNELS.map((c) => (
                        <th key={c} scope="col" className="py-1 pr-3 text-right">
                          {c}
                        </th>
                      ))}
                      <th scope="col" className="py-1 pr-3 text-right">
                        Cost
                      </th>
                      <th scope="col" className="py-1 text-right">
                        Practice
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {rows
                      .filter(active)
                      .reverse()
                      .map((r) => (
                        <tr key={r.day}>
                          <th scope="row" className="py-1 pr-3 font-medium">
                            {formatDay(r.day, { month: "short", day: "numeric" })}
                          </th>
                          {CHANNELS.map((c) => (
                            <td key={c} className="py-1 pr-3 text-right tabular-nums">
                              {r.calls[c]} · {r.minutes[c].toFixed(1)} min
                            </td>
                          ))}
                          <td className="py-1 pr-3 text-right tabular-nums">{usd(r.costUsd)}</td>
                          <td className="py-1 text-right tabular-nums">
                            {r.practice.sessions} · {r.practice.minutes.toFixed(1)} min · {usd(r.practice.costUsd)}
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
                {!rows.some(active) && <EmptyState title="No calls or practice sessions in this range" />}
              </div>
            </>
          )}
        </Card>
      </div>
    </>
  );
}
