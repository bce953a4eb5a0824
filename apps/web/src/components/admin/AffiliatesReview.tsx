import { Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../ui.tsx";
import { shortDate, useAdminChange, useAffiliates, type AdminAffiliate } from "./admin-data.ts";
import { ReviewActions } from "./ReviewActions.tsx";

const TONE = { unverified: "slate", pending: "amber", approved: "green", rejected: "red" } as const;

function AffiliateCard({ affiliate }: { affiliate: AdminAffiliate }) {
  const review = useAdminChange((v: { action: "approve" | "reject"; note?: string }) => ({
    path: `/v1/admin/referrals/affiliates/${affiliate.id}/${v.action}`,
    body: v.note ? { note: v.note } : {},
  }));
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid="admin-affiliate">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="font-semibold text-slate-900">{affiliate.name}</p>
          <p className="text-sm text-slate-600">
            {affiliate.email}
            {affiliate.website && (
              <>
                {" · "}
                <a className="underline" href={affiliate.website} rel="noopener noreferrer nofollow" target="_blank">
                  {affiliate.website}
                </a>
              </>
            )}
          </p>
        </div>
        <Badge tone={TONE[affiliate.status]}>{affiliate.status}</Badge>
      </div>
      {affiliate.promotion && <p className="mt-2 whitespace-pre-line text-sm text-slate-800">{affiliate.promotion}</p>}
      <p className="mt-2 text-xs text-slate-600">
        Signed up {shortDate(affiliate.createdAt)} · terms {affiliate.termsVersion} accepted {shortDate(affiliate.termsAcceptedAt)}
        {affiliate.reviewNote && ` · note: ${affiliate.reviewNote}`}
      </p>
      {affiliate.status === "pending" && (
        <div className="mt-3">
          <ReviewActions
            subject={affiliate.name}
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

export function AffiliatesReview() {
  const affiliates = useAffiliates();
  return (
    <>
      <PageHeader title="Affiliates" subtitle="People in the public affiliate programme: those awaiting review first." />
      {affiliates.isPending ? (
        <Spinner label="Loading affiliates" />
      ) : affiliates.error ? (
        <ErrorBanner error={affiliates.error} />
      ) : affiliates.data.data.length === 0 ? (
        <EmptyState title="No affiliates yet">They sign up at /affiliates.</EmptyState>
      ) : (
        <Card>
          <ul className="space-y-3">
            {affiliates.data.data.map((a) => (
              <AffiliateCard key={a.id} affiliate={a} />
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
