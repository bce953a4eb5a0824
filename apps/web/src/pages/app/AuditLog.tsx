import { useState, type FormEvent } from "react";
import { useAuditLog, useMembers, type AuditFilters } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { addDays, formatDateTime, instantAt, isDay, useWorkspaceZone } from "../../lib/time.ts";
import { Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../../components/ui.tsx";

/** The resource types the services write (`targetType` of the audit rows). */
const RESOURCE_TYPES = ["agent", "api_key", "credentials", "invitation", "phone_number", "user", "workspace"];

const label = (s: string) => s.replace(/_/g, " ");

function metadataText(metadata: unknown): string {
  if (!metadata || typeof metadata !== "object" || Object.keys(metadata).length === 0) return "";
  return Object.entries(metadata as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

export function AuditLog() {
  const zone = useWorkspaceZone();
  const canRead = useCan("admin");
  const members = useMembers();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [dateError, setDateError] = useState<string>();
  const log = useAuditLog(filters);
  const who = (userId: string | null, keyId: string | null) => {
    if (keyId) return `API key ${keyId}`;
    if (!userId) return "System";
    const m = members.data?.data.find((x) => x.userId === userId);
    return m ? `${m.name} (${m.email})` : userId;
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const [fromDay, toDay] = [get("from"), get("to")];
    if ((fromDay && !isDay(fromDay)) || (toDay && !isDay(toDay))) return setDateError("Choose a valid date.");
    if (fromDay && toDay && fromDay > toDay) return setDateError("The start must not be after the end.");
    setDateError(undefined);
    setFilters({
      actor: get("actor") || undefined,
      action: get("action").toLowerCase() || undefined,
      targetType: get("targetType") || undefined,
      from: fromDay ? instantAt(fromDay, zone).toISOString() : undefined,
      to: toDay ? instantAt(addDays(toDay, 1), zone).toISOString() : undefined,
    });
  };

  if (!canRead) {
    return (
      <>
        <PageHeader title="Audit log" />
        <EmptyState title="Only admins and owners read the audit log" />
      </>
    );
  }

  const entries = log.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader title="Audit log" subtitle={`Who changed what in this workspace, newest first. Times in ${zone}.`} />
      <Card className="mb-6">
        <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6 lg:items-end" aria-label="Filter the audit log" noValidate>
          <Select
            label="Actor"
            name="actor"
            options={[{ value: "", label: "Anyone" }, ...(members.data?.data ?? []).map((m) => ({ value: m.userId, label: m.name || m.email }))]}
          />
          <TextInput label="Action" name="action" placeholder="credentials.set" />
          <Select
            label="Resource type"
            name="targetType"
            options={[{ value: "", label: "Any" }, ...RESOURCE_TYPES.map((t) => ({ value: t, label: label(t) }))]}
          />
          <TextInput label="From" name="from" type="date" />
          <TextInput label="To" name="to" type="date" error={dateError} />
          <Button type="submit">Filter</Button>
        </form>
      </Card>
      <Card title="Entries">
        {log.isPending ? (
          <Spinner />
        ) : log.error ? (
          <ErrorBanner error={log.error} />
        ) : entries.length === 0 ? (
          <EmptyState title="No entries match" />
        ) : (
          <>
            <ul className="divide-y divide-slate-100" aria-label="Audit entries">
              {entries.map((e) => (
                <li key={e.id} className="py-3 text-sm">
                  <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                    <p className="font-mono text-sm font-semibold text-slate-900">{e.action}</p>
                    <p className="text-xs text-slate-600">{formatDateTime(e.createdAt, zone)}</p>
                  </div>
                  <p className="break-words text-slate-700">
                    {who(e.actorUserId, e.actorKeyId)}
                    {e.targetType && (
                      <>
                        {" → "}
                        {label(e.targetType)} <span className="break-all font-mono text-xs">{e.targetId}</span>
                      </>
                    )}
                  </p>
                  {(metadataText(e.metadata) || e.ip) && (
                    <p className="break-all text-xs text-slate-600">{[metadataText(e.metadata), e.ip && `IP ${e.ip}`].filter(Boolean).join(" · ")}</p>
                  )}
                </li>
              ))}
            </ul>
            {log.hasNextPage && (
              <Button type="button" variant="secondary" className="mt-3" busy={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                Load more
              </Button>
            )}
          </>
        )}
      </Card>
    </>
  );
}
