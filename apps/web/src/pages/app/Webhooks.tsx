import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  EVENT_TYPES,
  createWebhookEndpointBodySchema,
  type WebhookDeliveryDto,
  type WebhookEndpointDto,
  type WebhookEndpointWithSecretDto,
  type WebhookTestResultDto,
} from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { useCan } from "../../lib/session.tsx";
import { UpgradeNotice, useFeatureOff } from "../../lib/features.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";
import { CopyOnce } from "./ApiKeys.tsx";

const ENDPOINTS_KEY = ["webhook-endpoints"];
const deliveriesKey = (id: string) => ["webhook-endpoints", id, "deliveries"];

const useEndpoints = () => useQuery({ queryKey: ENDPOINTS_KEY, queryFn: () => api<{ data: WebhookEndpointDto[] }>("/v1/webhook-endpoints") });

/** The first error under a key or any of its sub-paths (`eventTypes.0`). */
const errorAt = (errors: FieldErrors, key: string) => errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];

function EventTypeChoices({ name, selected }: { name: string; selected?: string[] }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">Events</legend>
      <p className="text-xs text-slate-600">None ticked: every event, including ones added later.</p>
      <div className="mt-2 grid gap-1 sm:grid-cols-2">
        {EVENT_TYPES.map((type) => (
          <label key={type} className="flex items-center gap-2 font-mono text-xs">
            <input type="checkbox" name={name} value={type} defaultChecked={selected?.includes(type)} />
            {type}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const statusTone = (status: WebhookDeliveryDto["status"]) => (status === "succeeded" ? "green" : status === "failed" ? "red" : "amber");

function DeliveryLog({ endpointId, canManage }: { endpointId: string; canManage: boolean }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const deliveries = useInfiniteQuery({
    queryKey: deliveriesKey(endpointId),
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      api<{ data: WebhookDeliveryDto[]; nextCursor: string | null }>(
        `/v1/webhook-endpoints/${endpointId}/deliveries?limit=20${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Follows pending deliveries (a redelivery, a retry) to their outcome while the log is open: every 2 s while one
    // is due within a minute, every 30 s while the next retries are further off.
    refetchInterval: (query) => {
      const pending = query.state.data?.pages.flatMap((p) => p.data).filter((d) => d.status === "pending") ?? [];
      if (pending.length === 0) return false;
      const soon = Date.now() + 60_000;
      return pending.some((d) => !d.nextAttemptAt || Date.parse(d.nextAttemptAt) <= soon) ? 2_000 : 30_000;
    },
  });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => api<WebhookDeliveryDto>(`/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`, { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: deliveriesKey(endpointId) }),
  });

  if (deliveries.isPending) return <Spinner />;
  if (deliveries.error) return <ErrorBanner error={deliveries.error} />;
  const rows = deliveries.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) return <p className="text-sm text-slate-600">No deliveries yet: events appear here as they are sent.</p>;
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs">
          <thead className="text-slate-600">
            <tr>
              <th className="py-1 pr-3 font-medium">Event</th>
              <th className="py-1 pr-3 font-medium">Status</th>
              <th className="py-1 pr-3 font-medium">Attempts</th>
              <th className="py-1 pr-3 font-medium">Answer</th>
              <th className="py-1 pr-3 font-medium">Latency</th>
              <th className="py-1 pr-3 font-medium">Last attempt</th>
              <th className="py-1 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((d) => (
              <tr key={d.id} className="align-top">
                <td className="py-2 pr-3">
                  <p className="font-mono">{d.eventType}</p>
                  <p className="font-mono text-slate-500">{d.eventId}</p>
                </td>
                <td className="py-2 pr-3">
                  <Badge tone={statusTone(d.status)}>{d.status}</Badge>
                  {d.status === "pending" && d.nextAttemptAt && <p className="mt-1 text-slate-600">next {formatDateTime(d.nextAttemptAt, zone)}</p>}
                </td>
                <td className="py-2 pr-3">{d.attempts}</td>
                <td className="max-w-xs py-2 pr-3">
                  <p>{d.responseStatus ?? "—"}</p>
                  {d.error && <p className="text-red-700">{d.error}</p>}
                  {d.responseSnippet && (
                    <pre className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-1 font-mono">{d.responseSnippet}</pre>
                  )}
                </td>
                <td className="py-2 pr-3">{d.latencyMs !== null ? `${d.latencyMs} ms` : "—"}</td>
                <td className="py-2 pr-3">{d.lastAttemptAt ? formatDateTime(d.lastAttemptAt, zone) : "—"}</td>
                <td className="py-2">
                  {canManage && (
                    <Button variant="secondary" onClick={() => redeliver.mutate(d.id)} busy={redeliver.isPending && redeliver.variables === d.id}>
                      Redeliver
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBanner error={redeliver.error} />
      {deliveries.hasNextPage && (
        <Button variant="secondary" onClick={() => void deliveries.fetchNextPage()} busy={deliveries.isFetchingNextPage}>
          Older deliveries
        </Button>
      )}
    </div>
  );
}

function EndpointItem({ endpoint, canManage }: { endpoint: WebhookEndpointDto; canManage: boolean }) {
  const qc = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [test, setTest] = useState<WebhookTestResultDto>();
  const refresh = () => qc.invalidateQueries({ queryKey: ENDPOINTS_KEY });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api<WebhookEndpointDto>(`/v1/webhook-endpoints/${endpoint.id}`, { method: "PATCH", body: { enabled } }),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => api<WebhookEndpointWithSecretDto>(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { method: "POST" }),
    onSuccess: (e) => {
      setSecret(e.secret);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/webhook-endpoints/${endpoint.id}`, { method: "DELETE" }),
    onSuccess: refresh,
  });
  const ping = useMutation({
    mutationFn: () => api<WebhookTestResultDto>(`/v1/webhook-endpoints/${endpoint.id}/test`, { method: "POST" }),
    onSuccess: setTest,
  });

  return (
    <li className="space-y-2 py-4 text-sm">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="break-all font-medium">
            {endpoint.url} <Badge tone={endpoint.enabled ? "green" : "red"}>{endpoint.enabled ? "enabled" : "disabled"}</Badge>
          </p>
          {endpoint.description && <p className="text-slate-700">{endpoint.description}</p>}
          <p className="text-xs text-slate-600">Events: {endpoint.eventTypes.length === 0 ? "all" : endpoint.eventTypes.join(", ")}</p>
          <p className="font-mono text-xs text-slate-600">Secret {endpoint.secretHint}</p>
          {endpoint.disabledReason && <p className="text-xs text-red-700">Switched off: {endpoint.disabledReason}</p>}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setShowLog((v) => !v)} aria-expanded={showLog}>
            {showLog ? "Hide deliveries" : "Deliveries"}
          </Button>
          {canManage && (
            <>
              <Button variant="secondary" onClick={() => ping.mutate()} busy={ping.isPending}>
                Send test
              </Button>
              <Button variant="secondary" onClick={() => toggle.mutate(!endpoint.enabled)} busy={toggle.isPending}>
                {endpoint.enabled ? "Disable" : "Enable"}
              </Button>
              <Button
                variant="secondary"
                onClick={() => confirm("Replace the signing secret? The current one stops verifying at once.") && rotate.mutate()}
                busy={rotate.isPending}
              >
                Rotate secret
              </Button>
              <Button
                variant="danger"
                onClick={() => confirm(`Delete the endpoint ${endpoint.url} and its delivery log?`) && remove.mutate()}
                busy={remove.isPending}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      </div>
      {secret && <CopyOnce value={secret} label="Copy the new signing secret now: it will not be shown again." />}
      {test && (
        <p role="status" className={`text-xs ${test.ok ? "text-green-800" : "text-red-700"}`}>
          Test: {test.ok ? "delivered" : "failed"} — {test.responseStatus ?? "no answer"} in {test.latencyMs} ms
          {test.error ? ` (${test.error})` : ""}
          {test.responseSnippet ? `: ${test.responseSnippet.slice(0, 120)}` : ""}
        </p>
      )}
      <ErrorBanner error={toggle.error ?? rotate.error ?? remove.error ?? ping.error} />
      {showLog && <DeliveryLog endpointId={endpoint.id} canManage={canManage} />}
    </li>
  );
}

export function Webhooks() {
  const qc = useQueryClient();
  const endpoints = useEndpoints();
  const canManage = useCan("admin");
  const off = useFeatureOff("webhooks");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<string>();
  const create = useMutation({
    mutationFn: (body: unknown) => api<WebhookEndpointWithSecretDto>("/v1/webhook-endpoints", { body }),
    onSuccess: (e) => {
      setCreated(e.secret);
      void qc.invalidateQueries({ queryKey: ENDPOINTS_KEY });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = formValues(form);
    const eventTypes = new FormData(form).getAll("eventTypes").map(String);
    const v = validate(createWebhookEndpointBodySchema, { url: f.url, description: f.description ?? "", eventTypes, enabled: true });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setCreated(undefined);
    create.mutate(v.data, { onSuccess: () => form.reset() });
  };
  const bannerError = create.error instanceof ApiError && Object.keys(create.error.fieldErrors()).length > 0 ? null : create.error;

  return (
    <>
      <PageHeader
        title="Webhooks"
        subtitle="Your servers receive events (calls, bookings, messages…) as signed POST requests, per Standard Webhooks. Failed deliveries are retried for about a day."
      />
      <div className="grid gap-6 lg:grid-cols-3">
        {canManage && (
          <Card title="Add an endpoint">
            {off && <UpgradeNotice>Webhooks are not included in this workspace's plan. Endpoints already added keep receiving events.</UpgradeNotice>}
            <form onSubmit={onSubmit} noValidate>
              <fieldset disabled={off} className="space-y-4">
                <TextInput label="URL" name="url" type="url" placeholder="https://example.com/webhooks/orbis" error={errors.url} />
                <TextInput label="Description" name="description" placeholder="CRM sync" error={errors.description} />
                <EventTypeChoices name="eventTypes" />
                {errorAt(errors, "eventTypes") && <p className="text-xs text-red-700">{errorAt(errors, "eventTypes")}</p>}
                <ErrorBanner error={bannerError} />
                <Button type="submit" busy={create.isPending}>
                  Add endpoint
                </Button>
              </fieldset>
            </form>
            {created && (
              <div className="mt-4">
                <CopyOnce value={created} label="Copy the signing secret now: it will not be shown again." />
              </div>
            )}
          </Card>
        )}
        <Card title="Endpoints" className={canManage ? "lg:col-span-2" : "lg:col-span-3"}>
          {endpoints.isPending ? (
            <Spinner />
          ) : endpoints.error ? (
            <ErrorBanner error={endpoints.error} />
          ) : endpoints.data.data.length === 0 ? (
            <EmptyState title="No endpoints yet" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {endpoints.data.data.map((endpoint) => (
                <EndpointItem key={endpoint.id} endpoint={endpoint} canManage={canManage} />
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
