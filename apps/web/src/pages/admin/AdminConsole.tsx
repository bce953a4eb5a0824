import { useState } from "react";
import { Link, NavLink, Route, Routes } from "react-router";
import { AffiliatesReview } from "../../components/admin/AffiliatesReview.tsx";
import { CommissionsReview } from "../../components/admin/CommissionsReview.tsx";
import { Payouts } from "../../components/admin/Payouts.tsx";
import { Programs } from "../../components/admin/Programs.tsx";
import { ReferralAnalytics } from "../../components/admin/ReferralAnalytics.tsx";
import { Workspaces } from "../../components/admin/Workspaces.tsx";
import { useOperatorAccess } from "../../components/admin/admin-data.ts";
import { ErrorBanner, Spinner } from "../../components/ui.tsx";
import { Logo } from "../public/PublicLayout.tsx";

const NAV = [
  ["/admin", "Referral analytics", true],
  ["/admin/affiliates", "Affiliates", false],
  ["/admin/commissions", "Commissions", false],
  ["/admin/payouts", "Payouts", false],
  ["/admin/programs", "Programmes", false],
  ["/admin/workspaces", "Workspaces", false],
] as const;

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-lg px-3 py-2 text-sm ${isActive ? "bg-brand-50 font-semibold text-brand-800" : "text-slate-700 hover:bg-slate-100"}`;

/** What a signed-in user who is not the operator sees: no hint of what is behind it. */
function NotForYou() {
  return (
    <main className="mx-auto max-w-lg px-4 py-16 text-center">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">This area is for the platform operator</h1>
      <p className="mt-3 text-sm text-slate-600">Your account does not have access to the operator console.</p>
      <Link to="/dashboard" className="mt-6 inline-block text-sm font-semibold text-brand-800 underline">
        Back to your dashboard
      </Link>
    </main>
  );
}

/** The platform operator's console (`/admin/*`): referral analytics, affiliates, commissions, payouts, programmes, workspaces. */
export function AdminConsole() {
  const access = useOperatorAccess();
  const [open, setOpen] = useState(false);
  if (access.isPending) return <Spinner label="Checking access" />;
  if (access.error) {
    return (
      <main className="mx-auto max-w-lg px-4 py-16">
        <ErrorBanner error={access.error} />
      </main>
    );
  }
  if (access.data.state !== "operator") return <NotForYou />;
  return (
    <div className="min-h-screen bg-slate-50 md:flex">
      <aside className="border-b border-slate-200 bg-white md:min-h-screen md:w-60 md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-3">
          <Logo />
          <button
            type="button"
            className="rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 md:hidden"
            aria-expanded={open}
            aria-controls="admin-nav"
            onClick={() => setOpen(!open)}
          >
            Menu
          </button>
        </div>
        <nav id="admin-nav" aria-label="Operator console" className={`${open ? "block" : "hidden"} px-2 pb-3 md:block`}>
          <p className="px-3 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Operator console</p>
          <ul className="space-y-0.5">
            {NAV.map(([to, label, end]) => (
              <li key={to}>
                <NavLink to={to} end={end} onClick={() => setOpen(false)} className={linkClass}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="mt-6 border-t border-slate-200 px-3 pt-4 text-sm">
            <p className="text-slate-600">{access.data.email}</p>
            <Link to="/dashboard" className="mt-2 block text-brand-800 underline">
              Back to the dashboard
            </Link>
          </div>
        </nav>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8 md:py-8">
        <Routes>
          <Route index element={<ReferralAnalytics />} />
          <Route path="affiliates" element={<AffiliatesReview />} />
          <Route path="commissions" element={<CommissionsReview />} />
          <Route path="payouts" element={<Payouts />} />
          <Route path="programs" element={<Programs />} />
          <Route path="workspaces" element={<Workspaces />} />
          <Route
            path="*"
            element={
              <p className="text-sm text-slate-700">
                No such page in the console. <Link to="/admin">Referral analytics</Link>
              </p>
            }
          />
        </Routes>
      </main>
    </div>
  );
}
