import { useState } from "react";
import { Badge, Button, Card, ErrorBanner, PageHeader, Spinner } from "../ui.tsx";
import { shortDate, useAdminWorkspaces } from "./admin-data.ts";

export function Workspaces() {
  // The cursors of the pages seen so far: "Previous" goes back one.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = useAdminWorkspaces(cursors[cursors.length - 1] ?? null);
  return (
    <>
      <PageHeader title="Workspaces" subtitle="Every workspace on this server, newest first, with the referral it came through." />
      <Card>
        {page.isPending ? (
          <Spinner label="Loading workspaces" />
        ) : page.error ? (
          <ErrorBanner error={page.error} />
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid="admin-workspaces">
                <caption className="sr-only">Workspaces</caption>
                <thead className="text-xs text-slate-600">
                  <tr>
                    {["Workspace", "Created", "Owner", "Plan", "Calls"].map((h) => (
                      <th key={h} scope="col" className={`py-2 font-medium ${h === "Calls" ? "text-right" : "text-left"}`}>
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.data.data.map((w) => (
                    <tr key={w.id} className="border-t border-slate-100">
                      <th scope="row" className="py-2 pr-3 text-left font-medium">
                        {w.name}{" "}
                        {w.viaReferral && (
                          <span title={`Referral link ${w.viaReferral.code} of ${w.viaReferral.referrerName}`}>
                            <Badge tone="green">via referral · {w.viaReferral.referrerName}</Badge>
                          </span>
                        )}
                        <span className="block text-xs font-normal text-slate-600">{w.id}</span>
                      </th>
                      <td className="py-2 pr-3">{shortDate(w.createdAt)}</td>
                      <td className="py-2 pr-3">{w.ownerEmail ?? "–"}</td>
                      <td className="py-2 pr-3">{w.planId}</td>
                      <td className="py-2 text-right tabular-nums">{w.calls.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="mt-4 flex gap-2">
              <Button variant="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </Button>
              <Button variant="secondary" disabled={!page.data.nextCursor} onClick={() => setCursors([...cursors, page.data.nextCursor])}>
                Next
              </Button>
            </div>
          </>
        )}
      </Card>
    </>
  );
}
