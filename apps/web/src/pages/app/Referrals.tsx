import { useState, type FormEvent } from "react";
import { createReferralLinkSchema, type CommissionStatus, type EarningsDto, type ReferralsMeDto } from "@orbis/contracts";
import { ApiError } from "../../lib/api.ts";
import { validate, type FieldErrors } from "../../lib/forms.ts";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";
import { CopyLinkField } from "../../components/referrals/CopyLinkField.tsx";
import { ReferralFunnel } from "../../components/referrals/ReferralFunnel.tsx";
import { formatUsd, useCreateReferralLink, useReferralEarnings, useReferralsMe } from "../../components/referrals/referrals-api.ts";

type HistoryStatus = ReferralsMeDto["history"][number]["status"];
const HISTORY_STATUS: Record<HistoryStatus, { label: string; tone: "slate" | "green" | "amber" | "red" }> = {
  signed_up: { label: "Signed up", tone: "slate" },
  activated: { label: "Activated", tone: "amber" },
  paid: { label: "Paying", tone: "green" },
  flagged: { label: "Under review", tone: "red" },
};
const COMMISSION_STATUS: Record<CommissionStatus, { label: string; tone: "slate" | "green" | "amber" | "red" }> = {
  pending: { label: "Pending", tone: "slate" },
  held: { label: "Held for review", tone: "amber" },
  approved: { label: "Approved", tone: "green" },
  paid: { label: "Paid", tone: "green" },
  reversed: { label: "Reversed", tone: "red" },
  rejected: { label: "Rejected", tone: "red" },
};

/** Refer & Earn: the user's referral links, funnel, history and earnings (`/dashboard/referrals`). */
export function Referrals() {
  const me = useReferralsMe();
  const earnings = useReferralEarnings();
  const zone = useWorkspaceZone();

  if (me.isPending) return <Spinner />;
  if (me.error) {
    return (
      <>
        <PageHeader title="Refer & Earn" />
        <ErrorBanner error={me.error} />
      </>
    );
  }
  const data = me.data;
  // The main link is the oldest one without a campaign (the server makes it on the first visit).
  const main = data.links.find((l) => l.campaign === null) ?? data.links[0];
  const campaigns = data.links.filter((l) => l !== main);

  return (
    <>
      <PageHeader
        title="Refer & Earn"
        subtitle={
          <>
            Invite other businesses to OrbisVoice. When they sign up through your link, you earn <strong>{data.program.summary}</strong>.
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Your referral link" className="lg:col-span-2">
          {main ? <CopyLinkField url={main.url} label="Your link" /> : <EmptyState title="No link yet" />}
          <p className="mt-3 text-sm text-slate-600">
            Share it anywhere. A visit through it is remembered in that browser for the attribution window, so a signup days later still counts.
          </p>
        </Card>
        <Card title="Estimated earnings">
          <p className="text-3xl font-bold text-slate-900" data-testid="estimated-earnings">
            {formatUsd(data.estimatedEarningsUsd)}
          </p>
          <p className="mt-1 text-sm text-slate-600">Pending, held and approved commissions not yet paid out.</p>
        </Card>
        <Card title="Your funnel" className="lg:col-span-3">
          <ReferralFunnel funnel={data} />
        </Card>
        <CampaignLinks links={campaigns} />
        <HowItPays summary={data.program.summary} />
        <Card title="Referred businesses" className="lg:col-span-3">
          {data.history.length === 0 ? (
            <EmptyState title="No one has signed up through your links yet" />
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Businesses that signed up through your links</caption>
                <thead className="text-xs uppercase text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-4">
                      Business
                    </th>
                    <th scope="col" className="py-2 pr-4">
                      Signed up
                    </th>
                    <th scope="col" className="py-2 pr-4">
                      First call
                    </th>
                    <th scope="col" className="py-2 pr-4">
                      First payment
                    </th>
                    <th scope="col" className="py-2">
                      Status
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.history.map((h, i) => (
                    <tr key={`${h.signedUpAt}-${i}`}>
                      <td className="py-2 pr-4 font-medium">{h.workspace}</td>
                      <td className="py-2 pr-4">{formatDateTime(h.signedUpAt, zone)}</td>
                      <td className="py-2 pr-4">{h.activatedAt ? formatDateTime(h.activatedAt, zone) : "—"}</td>
                      <td className="py-2 pr-4">{h.firstPaidAt ? formatDateTime(h.firstPaidAt, zone) : "—"}</td>
                      <td className="py-2">
                        <Badge tone={HISTORY_STATUS[h.status].tone}>{HISTORY_STATUS[h.status].label}</Badge>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        {earnings.data && <EarningsDetails earnings={earnings.data} zone={zone} />}
        {earnings.error && !(earnings.error instanceof ApiError && earnings.error.status === 404) && (
          <div className="lg:col-span-3">
            <ErrorBanner error={earnings.error} />
          </div>
        )}
      </div>
    </>
  );
}

function CampaignLinks({ links }: { links: ReferralsMeDto["links"] }) {
  const create = useCreateReferralLink();
  const [errors, setErrors] = useState<FieldErrors>({});
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const campaign = String(new FormData(form).get("campaign") ?? "").trim();
    const v = validate(createReferralLinkSchema, campaign ? { campaign } : {});
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    create.mutate(v.data, {
      onSuccess: () => form.reset(),
      onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
    });
  };
  return (
    <Card title="Campaign links" className="lg:col-span-2">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-[14rem] flex-1">
          <TextInput
            label="Campaign name"
            name="campaign"
            placeholder="Newsletter December"
            hint="A separate link per place you share it, to see which works best."
            error={errors.campaign}
          />
        </div>
        <Button type="submit" busy={create.isPending}>
          Create link
        </Button>
      </form>
      <ErrorBanner error={create.error instanceof ApiError && create.error.status === 422 ? undefined : create.error} />
      {links.length > 0 && (
        <ul className="mt-4 divide-y divide-slate-100">
          {links.map((l) => (
            <li key={l.id} className="py-3">
              <CopyLinkField url={l.url} label={l.campaign ?? "Link"} />
              <p className="text-xs text-slate-600">
                {l.clicks} click{l.clicks === 1 ? "" : "s"} · {l.signups} signup{l.signups === 1 ? "" : "s"}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function HowItPays({ summary }: { summary: string }) {
  return (
    <Card title="How the programme pays">
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>A business signs up through your link: it is credited to you.</li>
        <li>
          You earn <strong>{summary}</strong>.
        </li>
        <li>Each commission is pending during a hold period (refunds reverse it), then approved and paid out.</li>
        <li>Signups that fail our checks (your own company, throwaway email addresses, bursts) are held for review.</li>
      </ol>
    </Card>
  );
}

function EarningsDetails({ earnings, zone }: { earnings: EarningsDto; zone: string }) {
  const totals = Object.entries(earnings.totals) as [keyof EarningsDto["totals"], number][];
  return (
    <Card title="Earnings" className="lg:col-span-3">
      <dl className="grid gap-3 sm:grid-cols-5">
        {totals.map(([status, amount]) => (
          <div key={status} className="rounded-lg border border-slate-200 p-3">
            <dt className="text-sm text-slate-600">{COMMISSION_STATUS[status].label}</dt>
            <dd className="text-lg font-semibold text-slate-900">{formatUsd(amount)}</dd>
          </div>
        ))}
      </dl>
      {earnings.commissions.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">No commissions yet.</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Your commissions</caption>
            <thead className="text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4">
                  Date
                </th>
                <th scope="col" className="py-2 pr-4">
                  Business
                </th>
                <th scope="col" className="py-2 pr-4">
                  For
                </th>
                <th scope="col" className="py-2 pr-4 text-right">
                  Amount
                </th>
                <th scope="col" className="py-2">
                  Status
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {earnings.commissions.map((c) => (
                <tr key={c.id}>
                  <td className="py-2 pr-4">{formatDateTime(c.createdAt, zone)}</td>
                  <td className="py-2 pr-4">{c.referredWorkspace}</td>
                  <td className="py-2 pr-4">{c.kind === "invoice" ? "Paid invoice" : c.kind === "activation" ? "First call" : "First payment"}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatUsd(c.amountUsd)}</td>
                  <td className="py-2">
                    <Badge tone={COMMISSION_STATUS[c.status].tone}>{COMMISSION_STATUS[c.status].label}</Badge>
                    {c.status === "pending" && c.holdUntil && <span className="ml-2 text-xs text-slate-600">until {formatDateTime(c.holdUntil, zone)}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
