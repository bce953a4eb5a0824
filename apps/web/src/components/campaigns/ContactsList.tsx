import { useState } from "react";
import { Link } from "react-router";
import { CONTACT_STATUSES, type CampaignStatus, type ContactStatus } from "@orbis/contracts";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, EmptyState, ErrorBanner, Select, Spinner } from "../ui.tsx";
import { CONTACT_STATUS_LABEL, OUTCOME_LABEL, useCampaignContacts } from "./campaigns-api.ts";

const STATUS_TONE: Record<ContactStatus, "slate" | "green" | "amber" | "red"> = {
  pending: "slate",
  calling: "amber",
  done: "green",
  failed: "red",
  skipped_dnc: "red",
  skipped_no_consent: "red",
};

/** A campaign's contacts in the order they were added, a page at a time, with their status, outcome and attempts. */
export function ContactsList({ campaignId, campaignStatus }: { campaignId: string; campaignStatus: CampaignStatus | undefined }) {
  const zone = useWorkspaceZone();
  const [status, setStatus] = useState<ContactStatus | "">("");
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const contacts = useCampaignContacts(campaignId, { ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }, campaignStatus);
  const page = cursors.length;

  return (
    <div className="space-y-3">
      <div className="max-w-xs">
        <Select
          label="Show"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as ContactStatus | "");
            setCursors([undefined]);
          }}
          options={[{ value: "", label: "Every contact" }, ...CONTACT_STATUSES.map((s) => ({ value: s, label: CONTACT_STATUS_LABEL[s] }))]}
        />
      </div>
      {contacts.isPending ? (
        <Spinner />
      ) : contacts.error ? (
        <ErrorBanner error={contacts.error} />
      ) : contacts.data.data.length === 0 ? (
        <EmptyState title={status ? "No contact with this status" : "No contacts yet"}>{status ? null : "Upload a CSV above."}</EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200">
            <table className="w-full text-left text-sm" aria-label="Contacts">
              <thead className="bg-slate-50 text-slate-700">
                <tr>
                  {["Phone", "Name", "Time zone", "Status", "Outcome", "Attempts", "Last attempt", "Next attempt"].map((h) => (
                    <th key={h} scope="col" className="whitespace-nowrap px-3 py-2 font-semibold">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {contacts.data.data.map((c) => (
                  <tr key={c.id}>
                    <td className="whitespace-nowrap px-3 py-2 font-mono">{c.phone}</td>
                    <td className="px-3 py-2">{c.name}</td>
                    <td className="px-3 py-2 text-xs">{c.timezone}</td>
                    <td className="px-3 py-2">
                      <Badge tone={STATUS_TONE[c.status]}>{CONTACT_STATUS_LABEL[c.status]}</Badge>
                    </td>
                    <td className="px-3 py-2">{c.outcome ? OUTCOME_LABEL[c.outcome] : "—"}</td>
                    <td className="px-3 py-2">{c.attempts}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-xs">
                      {c.lastAttemptAt ? (
                        c.lastCallId ? (
                          <Link className="underline" to={`/dashboard/calls/${c.lastCallId}`}>
                            {formatDateTime(c.lastAttemptAt, zone)}
                          </Link>
                        ) : (
                          formatDateTime(c.lastAttemptAt, zone)
                        )
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-xs">
                      {c.nextAttemptAt && c.status === "pending" ? formatDateTime(c.nextAttemptAt, zone) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Contact pages" className="flex items-center gap-2 text-sm">
            <Button type="button" variant="secondary" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </Button>
            <span className="text-slate-600">Page {page}</span>
            <Button
              type="button"
              variant="secondary"
              disabled={!contacts.data.nextCursor}
              onClick={() => contacts.data.nextCursor && setCursors([...cursors, contacts.data.nextCursor])}
            >
              Next
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}
