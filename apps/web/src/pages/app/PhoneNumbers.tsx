import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import {
  carrierCredentialSchemas,
  createPhoneNumberBodySchema,
  type CredentialMetadataDto,
  type PhoneNumberDto,
  type TelephonyProvider,
} from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { useAgents, useCarrierSetup, useCredentials, usePhoneNumbers, useRecentCalls } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { UpgradeNotice, useFeatureOff } from "../../lib/features.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../../components/ui.tsx";

const CARRIERS: { id: TelephonyProvider; label: string }[] = [
  { id: "twilio", label: "Twilio" },
  { id: "telnyx", label: "Telnyx" },
];

/** A value to paste elsewhere, with a button that copies it. */
function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="min-w-0">
      <p className="text-sm font-medium text-slate-800">{label}</p>
      <div className="mt-1 flex min-w-0 items-start gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-slate-50 px-2 py-1.5 font-mono text-xs ring-1 ring-slate-200">{value}</code>
        <Button
          type="button"
          variant="secondary"
          aria-label={`Copy ${label}`}
          onClick={async () => {
            await navigator.clipboard?.writeText(value).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}

/** The last call on each number (inbound calls name the dialled number as callee), from the latest 100 calls. */
function useLastCallByNumber() {
  const recent = useRecentCalls(90);
  const byNumber = new Map<string, NonNullable<typeof recent.data>["data"][number]>();
  for (const c of recent.data?.data ?? []) {
    for (const n of [c.callee, c.caller]) if (n && !byNumber.has(n)) byNumber.set(n, c);
  }
  return byNumber;
}

function AddNumber({ onAdded }: { onAdded: () => void }) {
  const agents = useAgents();
  const off = useFeatureOff("phone_numbers");
  const [errors, setErrors] = useState<FieldErrors>({});
  const add = useMutation({
    mutationFn: (body: unknown) => api<PhoneNumberDto>("/v1/phone-numbers", { body }),
    onSuccess: onAdded,
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = formValues(form);
    const v = validate(createPhoneNumberBodySchema, { number: f.number, provider: f.provider, agentId: f.agentId || null, label: f.label ?? "" });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    add.mutate(v.data, { onSuccess: () => form.reset() });
  };
  return (
    <Card title="Add a number">
      {off && <UpgradeNotice>Phone numbers are not included in this workspace's plan. Numbers already connected keep working.</UpgradeNotice>}
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={off} className="space-y-4">
          <TextInput
            label="Phone number"
            name="number"
            placeholder="+14155550100"
            hint="E.164: + and country code, no spaces."
            error={errors.number}
            autoComplete="off"
          />
          <Select
            label="Carrier"
            name="provider"
            defaultValue="twilio"
            options={CARRIERS.map((c) => ({ value: c.id, label: c.label }))}
            error={errors.provider}
          />
          <Select
            label="Agent"
            name="agentId"
            error={errors.agentId}
            options={[{ value: "", label: "No agent (calls are refused)" }, ...(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
          />
          <TextInput label="Label (optional)" name="label" placeholder="Main line" error={errors.label} />
          <ErrorBanner error={add.error} />
          <Button type="submit" busy={add.isPending}>
            Add number
          </Button>
        </fieldset>
      </form>
    </Card>
  );
}

function NumbersList({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const numbers = usePhoneNumbers();
  const agents = useAgents();
  const lastCall = useLastCallByNumber();
  const agentName = (id: string | null) => (id ? (agents.data?.data.find((a) => a.id === id)?.name ?? "Unknown agent") : "No agent");
  const remove = useMutation({
    mutationFn: (id: string) => api(`/v1/phone-numbers/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["phone-numbers"] }),
  });
  return (
    <Card title="Numbers" className="lg:col-span-2">
      {numbers.isPending ? (
        <Spinner />
      ) : numbers.error ? (
        <ErrorBanner error={numbers.error} />
      ) : numbers.data.data.length === 0 ? (
        <EmptyState title="No phone numbers yet">
          Buy a number from Twilio or Telnyx, add it here, then paste the URLs below into the carrier’s console.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Phone numbers">
          {numbers.data.data.map((n) => {
            const call = lastCall.get(n.number);
            return (
              <li key={n.id} className="flex flex-wrap items-start justify-between gap-2 py-3 text-sm">
                <div className="min-w-0">
                  <p className="font-medium">
                    <span className="font-mono">{n.number}</span> <Badge tone={n.provider === "twilio" ? "red" : "green"}>{n.provider}</Badge>
                    {n.label && <span className="ml-1 text-slate-600">{n.label}</span>}
                  </p>
                  <p className="text-xs text-slate-600">
                    Agent: {n.agentId ? <Link to={`/dashboard/agents/${n.agentId}`}>{agentName(n.agentId)}</Link> : agentName(null)}
                  </p>
                  <p className="text-xs text-slate-600" data-testid="last-call">
                    Last call:{" "}
                    {call ? (
                      <Link className="underline" to={`/dashboard/calls/${call.id}`}>
                        {formatDateTime(call.startedAt, zone)} · {call.status.replace(/_/g, " ")}
                        {call.endReason ? ` (${call.endReason.replace(/_/g, " ")})` : ""}
                      </Link>
                    ) : (
                      "none yet"
                    )}
                  </p>
                  <p className="text-xs text-slate-600" data-testid="last-carrier-event">
                    Last carrier webhook:{" "}
                    {n.lastEvent ? (
                      <Link className="underline" to={`/dashboard/calls/${n.lastEvent.callId}`}>
                        {formatDateTime(n.lastEvent.at, zone)} · {n.lastEvent.kind}
                        {n.lastEvent.status ? ` (${n.lastEvent.status.replace(/[_-]/g, " ")})` : ""}
                      </Link>
                    ) : (
                      "none in 90 days"
                    )}
                  </p>
                </div>
                {canManage && (
                  <Button
                    variant="danger"
                    onClick={() => confirm(`Disconnect ${n.number}? Calls to it will no longer reach an agent.`) && remove.mutate(n.id)}
                    busy={remove.isPending && remove.variables === n.id}
                  >
                    Disconnect
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ErrorBanner error={remove.error} />
    </Card>
  );
}

const CREDENTIAL_FIELDS: Record<TelephonyProvider, { name: string; label: string; hint?: string }[]> = {
  twilio: [
    { name: "accountSid", label: "Account SID", hint: "AC followed by 32 hex characters (Twilio console → Account info)." },
    { name: "authToken", label: "Auth Token" },
  ],
  telnyx: [
    { name: "apiKey", label: "API key" },
    { name: "publicKey", label: "Public key", hint: "The base64 Ed25519 key (Telnyx portal → Keys & credentials → Public key)." },
  ],
};

interface TestResult {
  result: string;
  message: string;
}

/** One carrier's credentials: entered here, stored encrypted, shown afterwards as hints only. */
export function CredentialForm({
  provider,
  label,
  fields,
  schema,
  configured,
}: {
  provider: string;
  label: string;
  fields: { name: string; label: string; hint?: string }[];
  schema: Parameters<typeof validate>[0];
  configured: CredentialMetadataDto | undefined;
}) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [editing, setEditing] = useState(false);
  const invalidate = () => qc.invalidateQueries({ queryKey: ["credentials"] });
  const save = useMutation({
    mutationFn: (body: unknown) => api<CredentialMetadataDto>(`/v1/credentials/${provider}`, { method: "PUT", body }),
    onSuccess: () => {
      setEditing(false);
      test.reset();
      void invalidate();
      void qc.invalidateQueries({ queryKey: ["providers"] });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const remove = useMutation({
    mutationFn: () => api(`/v1/credentials/${provider}`, { method: "DELETE" }),
    onSuccess: () => {
      test.reset();
      void invalidate();
      void qc.invalidateQueries({ queryKey: ["providers"] });
    },
  });
  const test = useMutation({ mutationFn: () => api<TestResult>(`/v1/credentials/${provider}/test`, { method: "POST" }) });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validate(schema, formValues(e.currentTarget));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    save.mutate(v.data);
  };
  const showForm = !configured || editing;
  const tone = test.data ? (test.data.result === "ok" || test.data.result === "format_ok" ? "green" : "red") : "slate";
  return (
    <section aria-label={`${label} credentials`} className="space-y-3 rounded-lg border border-slate-200 p-4" data-testid={`credentials-${provider}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold text-slate-900">{label}</h3>
        {configured ? <Badge tone="green">configured</Badge> : <Badge>not set</Badge>}
      </div>
      {configured && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          {Object.entries(configured.hints).map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-600">{fields.find((f) => f.name === k)?.label ?? k}</dt>
              <dd className="break-all font-mono text-xs leading-5" data-testid={`hint-${provider}-${k}`}>
                {v}
              </dd>
            </div>
          ))}
          <dt className="text-slate-600">Updated</dt>
          <dd className="text-xs leading-5">{formatDateTime(configured.updatedAt, zone)}</dd>
        </dl>
      )}
      {showForm ? (
        <form onSubmit={onSubmit} className="space-y-3" noValidate>
          {fields.map((f) => (
            <TextInput key={f.name} label={f.label} name={f.name} type="password" autoComplete="off" hint={f.hint} error={errors[f.name]} />
          ))}
          <ErrorBanner error={save.error instanceof ApiError && Object.keys(save.error.fieldErrors()).length > 0 ? null : save.error} />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" busy={save.isPending}>
              {configured ? "Replace" : "Save"}
            </Button>
            {configured && (
              <Button type="button" variant="ghost" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            )}
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="secondary" onClick={() => test.mutate()} busy={test.isPending}>
            Test {fields.length > 1 ? "credentials" : "key"}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setEditing(true)}>
            Replace
          </Button>
          <Button type="button" variant="danger" onClick={() => confirm(`Delete the ${label} credentials?`) && remove.mutate()} busy={remove.isPending}>
            Delete
          </Button>
        </div>
      )}
      {test.data && (
        <p role="status" className="text-sm" data-testid={`test-${provider}`}>
          <Badge tone={tone}>{test.data.result.replace(/_/g, " ")}</Badge> {test.data.message}
        </p>
      )}
      <ErrorBanner error={test.error ?? remove.error} />
    </section>
  );
}

function CarrierCredentials() {
  const creds = useCredentials();
  return (
    <Card title="Carrier credentials">
      <p className="mb-3 text-sm text-slate-600">
        Stored encrypted; after saving only non-secret hints are shown. They verify the carrier’s webhooks and transfer calls.
      </p>
      {creds.isPending ? (
        <Spinner />
      ) : creds.error ? (
        <ErrorBanner error={creds.error} />
      ) : (
        <div className="space-y-4">
          {CARRIERS.map((c) => (
            <CredentialForm
              key={c.id}
              provider={c.id}
              label={c.label}
              fields={CREDENTIAL_FIELDS[c.id]}
              schema={carrierCredentialSchemas[c.id]}
              configured={creds.data.data.find((m) => m.provider === c.id)}
            />
          ))}
        </div>
      )}
    </Card>
  );
}

function ConsoleUrls() {
  const setup = useCarrierSetup();
  return (
    <Card title="Carrier console URLs" className="lg:col-span-2">
      {setup.isPending ? (
        <Spinner />
      ) : setup.error ? (
        <ErrorBanner error={setup.error} />
      ) : (
        <div className="space-y-5">
          {!setup.data.publicBaseUrlSet && (
            <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              PUBLIC_BASE_URL is not set, so these URLs name this machine ({setup.data.publicBaseUrl}). A carrier can only reach a public HTTPS address: set
              PUBLIC_BASE_URL on the server first.
            </p>
          )}
          <div className="space-y-3">
            <h3 className="font-semibold text-slate-900">Twilio</h3>
            <p className="text-sm text-slate-600">
              Phone number → Voice configuration: “A call comes in” → Webhook, HTTP POST; “Call status changes” → the status URL.
            </p>
            <CopyField label="Twilio voice webhook URL" value={setup.data.twilio.voiceUrl} />
            <CopyField label="Twilio status callback URL" value={setup.data.twilio.statusCallbackUrl} />
            <CopyField label="Twilio media stream URL (set by the webhook’s answer)" value={setup.data.twilio.mediaStreamUrl} />
          </div>
          <div className="space-y-3">
            <h3 className="font-semibold text-slate-900">Telnyx</h3>
            <p className="text-sm text-slate-600">Call Control application → Webhook URL (API v2).</p>
            <CopyField label="Telnyx webhook URL" value={setup.data.telnyx.webhookUrl} />
            <CopyField label="Telnyx media stream URL (set by the webhook’s answer)" value={setup.data.telnyx.mediaStreamUrl} />
          </div>
        </div>
      )}
    </Card>
  );
}

export function PhoneNumbers() {
  const qc = useQueryClient();
  const canManage = useCan("admin");
  return (
    <>
      <PageHeader title="Phone numbers" subtitle="Connect Twilio or Telnyx numbers to your agents: callers who dial them talk to the agent." />
      <div className="grid gap-6 lg:grid-cols-3">
        {canManage && <AddNumber onAdded={() => void qc.invalidateQueries({ queryKey: ["phone-numbers"] })} />}
        <NumbersList canManage={canManage} />
        <ConsoleUrls />
        {canManage ? <CarrierCredentials /> : <EmptyState title="Only admins and owners manage numbers and carrier credentials" />}
      </div>
    </>
  );
}
