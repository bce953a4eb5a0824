import { Link, NavLink, Outlet } from "react-router";
import { useMe } from "../../lib/session.tsx";

const NAV = [
  ["/features", "Features"],
  ["/pricing", "Pricing"],
  ["/guides", "Guides"],
  ["/affiliates", "Affiliates"],
] as const;

export function Logo() {
  return (
    <Link to="/" className="flex items-center gap-2 font-bold text-slate-900">
      <img src="/favicon.svg" alt="" width={28} height={28} />
      OrbisVoice
    </Link>
  );
}

export function PublicLayout() {
  const me = useMe().data;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200">
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Logo />
          <ul className="flex flex-wrap items-center gap-1 text-sm">
            {NAV.map(([to, label]) => (
              <li key={to}>
                <NavLink
                  to={to}
                  className={({ isActive }) => `rounded-md px-2.5 py-1.5 ${isActive ? "bg-slate-100 font-semibold" : "text-slate-700 hover:bg-slate-50"}`}
                >
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="flex items-center gap-2 text-sm">
            {me ? (
              <Link to="/dashboard" className="rounded-lg bg-brand-600 px-3.5 py-2 font-semibold text-white hover:bg-brand-700">
                Dashboard
              </Link>
            ) : (
              <>
                <Link to="/login" className="rounded-md px-2.5 py-1.5 text-slate-700 hover:bg-slate-50">
                  Log in
                </Link>
                <Link to="/signup" className="rounded-lg bg-brand-600 px-3.5 py-2 font-semibold text-white hover:bg-brand-700">
                  Start free
                </Link>
              </>
            )}
          </div>
        </nav>
      </header>
      <main className="flex-1">
        <Outlet />
      </main>
      <footer className="border-t border-slate-200 bg-slate-50">
        <div className="mx-auto flex max-w-6xl flex-wrap justify-between gap-4 px-4 py-8 text-sm text-slate-600">
          <p>© OrbisVoice, open source under a permissive licence. Self-host it or let us run it.</p>
          <p className="flex gap-4">
            <Link to="/guides" className="hover:underline">
              Guides
            </Link>
            <a href="/docs" className="hover:underline">
              API reference
            </a>
            <a href="/demo" className="hover:underline">
              Widget demo
            </a>
            <Link to="/affiliates" className="hover:underline">
              Affiliates
            </Link>
          </p>
        </div>
      </footer>
    </div>
  );
}
