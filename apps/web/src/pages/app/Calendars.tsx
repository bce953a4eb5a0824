import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { api } from "../../lib/api.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner } from "../../components/ui.tsx";

type Provider = "google" | "microsoft";
interface CalendarChoice {
  id: string;
  name: string;
  primary: boolean;
  blocks: boolean;
}
interface Connection {
  id: string;
  provider: Provider;
  accountEmail: string;
  staffId: string | null;
  status: "active" | "error";
  lastError: string | null;
  lastSyncedAt: string | null;
  calendars: CalendarChoice[];
  bookingCalendarId: string | null;
  createdAt: string;
}
interface StaffOption {
  id: string;
  name: string;
  agents: string[];
}
interface ConnectionList {
  providers: { id: Provider; name: string; configured: boolean }[];
  connections: Connection[];
  /** Staff members in the business settings of the workspace's agents: whom a connection can belong to. */
  staff: StaffOption[];
}

const KEY = ["calendar-connections"];

const staffLabel = (s: StaffOption) => (s.agents.length > 0 ? `${s.name} (${s.agents.join(", ")})` : s.name);

/** One connected account: whose calendar it is, which calendars block availability, which receives bookings, sync status. */
function ConnectionCard({
  connection,
  providerName,
  staff,
  canManage,
}: {
  connection: Connection;
  providerName: string;
  staff: StaffOption[];
  canManage: boolean;
}) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const [blocking, setBlocking] = useState(() => new Set(connection.calendars.filter((c) => c.blocks).map((c) => c.id)));
  const [booking, setBooking] = useState(connection.bookingCalendarId ?? "");
  const [owner, setOwner] = useState(connection.staffId ?? "");
  const save = useMutation({
    mutationFn: () =>
      api(`/v1/calendar-connections/${connection.id}`, {
        method: "PUT",
        body: { blockingCalendarIds: [...blocking], bookingCalendarId: booking || null, staffId: owner || null },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
  const ownerName = connection.staffId ? (staff.find((s) => s.id === connection.staffId)?.name ?? connection.staffId) : null;
  // A staff id no agent lists any more (removed from the business settings) stays selectable as it is.
  const staffOptions = [
    { value: "", label: "The whole business (blocks every staff member)" },
    ...staff.map((s) => ({ value: s.id, label: staffLabel(s) })),
    ...(connection.staffId && !staff.some((s) => s.id === connection.staffId)
      ? [{ value: connection.staffId, label: `${connection.staffId} (not in the business settings)` }]
      : []),
  ];
  const refresh = useMutation({
    mutationFn: () => api<{ calendars: CalendarChoice[]; bookingCalendarId: string | null }>(`/v1/calendar-connections/${connection.id}/calendars`),
    onSuccess: (listed) => {
      // The form follows the list the provider gave (a calendar gone from the account is gone from the choices).
      setBlocking(new Set(listed.calendars.filter((c) => c.blocks).map((c) => c.id)));
      setBooking(listed.bookingCalendarId ?? "");
      return qc.invalidateQueries({ queryKey: KEY });
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/calendar-connections/${connection.id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <Card
      title={
        <span className="flex flex-wrap items-center gap-2">
          {providerName} · {connection.accountEmail || "account"}
          <Badge tone={connection.status === "active" ? "green" : "red"}>{connection.status === "active" ? "Connected" : "Needs attention"}</Badge>
          <Badge>{ownerName ? `Staff: ${ownerName}` : "Whole business"}</Badge>
        </span>
      }
      actions={
        canManage && (
          <Button variant="secondary" busy={remove.isPending} onClick={() => remove.mutate()}>
            Disconnect
          </Button>
        )
      }
    >
      <p className="text-sm text-slate-600" data-testid="sync-status">
        {connection.lastSyncedAt ? `Last synced ${formatDateTime(connection.lastSyncedAt, zone)}` : "No booking synced yet"}
      </p>
      {connection.lastError && (
        <p role="alert" className="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          Last error: {connection.lastError}
        </p>
      )}
      <div className="mt-4 max-w-md">
        <Select
          label="Whose calendar is this"
          hint="A staff member's calendar blocks only that person's slots and receives only their bookings."
          value={owner}
          disabled={!canManage}
          onChange={(e) => setOwner(e.target.value)}
          options={staffOptions}
        />
        {staff.length === 0 && (
          <p className="mt-1 text-xs text-slate-600">No staff members yet: add them in an agent's business settings to attach a calendar to one.</p>
        )}
      </div>
      <fieldset className="mt-4" disabled={!canManage}>
        <legend className="text-sm font-medium text-slate-800">Busy times in these calendars block the receptionist's availability</legend>
        {connection.calendars.map((c) => (
          <label key={c.id} className="mt-1 flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={blocking.has(c.id)}
              onChange={(e) => {
                const next = new Set(blocking);
                if (e.target.checked) next.add(c.id);
                else next.delete(c.id);
                setBlocking(next);
              }}
            />
            {c.name} {c.primary && <span className="text-xs text-slate-500">(primary)</span>}
          </label>
        ))}
      </fieldset>
      <label className="mt-4 block text-sm font-medium text-slate-800">
        New bookings are written to
        <select
          className="mt-1 block rounded-lg border border-slate-300 px-2 py-1.5 text-sm"
          value={booking}
          disabled={!canManage}
          onChange={(e) => setBooking(e.target.value)}
        >
          <option value="">No calendar</option>
          {connection.calendars.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {canManage && (
        <div className="mt-4 flex gap-2">
          <Button busy={save.isPending} onClick={() => save.mutate()}>
            Save
          </Button>
          {save.isSuccess && !save.isPending && (
            <span role="status" className="self-center text-sm text-green-800">
              Saved.
            </span>
          )}
          <Button variant="secondary" busy={refresh.isPending} onClick={() => refresh.mutate()}>
            Refresh calendar list
          </Button>
        </div>
      )}
      <ErrorBanner error={save.error ?? refresh.error ?? remove.error} />
    </Card>
  );
}

/** Settings → Calendars: connect Google Calendar or Microsoft 365 and keep them in sync with bookings (docs/calendars.md). */
export function Calendars() {
  const canManage = useCan("admin");
  const [params] = useSearchParams();
  const list = useQuery({ queryKey: KEY, queryFn: () => api<ConnectionList>("/v1/calendar-connections") });
  const connect = useMutation({
    mutationFn: (provider: Provider) => api<{ authorizationUrl: string }>(`/v1/calendar-connections/${provider}/start`, { method: "POST", body: {} }),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  if (list.isPending) return <Spinner />;
  if (list.error) return <ErrorBanner error={list.error} />;
  const names = Object.fromEntries(list.data.providers.map((p) => [p.id, p.name])) as Record<Provider, string>;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Calendars"
        subtitle="Busy times in your Google or Microsoft 365 calendar block the receptionist's availability; bookings, moves and cancellations are written there."
      />
      {params.get("connected") && <p className="rounded-lg bg-green-50 px-3 py-2 text-sm text-green-800">Calendar connected.</p>}
      {canManage && (
        <div className="flex flex-wrap gap-2">
          {list.data.providers.map((p) => (
            <Button key={p.id} disabled={!p.configured} busy={connect.isPending && connect.variables === p.id} onClick={() => connect.mutate(p.id)}>
              Connect {p.name}
            </Button>
          ))}
        </div>
      )}
      {list.data.providers.some((p) => !p.configured) && (
        <p className="text-xs text-slate-600">A provider that is not configured on this server is greyed out (the operator sets its OAuth client).</p>
      )}
      <ErrorBanner error={connect.error} />
      {list.data.connections.length === 0 ? (
        <EmptyState title="No calendar connected">Connect one to keep your receptionist's bookings in step with it.</EmptyState>
      ) : (
        list.data.connections.map((c) => (
          <ConnectionCard key={c.id} connection={c} providerName={names[c.provider]} staff={list.data.staff} canManage={canManage} />
        ))
      )}
    </div>
  );
}
