import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../ui.tsx";
import { shortDate, useAdminChange, useBalances, usePayouts, usd, type AdminPayout, type Balance } from "./admin-data.ts";

const STATUS_TONE = { pending: "amber", paid: "green", failed: "red" } as const;

function BalanceRow({ balance }: { balance: Balance }) {
  const pay = useAdminChange((method: "manual" | "stripe_connect") => ({
    path: "/v1/admin/referrals/payouts",
    body: { referrer: balance.referrer.kind === "user" ? { userId: balance.referrer.id } : { affiliateId: balance.referrer.id }, method },
  }));
  const canTransfer = balance.referrer.kind === "affiliate" && !!balance.stripeAccountId;
  return (
    <tr className="border-t border-slate-100 align-top">
      <th scope="row" className="py-2 text-left font-medium">
        {balance.referrer.name}
        <span className="block text-xs font-normal text-slate-600">
          {balance.referrer.email} · {balance.referrer.kind === "user" ? "customer" : "affiliate"}
        </span>
      </th>
      <td className="py-2 text-right tabular-nums">{balance.commissions}</td>
      <td className="py-2 text-right font-semibold tabular-nums">{usd(balance.amountUsd)}</td>
      <td className="py-2 pl-4">
        {balance.amountUsd > 0 ? (
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              busy={pay.isPending}
              onClick={() => pay.mutate("manual")}
              aria-label={`Record a manual payout to ${balance.referrer.name}`}
            >
              Pay manually
            </Button>
            {canTransfer && (
              <Button busy={pay.isPending} onClick={() => pay.mutate("stripe_connect")} aria-label={`Transfer to ${balance.referrer.name} with Stripe`}>
                Transfer with Stripe
              </Button>
            )}
          </div>
        ) : (
          <span className="text-xs text-slate-600">Nothing to pay (adjustments outweigh earnings)</span>
        )}
        <ErrorBanner error={pay.error} />
      </td>
    </tr>
  );
}

function PayoutRow({ payout }: { payout: AdminPayout }) {
  const markPaid = useAdminChange(() => ({ path: `/v1/admin/referrals/payouts/${payout.id}/mark-paid` }));
  return (
    <tr className="border-t border-slate-100 align-top">
      <td className="py-2">{shortDate(payout.createdAt)}</td>
      <th scope="row" className="py-2 text-left font-medium">
        {payout.referrer?.name ?? "(deleted referrer)"}
      </th>
      <td className="py-2 text-right tabular-nums">{usd(payout.amountUsd)}</td>
      <td className="py-2 pl-4">{payout.method === "manual" ? "Manual" : "Stripe Connect"}</td>
      <td className="py-2">
        <Badge tone={STATUS_TONE[payout.status]}>{payout.status}</Badge>
        {payout.error && <span className="block text-xs text-red-800">{payout.error}</span>}
      </td>
      <td className="py-2">
        {payout.status === "pending" && payout.method === "manual" && (
          <Button
            variant="secondary"
            busy={markPaid.isPending}
            onClick={() => markPaid.mutate(undefined)}
            aria-label={`Mark the payout to ${payout.referrer?.name ?? ""} as paid`}
          >
            Mark paid
          </Button>
        )}
        <ErrorBanner error={markPaid.error} />
      </td>
    </tr>
  );
}

export function Payouts() {
  const balances = useBalances();
  const payouts = usePayouts();
  return (
    <>
      <PageHeader
        title="Payouts"
        subtitle="Approved commissions waiting to be paid, per referrer. A manual payout stays pending until you mark it paid; a Stripe transfer is paid at once."
        actions={
          <a
            className="rounded-lg px-3.5 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            href="/v1/admin/referrals/payouts.csv"
          >
            Export CSV
          </a>
        }
      />
      <div className="space-y-6">
        <Card title="Balances to pay">
          {balances.isPending ? (
            <Spinner label="Loading balances" />
          ) : balances.error ? (
            <ErrorBanner error={balances.error} />
          ) : balances.data.data.length === 0 ? (
            <EmptyState title="Nobody is owed anything right now" />
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Referrers with approved commissions</caption>
                <thead className="text-xs text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 text-left font-medium">
                      Referrer
                    </th>
                    <th scope="col" className="py-2 text-right font-medium">
                      Commissions
                    </th>
                    <th scope="col" className="py-2 text-right font-medium">
                      Balance
                    </th>
                    <th scope="col" className="py-2 pl-4 text-left font-medium">
                      Pay
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {balances.data.data.map((b) => (
                    <BalanceRow key={`${b.referrer.kind}:${b.referrer.id}`} balance={b} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Payouts">
          {payouts.isPending ? (
            <Spinner label="Loading payouts" />
          ) : payouts.error ? (
            <ErrorBanner error={payouts.error} />
          ) : payouts.data.data.length === 0 ? (
            <EmptyState title="No payouts yet" />
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Payouts, newest first</caption>
                <thead className="text-xs text-slate-600">
                  <tr>
                    {["Created", "Referrer", "Amount", "Method", "Status", ""].map((h, i) => (
                      <th key={i} scope="col" className={`py-2 font-medium ${h === "Amount" ? "text-right" : "text-left"} ${h === "Method" ? "pl-4" : ""}`}>
                        {h || <span className="sr-only">Actions</span>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {payouts.data.data.map((p) => (
                    <PayoutRow key={p.id} payout={p} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
