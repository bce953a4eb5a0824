import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { addDoNotCallBodySchema, doNotCallSchema, e164Schema, type DoNotCallDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { validate, type FieldErrors } from "../../lib/forms.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";
import { doNotCallKey, useDoNotCall } from "../../components/campaigns/campaigns-api.ts";

const SOURCE_LABEL: Record<DoNotCallDto["source"], string> = {
  manual: "Added by hand",
  call: "Asked on a call",
  sms: "Texted STOP",
  import: "Imported",
};

function AddNumber() {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation({
    // 201 when added, 200 with the entry when the number was listed already: either way it is on the list.
    mutationFn: async (body: { phone: string; reason: string }) => doNotCallSchema.parse(await api("/v1/do-not-call", { body })),
    onSuccess: (entry) => {
      setDone(entry.phone);
      void qc.invalidateQueries({ queryKey: doNotCallKey });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    // Spaces, dashes, dots and brackets are dropped as the contacts upload does; the API wants E.164.
    const phone = String(data.get("phone") ?? "")
      .replace(/[\s().-]/g, "")
      .replace(/^00/, "+");
    const v = validate(addDoNotCallBodySchema, { phone, reason: String(data.get("reason") ?? "") });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setDone(null);
    add.mutate(v.data, { onSuccess: () => form.reset() });
  };
  return (
    <Card title="Add a number">
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <TextInput label="Phone number" name="phone" placeholder="+14155550100" autoComplete="off" error={errors.phone} hint="E.164: + and country code." />
        <TextInput label="Reason (optional)" name="reason" placeholder="Asked by email" error={errors.reason} />
        <ErrorBanner error={add.error instanceof ApiError && Object.keys(add.error.fieldErrors()).length > 0 ? null : add.error} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={add.isPending}>
            Add to the list
          </Button>
          {done && (
            <span role="status" className="text-sm text-green-800">
              {done} is on the list.
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

function NumbersList({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const [search, setSearch] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const phone = e164Schema.safeParse(search.replace(/[\s().-]/g, "")).data;
  const list = useDoNotCall({ ...(phone ? { phone } : {}), ...(cursor ? { cursor } : {}) });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/v1/do-not-call/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: doNotCallKey }),
  });
  return (
    <Card title="Numbers not to call" className="lg:col-span-2">
      <div className="mb-3 max-w-xs">
        <TextInput
          label="Find a number"
          type="search"
          value={search}
          placeholder="+14155550100"
          hint="The whole number, E.164."
          onChange={(e) => {
            setSearch(e.target.value);
            setCursors([undefined]);
          }}
        />
      </div>
      {list.isPending ? (
        <Spinner />
      ) : list.error ? (
        <ErrorBanner error={list.error} />
      ) : list.data.data.length === 0 ? (
        <EmptyState title={phone ? `${phone} is not on the list` : "The list is empty"}>
          {phone ? null : "Numbers added here, callees who ask not to be called again, and numbers that texted STOP are never called by a campaign."}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100" aria-label="Do-not-call numbers">
            {list.data.data.map((n) => (
              <li key={n.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                <div className="min-w-0">
                  <p>
                    <span className="font-mono font-medium">{n.phone}</span> <Badge>{SOURCE_LABEL[n.source]}</Badge>
                  </p>
                  <p className="text-xs text-slate-600">
                    {formatDateTime(n.createdAt, zone)}
                    {n.reason ? ` · ${n.reason}` : ""}
                  </p>
                </div>
                {canManage && (
                  <Button
                    type="button"
                    variant="secondary"
                    aria-label={`Remove ${n.phone}`}
                    busy={remove.isPending && remove.variables === n.id}
                    onClick={() => confirm(`Take ${n.phone} off the list? Campaigns may call it again.`) && remove.mutate(n.id)}
                  >
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {(cursors.length > 1 || list.data.nextCursor) && (
            <nav aria-label="Do-not-call pages" className="mt-3 flex items-center gap-2 text-sm">
              <Button type="button" variant="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </Button>
              <span className="text-slate-600">Page {cursors.length}</span>
              <Button
                type="button"
                variant="secondary"
                disabled={!list.data.nextCursor}
                onClick={() => list.data.nextCursor && setCursors([...cursors, list.data.nextCursor])}
              >
                Next
              </Button>
            </nav>
          )}
        </>
      )}
      <ErrorBanner error={remove.error} />
    </Card>
  );
}

/** `/dashboard/campaigns/do-not-call`: the workspace's do-not-call list (every campaign honours it). */
export function DoNotCall() {
  const canManage = useCan("admin");
  return (
    <>
      <PageHeader
        title="Do-not-call list"
        subtitle={
          <>
            <Link to="/dashboard/campaigns">← Campaigns</Link> · No campaign calls these numbers: they are refused at upload and skipped when their turn comes.
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        {canManage ? (
          <AddNumber />
        ) : (
          <Card>
            <p className="text-sm text-slate-600">Only admins and owners add or remove numbers.</p>
          </Card>
        )}
        <NumbersList canManage={canManage} />
      </div>
    </>
  );
}
