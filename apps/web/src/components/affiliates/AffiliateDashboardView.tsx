import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { createReferralLinkSchema, type ReferralLinkDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues } from "../../lib/forms.ts";
import { dayOf, formatDay } from "../../lib/time.ts";
import { validateHuman } from "../../lib/zod-messages.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, TextInput } from "../ui.tsx";
import { AFFILIATE_ME_KEY, formatUsd, type AffiliateMe } from "./affiliate-api.ts";
import { EarningsChart } from "./EarningsChart.tsx";

/** Affiliates have no workspace: their dates are shown in the browser's own zone. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const formatDate = (iso: string) => formatDay(dayOf(new Date(iso), browserZone()), { year: "numeric", month: "short", day: "numeric" });

/** Where the application stands: awaiting review, not approved (with the operator's note), or approved. */
function StatusBanner({ affiliate }: { affiliate: AffiliateMe["affiliate"] }) {
  const box = (tone: string, children: ReactNode) => (
    <div role="status" className={`rounded-xl border p-4 text-sm ${tone}`}>
      {children}
    </div>
  );
  switch (affiliate.status) {
    case "approved":
      return box("border-green-200 bg-green-50 text-green-900", <p>Your application is approved. Share your links below: every referral counts.</p>);
    case "rejected":
      return box(
        "border-red-200 bg-red-50 text-red-900",
        <>
          <p className="font-semibold">Your application was not approved.</p>
          {affiliate.reviewNote && <p className="mt-1">Note from our team: {affiliate.reviewNote}</p>}
        </>,
      );
    default:
      return box(
        "border-amber-200 bg-amber-50 text-amber-900",
        <p>
          <span className="font-semibold">Your application is awaiting review.</span> We will email you once it is approved; your referral link appears here
          then.
        </p>,
      );
  }
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button variant="secondary" onClick={() => void copy()}>
      {copied ? "Copied" : "Copy"}
      {/* Named after its link for screen readers, the visible word first (the accessible name contains what is shown). */}
      <span className="sr-only"> {label}</span>
    </Button>
  );
}

function NewLinkForm() {
  const qc = useQueryClient();
  const [error, setError] = useState<string>();
  const m = useMutation({
    mutationFn: (body: unknown) => api<ReferralLinkDto>("/v1/affiliates/me/links", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: AFFILIATE_ME_KEY }),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const campaign = (formValues(form).campaign ?? "").trim();
    const v = validateHuman(createReferralLinkSchema, campaign ? { campaign } : {});
    if (!v.ok) return setError(v.errors.campaign ?? "Campaign is not valid");
    setError(undefined);
    m.mutate(v.data, { onSuccess: () => form.reset() });
  };
  return (
    <form onSubmit={onSubmit} className="mt-4 flex flex-wrap items-end gap-2" noValidate aria-label="New link">
      <div className="min-w-56 flex-1">
        <TextInput label="Campaign tag (optional)" name="campaign" placeholder="spring-newsletter" error={error} />
      </div>
      <Button type="submit" busy={m.isPending}>
        Add a link
      </Button>
      {m.error && (
        <div className="w-full">
          <ErrorBanner error={m.error instanceof ApiError ? m.error.message : m.error} />
        </div>
      )}
    </form>
  );
}

function Links({ me }: { me: AffiliateMe }) {
  return (
    <Card title="Your links">
      {me.links.length === 0 ? (
        <EmptyState title="No links yet">
          {me.affiliate.status === "approved" ? "Reload the page to get your link." : "Your link appears once you are approved."}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200" aria-label="Referral links">
          {me.links.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="break-all font-mono text-sm text-slate-900">{l.url}</p>
                <p className="text-xs text-slate-600">
                  {l.campaign ? `Campaign: ${l.campaign} · ` : ""}
                  {l.clicks} clicks · {l.signups} signups
                </p>
              </div>
              <CopyButton text={l.url} label={l.url} />
            </li>
          ))}
        </ul>
      )}
      {me.affiliate.status === "approved" && <NewLinkForm />}
    </Card>
  );
}

function Funnel({ funnel }: { funnel: AffiliateMe["funnel"] }) {
  const steps = [
    ["Clicks", funnel.clicks],
    ["Signups", funnel.signups],
    ["Activated", funnel.activations],
    ["Paying", funnel.paid],
  ] as const;
  return (
    <Card title="Funnel">
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        {steps.map(([label, n]) => (
          <div key={label} className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
            <dd className="mt-1 text-2xl font-bold text-slate-900">{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

function Earnings({ earnings }: { earnings: AffiliateMe["earnings"] }) {
  const totals = [
    ["Pending (hold period)", earnings.totals.pending],
    ["Held for review", earnings.totals.held],
    ["Approved", earnings.totals.approved],
    ["Paid", earnings.totals.paid],
  ] as const;
  return (
    <Card title="Earnings">
      <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        {totals.map(([label, n]) => (
          <div key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="font-semibold text-slate-900">{formatUsd(n)}</dd>
          </div>
        ))}
      </dl>
      <h3 className="mb-2 text-sm font-medium text-slate-800">Earnings per month</h3>
      <EarningsChart monthly={earnings.monthly} />
    </Card>
  );
}

function Payouts({ payouts }: { payouts: AffiliateMe["payouts"] }) {
  return (
    <Card title="Payouts">
      {payouts.length === 0 ? (
        <EmptyState title="No payouts yet">Approved commissions are paid out by our team, usually once a month.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Payouts</caption>
            <thead className="text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4">
                  Created
                </th>
                <th scope="col" className="py-2 pr-4">
                  Amount
                </th>
                <th scope="col" className="py-2 pr-4">
                  Method
                </th>
                <th scope="col" className="py-2 pr-4">
                  Status
                </th>
                <th scope="col" className="py-2">
                  Paid
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {payouts.map((p) => (
                <tr key={p.id}>
                  <td className="py-2 pr-4">{formatDate(p.createdAt)}</td>
                  <td className="py-2 pr-4 font-medium">{formatUsd(p.amountUsd)}</td>
                  <td className="py-2 pr-4">{p.method === "stripe_connect" ? "Stripe Connect" : "Bank transfer"}</td>
                  <td className="py-2 pr-4">
                    <Badge tone={p.status === "paid" ? "green" : p.status === "failed" ? "red" : "amber"}>{p.status}</Badge>
                  </td>
                  <td className="py-2">{p.paidAt ? formatDate(p.paidAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** The signed-in affiliate's dashboard: where the application stands, links, funnel, earnings, payouts. */
export function AffiliateDashboardView({ me, onSignOut, signingOut }: { me: AffiliateMe; onSignOut: () => void; signingOut: boolean }) {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900">Affiliate dashboard</h1>
          <p className="mt-1 text-sm text-slate-600">
            {me.affiliate.name} · {me.affiliate.email}
          </p>
        </div>
        <Button variant="secondary" onClick={onSignOut} busy={signingOut}>
          Sign out
        </Button>
      </div>
      <StatusBanner affiliate={me.affiliate} />
      <Links me={me} />
      <Funnel funnel={me.funnel} />
      <Earnings earnings={me.earnings} />
      <Payouts payouts={me.payouts} />
    </div>
  );
}
