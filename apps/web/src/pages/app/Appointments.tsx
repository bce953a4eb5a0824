import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { appointmentSchema, createAppointmentBodySchema, pageSchema, type AppointmentDto, type AppointmentStatus, type BusinessConfig } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { validate, type FieldErrors } from "../../lib/forms.ts";
import { queryString, useAgents } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { addDays, dayOf, formatDay, formatTime, instantAt, isDay, startOfWeek, useWorkspaceZone, zoneLabel, type Day } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextArea, TextInput, cx } from "../../components/ui.tsx";

type View = "day" | "week";

const pretty = (slug: string) => slug.replace(/[-_]/g, " ").replace(/^./, (c) => c.toUpperCase());

const STATUS_TONE: Record<AppointmentStatus, "slate" | "green" | "amber" | "red"> = { booked: "green", completed: "slate", cancelled: "red", no_show: "amber" };
const STATUS_LABEL: Record<AppointmentStatus, string> = { booked: "Booked", completed: "Completed", cancelled: "Cancelled", no_show: "No-show" };

function useAppointments(from: string, to: string, agentId: string, status: string) {
  return useQuery({
    queryKey: ["appointments", from, to, agentId, status],
    queryFn: async () => pageSchema(appointmentSchema).parse(await api(`/v1/appointments${queryString({ from, to, agentId, status, limit: 500 })}`)),
  });
}

function AppointmentCard({
  a,
  canEdit,
  compact,
  agentName,
}: {
  a: AppointmentDto;
  canEdit: boolean;
  compact?: boolean;
  agentName: (id: string | null) => string;
}) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const time = (iso: string) => formatTime(iso, zone);
  const change = useMutation({
    mutationFn: (action: "completed" | "no_show" | "cancel") =>
      action === "cancel"
        ? api(`/v1/appointments/${a.id}/cancel`, { body: {} })
        : api(`/v1/appointments/${a.id}`, { method: "PATCH", body: { status: action } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["appointments"] }),
  });
  const past = new Date(a.start).getTime() < Date.now();
  return (
    <li
      data-testid="appointment"
      className={cx("rounded-lg border p-3 text-sm", a.status === "cancelled" ? "border-slate-200 bg-slate-50 text-slate-500" : "border-brand-100 bg-white")}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-1">
        <p className="font-semibold tabular-nums text-slate-900">
          {time(a.start)}–{time(a.end)}
        </p>
        <Badge tone={STATUS_TONE[a.status]}>{STATUS_LABEL[a.status]}</Badge>
      </div>
      <p className={cx("mt-1 font-medium text-slate-800", a.status === "cancelled" && "line-through")}>{pretty(a.serviceId)}</p>
      <p>
        {a.customerName} ·{" "}
        <a className="underline" href={`tel:${a.customerPhone}`}>
          {a.customerPhone}
        </a>
      </p>
      {!compact && (
        <p className="mt-1 text-xs text-slate-600">
          {a.staffId ? `With ${pretty(a.staffId)} · ` : ""}
          {agentName(a.agentId)} · booked by {a.source === "agent" ? "the agent" : a.source}
          {a.callId && (
            <>
              {" · "}
              <Link className="underline" to={`/dashboard/calls/${a.callId}`}>
                call
              </Link>
            </>
          )}
        </p>
      )}
      {!compact && a.notes && <p className="mt-1 text-xs text-slate-700">{a.notes}</p>}
      {canEdit && a.status === "booked" && (
        <div className="mt-2 flex flex-wrap gap-1">
          {past && (
            <>
              <Button
                variant="secondary"
                className="px-2 py-1 text-xs"
                busy={change.isPending && change.variables === "completed"}
                onClick={() => change.mutate("completed")}
              >
                Completed
              </Button>
              <Button
                variant="secondary"
                className="px-2 py-1 text-xs"
                busy={change.isPending && change.variables === "no_show"}
                onClick={() => change.mutate("no_show")}
              >
                No-show
              </Button>
            </>
          )}
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs text-red-800"
            busy={change.isPending && change.variables === "cancel"}
            onClick={() => {
              if (window.confirm(`Cancel ${a.customerName}'s ${pretty(a.serviceId)} at ${time(a.start)}?`)) change.mutate("cancel");
            }}
          >
            Cancel
          </Button>
        </div>
      )}
      {change.error && <ErrorBanner error={change.error} />}
    </li>
  );
}

/** Book from the dashboard: same rules as the agent (opening hours, overlap → the API's 409 message). */
function NewAppointment({ day, onDone }: { day: Day; onDone: () => void }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const agents = useAgents();
  const [agentId, setAgentId] = useState("");
  const chosen = agentId || agents.data?.data[0]?.id || "";
  const business = useQuery({
    queryKey: ["agents", chosen, "business"],
    enabled: !!chosen,
    queryFn: () => api<{ configured: boolean; business: BusinessConfig }>(`/v1/agents/${chosen}/business`),
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (body: unknown) => api<AppointmentDto>("/v1/appointments", { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["appointments"] });
      onDone();
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const services = (business.data?.business.services ?? []).filter((s) => s.bookable);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const dayField = String(f.get("day"));
    const timeField = String(f.get("time"));
    const at = isDay(dayField) && /^\d{2}:\d{2}$/.test(timeField) ? instantAt(dayField, zone, timeField) : new Date(Number.NaN);
    const v = validate(createAppointmentBodySchema, {
      agentId: chosen,
      serviceId: String(f.get("serviceId") ?? ""),
      start: Number.isNaN(at.getTime()) ? "" : at.toISOString(),
      customerName: String(f.get("customerName") ?? ""),
      customerPhone: String(f.get("customerPhone") ?? ""),
      notes: String(f.get("notes") ?? "") || undefined,
    });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    create.mutate(v.data);
  };
  if (agents.isPending) return <Spinner />;
  if (!agents.data?.data.length) return <EmptyState title="Create an agent first">Appointments belong to an agent's business.</EmptyState>;
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-3 sm:grid-cols-2" aria-label="New appointment">
      <Select
        label="Agent"
        name="agentId"
        value={chosen}
        onChange={(e) => setAgentId(e.target.value)}
        options={agents.data.data.map((a) => ({ value: a.id, label: a.name }))}
        error={errors.agentId}
      />
      <Select
        label="Service"
        name="serviceId"
        disabled={!services.length}
        options={
          services.length
            ? services.map((s) => ({ value: s.id, label: `${s.name} (${s.durationMin} min)` }))
            : [{ value: "", label: business.isPending ? "Loading…" : "No services" }]
        }
        error={errors.serviceId}
      />
      <TextInput label="Day" name="day" type="date" defaultValue={day} required />
      <TextInput label={`Time (${zoneLabel(zone)})`} name="time" type="time" defaultValue="09:00" step={300} required error={errors.start} />
      <TextInput label="Customer name" name="customerName" autoComplete="off" required error={errors.customerName} />
      <TextInput label="Customer phone" name="customerPhone" type="tel" autoComplete="off" required error={errors.customerPhone} />
      <div className="sm:col-span-2">
        <TextArea label="Notes" name="notes" rows={2} maxLength={2000} error={errors.notes} />
      </div>
      <div className="flex items-center gap-2 sm:col-span-2">
        <Button type="submit" busy={create.isPending}>
          Book appointment
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          Close
        </Button>
      </div>
      {create.error && !Object.keys(errors).length && (
        <div className="sm:col-span-2">
          <ErrorBanner error={create.error} />
        </div>
      )}
    </form>
  );
}

export function Appointments() {
  // ?date=YYYY-MM-DD&view=day|week opens a given day or week (links from elsewhere, bookmarks).
  const [params] = useSearchParams();
  const [view, setView] = useState<View>(() =>
    params.get("view") === "day" || params.get("view") === "week" ? (params.get("view") as View) : window.innerWidth < 768 ? "day" : "week",
  );
  const zone = useWorkspaceZone();
  const [anchor, setAnchor] = useState<Day>(() => {
    const asked = params.get("date");
    return isDay(asked) ? asked : dayOf(new Date(), zone);
  });
  const [agentId, setAgentId] = useState("");
  const [status, setStatus] = useState("");
  const [adding, setAdding] = useState(false);
  const canEdit = useCan("staff");
  const agents = useAgents();
  const agentName = (id: string | null) => (id ? (agents.data?.data.find((a) => a.id === id)?.name ?? id) : "–");
  const from = view === "day" ? anchor : startOfWeek(anchor);
  const days = view === "day" ? 1 : 7;
  const to = addDays(from, days);
  const list = useAppointments(instantAt(from, zone).toISOString(), instantAt(to, zone).toISOString(), agentId, status);
  const appts = [...(list.data?.data ?? [])].sort((a, b) => a.start.localeCompare(b.start));
  const onDay = (d: Day) => appts.filter((a) => dayOf(new Date(a.start), zone) === d);
  const title =
    view === "day"
      ? formatDay(anchor, { weekday: "long", month: "long", day: "numeric", year: "numeric" })
      : `${formatDay(from, { month: "short", day: "numeric" })} – ${formatDay(addDays(to, -1), { month: "short", day: "numeric", year: "numeric" })}`;
  const today = dayOf(new Date(), zone);

  return (
    <>
      <PageHeader
        title="Appointments"
        subtitle={`Booked by your agents on calls and by your team. Times in ${zoneLabel(zone)}.`}
        actions={canEdit && !adding && <Button onClick={() => setAdding(true)}>New appointment</Button>}
      />
      {adding && (
        <Card title="New appointment" className="mb-6">
          <NewAppointment day={anchor} onDone={() => setAdding(false)} />
        </Card>
      )}
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <div role="group" aria-label="View" className="inline-flex overflow-hidden rounded-lg ring-1 ring-slate-300">
          {(["day", "week"] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              className={cx("px-3 py-2 text-sm font-medium", view === v ? "bg-brand-600 text-white" : "bg-white text-slate-800 hover:bg-slate-50")}
            >
              {v === "day" ? "Day" : "Week"}
            </button>
          ))}
        </div>
        <div className="inline-flex gap-1">
          <Button variant="secondary" aria-label={`Previous ${view}`} onClick={() => setAnchor(addDays(anchor, -days))}>
            ←
          </Button>
          <Button variant="secondary" onClick={() => setAnchor(dayOf(new Date(), zone))}>
            Today
          </Button>
          <Button variant="secondary" aria-label={`Next ${view}`} onClick={() => setAnchor(addDays(anchor, days))}>
            →
          </Button>
        </div>
        <h2 className="w-full text-lg font-semibold text-slate-900 sm:w-auto sm:min-w-0 sm:flex-1" aria-live="polite" data-testid="appointments-range">
          {title}
        </h2>
        <div className="grid w-full grid-cols-2 gap-3 sm:w-auto">
          <Select
            label="Agent"
            value={agentId}
            onChange={(e) => setAgentId(e.target.value)}
            options={[{ value: "", label: "All agents" }, ...(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
          />
          <Select
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            options={[
              { value: "", label: "Any status" },
              ...(Object.keys(STATUS_LABEL) as AppointmentStatus[]).map((s) => ({ value: s, label: STATUS_LABEL[s] })),
            ]}
          />
        </div>
      </div>
      {list.isPending ? (
        <Spinner label="Loading appointments" />
      ) : list.error ? (
        <ErrorBanner error={list.error} />
      ) : view === "day" ? (
        appts.length === 0 ? (
          <EmptyState title="No appointments this day">
            {canEdit ? "Your agents book them on calls, or add one with New appointment." : "Your agents book them on calls."}
          </EmptyState>
        ) : (
          <ul className="space-y-2" aria-label={`Appointments on ${title}`}>
            {appts.map((a) => (
              <AppointmentCard key={a.id} a={a} canEdit={canEdit} agentName={agentName} />
            ))}
          </ul>
        )
      ) : (
        <>
          {appts.length === 0 && (
            <p className="mb-3 text-sm text-slate-600" role="status">
              No appointments this week.
            </p>
          )}
          <div className="grid gap-3 md:grid-cols-7">
            {Array.from({ length: 7 }, (_, i) => addDays(from, i)).map((d) => (
              <section
                key={d}
                aria-label={formatDay(d, { weekday: "long", month: "long", day: "numeric" })}
                className={cx("min-h-24 rounded-xl border bg-white p-2", d === today ? "border-brand-600" : "border-slate-200")}
              >
                <button
                  type="button"
                  className="mb-2 w-full rounded text-left text-sm font-semibold text-slate-800 hover:underline"
                  onClick={() => {
                    setAnchor(d);
                    setView("day");
                  }}
                >
                  {formatDay(d, { weekday: "short" })} <span className="font-normal text-slate-600">{formatDay(d, { month: "numeric", day: "numeric" })}</span>
                </button>
                <ul className="space-y-2">
                  {onDay(d).map((a) => (
                    <AppointmentCard key={a.id} a={a} canEdit={canEdit} compact agentName={agentName} />
                  ))}
                </ul>
              </section>
            ))}
          </div>
        </>
      )}
      {list.data?.nextCursor && <p className="mt-3 text-sm text-slate-600">Showing the first 500 appointments in this range.</p>}
    </>
  );
}
