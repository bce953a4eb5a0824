import { useState } from "react";
import type { ReferralAnalyticsDto } from "@orbis/contracts";
import { queryString } from "../../lib/queries.ts";
import { Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../ui.tsx";
import { useReferralAnalytics, usd } from "./admin-data.ts";

/** Days are UTC here: the operator's figures are the platform's, not a workspace's. */
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const startOf = (day: string) => new Date(`${day}T00:00:00.000Z`).toISOString();
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

const STAGES = [
  { key: "signups", label: "Signed up", swatch: "bg-slate-400" },
  { key: "activated", label: "Activated", swatch: "bg-brand-600" },
  { key: "paid", label: "Paid", swatch: "bg-emerald-600" },
] as const;

function Funnel({ data }: { data: ReferralAnalyticsDto }) {
  const steps = [
    ["Clicks", data.funnel.clicks],
    ["Signups", data.funnel.signups],
    ["Activations", data.funnel.activations],
    ["Paid", data.funnel.paid],
  ] as const;
  const rate = (n: number, of: number) => (of > 0 ? `${Math.round((n / of) * 100)}%` : "–");
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="admin-funnel">
      {steps.map(([label, n], i) => (
        <div key={label} className="rounded-lg border border-slate-200 p-3">
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid={`funnel-${label.toLowerCase()}`}>
            {n.toLocaleString()}
          </dd>
          {i > 0 && <dd className="text-xs text-slate-600">{rate(n, steps[i - 1]![1])} of the step before</dd>}
        </div>
      ))}
      <div className="rounded-lg border border-slate-200 p-3">
        <dt className="text-xs text-slate-600">Revenue</dt>
        <dd className="text-xl font-semibold tabular-nums">{usd(data.revenueUsd)}</dd>
      </div>
      <div className="rounded-lg border border-slate-200 p-3">
        <dt className="text-xs text-slate-600">Commissions</dt>
        <dd className="text-xl font-semibold tabular-nums">{usd(data.commissionsUsd)}</dd>
      </div>
    </dl>
  );
}

/** Monthly signup cohorts as grouped bars (signed up → activated → paid), one scale: the largest cohort. */
function CohortChart({ cohorts }: { cohorts: ReferralAnalyticsDto["cohorts"] }) {
  if (cohorts.length === 0) return <p className="text-sm text-slate-600">No referred signups in this range.</p>;
  const max = Math.max(1, ...cohorts.map((c) => c.signups));
  return (
    <figure>
      <div className="flex h-48 items-end gap-4 overflow-x-auto border-b border-slate-200 pb-1" role="img" aria-label="Signup cohorts per month">
        {cohorts.map((c) => (
          <div key={c.month} className="flex h-full min-w-12 flex-col justify-end">
            <div className="flex h-full items-end gap-0.5">
              {STAGES.map((s) => (
                <div
                  key={s.key}
                  className={`w-3 rounded-t ${s.swatch}`}
                  style={{ height: `${(c[s.key] / max) * 100}%` }}
                  title={`${c.month} · ${s.label}: ${c[s.key]}`}
                />
              ))}
            </div>
            <span className="mt-1 text-center text-xs text-slate-600">{c.month}</span>
          </div>
        ))}
      </div>
      <figcaption className="mt-2 flex flex-wrap gap-x-3 text-xs text-slate-700">
        {STAGES.map((s) => (
          <span key={s.key} className="flex items-center gap-1">
            <span className={`inline-block h-2.5 w-2.5 rounded-sm ${s.swatch}`} aria-hidden /> {s.label}
          </span>
        ))}
      </figcaption>
      {/* The numbers behind the bars, for screen readers and for reading exact values. */}
      <table className="mt-4 w-full text-sm">
        <caption className="sr-only">Signup cohorts per month</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 text-left font-medium">
              Month
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Signed up
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Activated
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Paid
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.month} className="border-t border-slate-100">
              <th scope="row" className="py-1 text-left font-normal">
                {c.month}
              </th>
              <td className="py-1 text-right tabular-nums">{c.signups}</td>
              <td className="py-1 text-right tabular-nums">{c.activated}</td>
              <td className="py-1 text-right tabular-nums">{c.paid}</td>
              <td className="py-1 text-right tabular-nums">{usd(c.revenueUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function TopReferrers({ rows }: { rows: ReferralAnalyticsDto["topReferrers"] }) {
  if (rows.length === 0) return <EmptyState title="No referrers in this range" />;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="top-referrers">
        <caption className="sr-only">Top referrers by revenue</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            {["Referrer", "Kind", "Clicks", "Signups", "Activations", "Paid", "Revenue", "Earnings"].map((h, i) => (
              <th key={h} scope="col" className={`py-2 font-medium ${i < 2 ? "text-left" : "text-right"}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kind}:${r.id}`} className="border-t border-slate-100">
              <th scope="row" className="py-2 text-left font-medium">
                {r.name || r.id}
              </th>
              <td className="py-2">{r.kind === "user" ? "Customer" : "Affiliate"}</td>
              <td className="py-2 text-right tabular-nums">{r.clicks}</td>
              <td className="py-2 text-right tabular-nums">{r.signups}</td>
              <td className="py-2 text-right tabular-nums">{r.activations}</td>
              <td className="py-2 text-right tabular-nums">{r.paid}</td>
              <td className="py-2 text-right tabular-nums">{usd(r.revenueUsd)}</td>
              <td className="py-2 text-right tabular-nums">{usd(r.earningsUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReferralAnalytics() {
  const today = dayOf(new Date());
  const [range, setRange] = useState({ from: dayOf(new Date(Date.now() - 364 * 86_400_000)), to: today });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string>();
  const from = startOf(range.from);
  const to = dayAfter(range.to);
  const analytics = useReferralAnalytics(from, to);

  return (
    <>
      <PageHeader
        title="Referral analytics"
        subtitle={`Clicks, signups, activations and payments of referred workspaces, ${range.from} – ${range.to} (UTC).`}
        actions={
          <a
            className="rounded-lg px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            href={`/v1/admin/referrals/analytics.csv${queryString({ from, to })}`}
          >
            Export CSV
          </a>
        }
      />
      <form
        className="mb-6 flex flex-wrap items-end gap-3"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.from || !draft.to) return setRangeError("Choose both dates.");
          if (draft.from > draft.to) return setRangeError("The start must not be after the end.");
          setRangeError(undefined);
          setRange(draft);
        }}
      >
        <TextInput label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextInput label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={rangeError} />
        <Button type="submit">Show</Button>
      </form>
      {analytics.isPending ? (
        <Spinner label="Loading referral analytics" />
      ) : analytics.error ? (
        <ErrorBanner error={analytics.error} />
      ) : (
        <div className="space-y-6">
          <Card title="Funnel">
            <Funnel data={analytics.data} />
          </Card>
          <Card title="Signup cohorts">
            <CohortChart cohorts={analytics.data.cohorts} />
          </Card>
          <Card title="Top referrers">
            <TopReferrers rows={analytics.data.topReferrers} />
          </Card>
        </div>
      )}
    </>
  );
}
