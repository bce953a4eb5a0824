import { NavLink } from "react-router";

const PAGES = [
  ["/dashboard/practice", "Practise", true, false],
  ["/dashboard/practice/sessions", "History", false, false],
  ["/dashboard/practice/progress", "My progress", false, false],
  ["/dashboard/practice/team", "Team", false, true],
  ["/dashboard/practice/goals", "Goals", false, false],
  ["/dashboard/practice/activities", "Activities", false, false],
  ["/dashboard/practice/what-if", "What-if", false, false],
  ["/dashboard/practice/settings", "Settings", false, true],
] as const;

/** The sales-practice pages, one row of links under the page title (Team and Settings only for owners and admins). */
export function PracticeTabs({ manager }: { manager: boolean }) {
  return (
    <nav aria-label="Sales practice" className="mb-6 overflow-x-auto border-b border-slate-200">
      <ul className="flex gap-1">
        {PAGES.filter(([, , , managersOnly]) => manager || !managersOnly).map(([to, label, end]) => (
          <li key={to}>
            <NavLink
              to={to}
              end={end}
              className={({ isActive }) =>
                `block whitespace-nowrap border-b-2 px-3 py-2 text-sm ${isActive ? "border-brand-600 font-semibold text-brand-800" : "border-transparent text-slate-700 hover:text-slate-900"}`
              }
            >
              {label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
