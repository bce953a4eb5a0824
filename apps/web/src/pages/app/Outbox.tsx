import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { OutboxEmailDetailDto, OutboxEmailDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";

/** The outbox's emails, or null when the server sends through SMTP (the route answers 404 then). One query for the nav and the page. */
async function outboxOrOff(): Promise<{ data: OutboxEmailDto[] } | null> {
  try {
    return await api<{ data: OutboxEmailDto[] }>("/v1/dev/outbox");
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Whether the server keeps mail in the dev outbox (no SMTP server configured): the nav shows the page only then. */
export function useOutboxOn(): boolean {
  const q = useQuery({ queryKey: ["outbox"], queryFn: outboxOrOff, staleTime: 60_000, retry: false });
  return !!q.data;
}

const STATUS_TONE = { queued: "amber", sent: "green", outbox: "slate", failed: "red" } as const;

function EmailView({ id }: { id: string }) {
  const email = useQuery({ queryKey: ["outbox", id], queryFn: () => api<OutboxEmailDetailDto>(`/v1/dev/outbox/${id}`) });
  const [view, setView] = useState<"html" | "text">("html");
  if (!email.data) return email.isPending ? <Spinner /> : <ErrorBanner error={email.error} />;
  const e = email.data;
  return (
    <Card title={e.subject}>
      <dl className="mb-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-600">To</dt>
        <dd>{e.to}</dd>
        <dt className="text-slate-600">Message-ID</dt>
        <dd className="break-all font-mono text-xs">{e.messageId ?? "not sent yet"}</dd>
      </dl>
      <div className="mb-3 flex gap-2 text-sm" role="tablist" aria-label="Format">
        {(["html", "text"] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`rounded-md px-2 py-1 ring-1 ring-slate-300 ${view === v ? "bg-brand-50 font-semibold" : ""}`}
            onClick={() => setView(v)}
          >
            {v === "html" ? "HTML" : "Plain text"}
          </button>
        ))}
      </div>
      {view === "html" ? (
        // No scripts, no same origin: the email's HTML cannot reach the dashboard. Its links (target="_blank", as
        // a mail client opens them) open in a new tab outside the sandbox, so a verification or reset link works.
        <iframe
          title={`Email: ${e.subject}`}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={e.html}
          className="h-[36rem] w-full rounded-lg border border-slate-200 bg-white"
        />
      ) : (
        <pre className="max-h-[36rem] overflow-auto whitespace-pre-wrap rounded-lg bg-slate-50 p-3 text-sm">{e.text}</pre>
      )}
    </Card>
  );
}

/** The dev outbox: emails kept instead of sent while no SMTP server is configured. */
export function Outbox() {
  const zone = useWorkspaceZone();
  // Fresh on every visit (the nav's copy of this query may be up to a minute old).
  const list = useQuery({ queryKey: ["outbox"], queryFn: outboxOrOff, retry: false, refetchOnMount: "always" });
  const [selected, setSelected] = useState<string>();
  const off = list.data === null;
  return (
    <>
      <PageHeader title="Outbox" subtitle="Development only: with no SMTP server configured, emails are kept here instead of being sent." />
      {off ? (
        <EmptyState title="The outbox is off">This server sends email through SMTP (SMTP_URL is set).</EmptyState>
      ) : !list.data ? (
        list.isPending ? (
          <Spinner />
        ) : (
          <ErrorBanner error={list.error} />
        )
      ) : list.data.data.length === 0 ? (
        <EmptyState title="No emails yet">Invitations, password resets and notifications appear here.</EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_1fr]">
          <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" aria-label="Emails">
            {list.data.data.map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  aria-current={selected === e.id}
                  className={`block w-full px-3 py-2 text-left text-sm hover:bg-slate-50 ${selected === e.id ? "bg-brand-50" : ""}`}
                  onClick={() => setSelected(e.id)}
                >
                  <span className="block font-medium text-slate-900">{e.subject}</span>
                  <span className="block text-slate-600">
                    {e.to} · {formatDateTime(e.createdAt, zone)}
                  </span>
                  <Badge tone={STATUS_TONE[e.status]}>{e.status}</Badge>
                </button>
              </li>
            ))}
          </ul>
          <div>{selected ? <EmailView id={selected} /> : <EmptyState title="Choose an email to read it" />}</div>
        </div>
      )}
    </>
  );
}
