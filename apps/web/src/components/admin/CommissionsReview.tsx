import { useState } from "react";
import { Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner } from "../ui.tsx";
import { shortDate, useAdminChange, useCommissions, usd, type AdminCommission } from "./admin-data.ts";
import { ReviewActions } from "./ReviewActions.tsx";

const KIND = { activation: "Activation", conversion: "First payment", invoice: "Invoice" } as const;

function CommissionRow({ commission, reviewable }: { commission: AdminCommission; reviewable: boolean }) {
  const review = useAdminChange((v: { action: "approve" | "reject"; note?: string }) => ({
    path: `/v1/admin/referrals/commissions/${commission.id}/${v.action}`,
    body: v.note ? { note: v.note } : {},
  }));
  const who = commission.referrer?.name ?? "(deleted referrer)";
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid="admin-commission">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="font-semibold text-slate-900">
            {usd(commission.amountUsd)} · {KIND[commission.kind]}
          </p>
          <p className="text-sm text-slate-600">
            {who} ({commission.referrer?.kind === "affiliate" ? "affiliate" : "customer"}) for {commission.workspaceName} · {shortDate(commission.createdAt)}
          </p>
        </div>
      </div>
      {commission.reasons.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-1" aria-label="Why it is held">
          {commission.reasons.map((r) => (
            <li key={r} className="rounded bg-amber-50 px-2 py-0.5 text-xs text-amber-900 ring-1 ring-amber-200">
              {r.replaceAll("_", " ")}
            </li>
          ))}
        </ul>
      )}
      {reviewable && (
        <div className="mt-3">
          <ReviewActions
            subject={`${usd(commission.amountUsd)} for ${who}`}
            busy={review.isPending}
            error={review.error}
            onApprove={() => review.mutate({ action: "approve" })}
            onReject={(note) => review.mutate({ action: "reject", note })}
          />
        </div>
      )}
    </li>
  );
}

export function CommissionsReview() {
  const [status, setStatus] = useState<"held" | "pending" | "approved">("held");
  const commissions = useCommissions(status);
  return (
    <>
      <PageHeader
        title="Commissions"
        subtitle="Held commissions matched a fraud check: they are never paid automatically. Approve them after review, or reject them with a note."
      />
      <div className="mb-4 max-w-xs">
        <Select
          label="Show"
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
          options={[
            { value: "held", label: "Held for review" },
            { value: "pending", label: "Pending (in the hold period)" },
            { value: "approved", label: "Approved (to be paid)" },
          ]}
        />
      </div>
      {commissions.isPending ? (
        <Spinner label="Loading commissions" />
      ) : commissions.error ? (
        <ErrorBanner error={commissions.error} />
      ) : commissions.data.data.length === 0 ? (
        <EmptyState title={status === "held" ? "Nothing held for review" : "No commissions"} />
      ) : (
        <Card>
          <ul className="space-y-3">
            {commissions.data.data.map((c) => (
              <CommissionRow key={c.id} commission={c} reviewable={status === "held"} />
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
