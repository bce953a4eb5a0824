import type { ReactNode } from "react";
import { useCan } from "../../lib/session.tsx";
import { useFeatureFlags } from "./practice-api.ts";
import { PageHeader } from "../ui.tsx";
import { PracticeTabs } from "./PracticeTabs.tsx";

/** Every sales-practice page: its title, the practice pages' links, and a notice when the plan does not include practice. */
export function PracticeShell({ title, subtitle, actions, children }: { title: string; subtitle?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const flags = useFeatureFlags();
  const manager = useCan("admin");
  const off = flags.data !== undefined && flags.data.sales_practice !== true;
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} actions={actions} />
      <PracticeTabs manager={manager} />
      {off && (
        <div role="status" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Sales practice is not included in this workspace's plan. An owner can change the plan on the Billing page.
        </div>
      )}
      {children}
    </>
  );
}
