import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../lib/api.ts";
import { NavLink, Outlet, useMatch, useNavigate } from "react-router";
import { useMe, useSignOut } from "../../lib/session.tsx";
import { AllowanceBanner } from "../../components/billing/AllowanceBanner.tsx";
import { Logo } from "../public/PublicLayout.tsx";
import { VerifyEmailBanner } from "./EmailSettings.tsx";
import { useOutboxOn } from "./Outbox.tsx";
import { usePracticeOn } from "../../components/practice/practice-api.ts";

const NAV = [
  ["/dashboard", "Overview", true],
  ["/dashboard/agents", "Agents", false],
  ["/dashboard/calls", "Calls", false],
  ["/dashboard/campaigns", "Campaigns", false],
  ["/dashboard/analytics", "Analytics", false],
  ["/dashboard/practice", "Sales practice", false],
  ["/dashboard/appointments", "Appointments", false],
  ["/dashboard/calendars", "Calendars", false],
  ["/dashboard/messages", "Messages", false],
  ["/dashboard/phone-numbers", "Phone numbers", false],
  ["/dashboard/usage", "Usage", false],
  ["/dashboard/billing", "Billing", false],
  ["/dashboard/referrals", "Refer & Earn", false],
  ["/dashboard/providers", "Provider keys", false],
  ["/dashboard/api-keys", "API keys", false],
  ["/dashboard/webhooks", "Webhooks", false],
  ["/dashboard/team", "Team", false],
  ["/dashboard/settings", "Settings", false],
  ["/dashboard/security", "Security", false],
  ["/dashboard/privacy", "Data & privacy", false],
  ["/dashboard/audit", "Audit log", false],
  ["/dashboard/outbox", "Outbox", false],
] as const;

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-lg px-3 py-2 text-sm ${isActive ? "bg-brand-50 font-semibold text-brand-800" : "text-slate-700 hover:bg-slate-100"}`;

/** While an agent is open, its own pages under "Agents": the editor, its HTTP tools, its tests, the test call. */
function AgentSubNav({ onNavigate }: { onNavigate: () => void }) {
  const match = useMatch("/dashboard/agents/:id/*");
  const id = match?.params.id;
  if (!id || !/^agt_/.test(id)) return null;
  const pages = [
    [`/dashboard/agents/${id}`, "Editor"],
    [`/dashboard/agents/${id}/tools`, "HTTP tools"],
    [`/dashboard/agents/${id}/tests`, "Tests"],
    [`/dashboard/agents/${id}/try`, "Try this agent"],
  ] as const;
  return (
    <ul className="ml-3 border-l border-slate-200 pl-2" aria-label="This agent">
      {pages.map(([to, label]) => (
        <li key={to}>
          <NavLink to={to} end onClick={onNavigate} className={linkClass}>
            {label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/** Whether the signed-in user is a platform operator (`GET /v1/admin/me` answers 200): the console link. */
function useIsOperator(): boolean {
  const q = useQuery({
    queryKey: ["admin", "me"],
    queryFn: () => api<{ platformAdmin: boolean }>("/v1/admin/me").catch(() => ({ platformAdmin: false })),
    staleTime: 5 * 60_000,
    retry: false,
  });
  return q.data?.platformAdmin === true;
}

export function AppLayout() {
  const me = useMe().data;
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  // The dev outbox exists only while no SMTP server is configured.
  const outboxOn = useOutboxOn();
  // Sales practice only when the workspace's plan (or the operator) turned it on.
  const practiceOn = usePracticeOn();
  const operator = useIsOperator();
  // The Billing page shows the plan's banner itself, with its own buttons.
  const onBillingPage = useMatch("/dashboard/billing") !== null;
  return (
    <div className="min-h-screen bg-slate-50 md:flex">
      <aside className="border-b border-slate-200 bg-white md:min-h-screen md:w-60 md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-3">
          <Logo />
          <button
            type="button"
            className="rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 md:hidden"
            aria-expanded={open}
            aria-controls="app-nav"
            onClick={() => setOpen(!open)}
          >
            Menu
          </button>
        </div>
        <nav id="app-nav" aria-label="Dashboard" className={`${open ? "block" : "hidden"} px-2 pb-3 md:block`}>
          <ul className="space-y-0.5">
            {NAV.filter(([to]) => (to !== "/dashboard/outbox" || outboxOn) && (to !== "/dashboard/practice" || practiceOn)).map(([to, label, end]) => (
              <li key={to}>
                <NavLink to={to} end={end} onClick={() => setOpen(false)} className={linkClass}>
                  {label}
                </NavLink>
                {to === "/dashboard/agents" && <AgentSubNav onNavigate={() => setOpen(false)} />}
              </li>
            ))}
          </ul>
          <div className="mt-6 border-t border-slate-200 px-3 pt-4 text-sm">
            <p className="font-medium text-slate-900">{me?.workspace.name}</p>
            <p className="text-slate-600">
              {me?.user.email} · <span data-testid="role">{me?.role}</span>
            </p>
            {operator && (
              <NavLink to="/admin" className="mt-2 block text-brand-800 underline">
                Operator console
              </NavLink>
            )}
            <button
              type="button"
              className="mt-3 rounded-md px-2 py-1 text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100"
              onClick={async () => {
                // Leave the guarded pages first, or the guard would send us to /login?next=<this page>.
                navigate("/login", { replace: true });
                await signOut();
              }}
            >
              Log out
            </button>
          </div>
        </nav>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8 md:py-8">
        <VerifyEmailBanner />
        {!onBillingPage && <AllowanceBanner />}
        <Outlet />
      </main>
    </div>
  );
}
