import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { api, ApiError } from "../../lib/api.ts";
import { Card, ErrorBanner, Spinner } from "../../components/ui.tsx";
import { AFFILIATE_ME_KEY, useAffiliateMe, useAffiliateTerms } from "../../components/affiliates/affiliate-api.ts";
import { AffiliateDashboardView } from "../../components/affiliates/AffiliateDashboardView.tsx";
import { AffiliateSignInForm, AffiliateSignupForm } from "../../components/affiliates/AffiliateSignupForm.tsx";

/** The public affiliate programme (`/affiliates`): what it pays, the application form, and sign-in for affiliates. */
export function AffiliatesPage() {
  const terms = useAffiliateTerms();
  const program = terms.data?.program;
  return (
    <div className="mx-auto max-w-5xl px-4 py-14">
      <h1 className="text-3xl font-bold">Affiliate programme</h1>
      <p className="mt-3 max-w-3xl text-lg text-slate-700">
        Recommend OrbisVoice to the businesses you work with and earn a share of every subscription you bring. Made for agencies, web designers, IT providers
        and consultants serving local businesses.
      </p>
      {program && (
        <ul className="mt-6 grid gap-3 text-slate-700 sm:grid-cols-3" aria-label="What the programme pays">
          <li className="rounded-xl bg-brand-50 p-4">
            <strong className="block text-slate-900">Commission</strong>
            {program.summary}
          </li>
          <li className="rounded-xl bg-brand-50 p-4">
            <strong className="block text-slate-900">{program.windowDays}-day window</strong>A business counts as yours when it signs up within{" "}
            {program.windowDays} days of clicking your link.
          </li>
          <li className="rounded-xl bg-brand-50 p-4">
            <strong className="block text-slate-900">{program.holdDays}-day hold</strong>
            Commissions are approved {program.holdDays} days after they are earned, then paid out.
          </li>
        </ul>
      )}
      <div className="mt-10 grid gap-8 lg:grid-cols-[3fr_2fr]">
        <Card title="Apply">
          {terms.isPending ? (
            <Spinner label="Loading the terms" />
          ) : terms.error ? (
            <ErrorBanner error={terms.error} />
          ) : (
            <AffiliateSignupForm terms={terms.data} />
          )}
        </Card>
        <div>
          <Card title="Already an affiliate? Sign in">
            <p className="mb-3 text-sm text-slate-700">We email you a link that signs you in to your affiliate dashboard; no password needed.</p>
            <AffiliateSignInForm />
          </Card>
        </div>
      </div>
    </div>
  );
}

/** `/affiliates/verify?token=…` and `/affiliates/sign-in?token=…`: opens the emailed link (once), then the dashboard. */
export function AffiliateVerify() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const verifying = useLocation().pathname.endsWith("/verify");
  const navigate = useNavigate();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (t: string) => api(verifying ? "/v1/affiliates/verify" : "/v1/affiliates/session", { body: { token: t } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: AFFILIATE_ME_KEY });
      void navigate("/affiliates/dashboard", { replace: true });
    },
  });
  const { mutate } = m;
  // Once: the link works once, and effects run twice in development.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate(token);
  }, [token, mutate]);
  const title = verifying ? "Confirming your email" : "Signing you in";
  return (
    <div className="mx-auto max-w-lg px-4 py-14">
      <h1 className="text-2xl font-bold">{title}</h1>
      <div className="mt-6">
        {!token ? (
          <p className="text-sm text-slate-700">Open the link in the email we sent you.</p>
        ) : m.isError ? (
          <div className="space-y-3">
            <ErrorBanner error={m.error} />
            <p className="text-sm text-slate-700">
              <Link to="/affiliates" className="text-brand-700 underline">
                Back to the affiliate programme
              </Link>{" "}
              to {verifying ? "apply again with the same address for a new link" : "ask for a new sign-in link"}.
            </p>
          </div>
        ) : (
          <Spinner label={title} />
        )}
      </div>
    </div>
  );
}

/** The affiliate's dashboard (`/affiliates/dashboard`); without the affiliate cookie, the sign-in form. */
export function AffiliateDashboard() {
  const me = useAffiliateMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: () => api("/v1/affiliates/sign-out", { method: "POST" }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: AFFILIATE_ME_KEY });
      void navigate("/affiliates");
    },
  });
  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  return (
    <div className="mx-auto max-w-5xl px-4 py-14">
      {me.isPending ? (
        <Spinner label="Loading your dashboard" />
      ) : signedOut ? (
        <div className="mx-auto max-w-lg">
          <h1 className="text-2xl font-bold">Affiliate dashboard</h1>
          <p className="mb-4 mt-2 text-sm text-slate-700">
            Sign in with the email address you applied with. Not an affiliate yet?{" "}
            <Link to="/affiliates" className="text-brand-700 underline">
              Apply here
            </Link>
            .
          </p>
          <AffiliateSignInForm />
        </div>
      ) : me.error ? (
        <ErrorBanner error={me.error} />
      ) : (
        <AffiliateDashboardView me={me.data} onSignOut={() => signOut.mutate()} signingOut={signOut.isPending} />
      )}
    </div>
  );
}
