import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createApiKeyBodySchema, type ApiKeyDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { lines, validate, type FieldErrors } from "../../lib/forms.ts";
import { useApiKeys } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";

export function CopyOnce({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-lg border border-green-300 bg-green-50 p-3" role="status">
      <p className="text-sm font-semibold text-green-900">{label}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="created-key" className="break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-green-200">
          {value}
        </code>
        <Button
          type="button"
          variant="secondary"
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

export function ApiKeys() {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const keys = useApiKeys();
  const canManage = useCan("admin");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [kind, setKind] = useState<"publishable" | "secret">("publishable");
  const [created, setCreated] = useState<string>();
  const create = useMutation({
    mutationFn: (body: unknown) => api<ApiKeyDto & { key: string }>("/v1/api-keys", { body }),
    onSuccess: (k) => {
      setCreated(k.key);
      void qc.invalidateQueries({ queryKey: ["api-keys"] });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/v1/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["api-keys"] }),
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = validate(createApiKeyBodySchema, { name: String(f.get("name") ?? ""), kind, allowedOrigins: lines(String(f.get("allowedOrigins") ?? "")) });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setCreated(undefined);
    create.mutate(v.data);
  };

  if (!canManage) {
    return (
      <>
        <PageHeader title="API keys" />
        <EmptyState title="Only admins and owners manage API keys" />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle="Publishable keys (pk_) go in the website widget and only work from the origins you list. Secret keys (sk_) are for your servers."
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Create a key">
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <TextInput label="Name" name="name" placeholder="Website widget" error={errors.name} />
            <Select
              label="Kind"
              name="kind"
              value={kind}
              onChange={(e) => setKind(e.target.value as "publishable" | "secret")}
              options={[
                { value: "publishable", label: "Publishable (widget, browser)" },
                { value: "secret", label: "Secret (server to server)" },
              ]}
            />
            {kind === "publishable" && (
              <TextArea
                label="Allowed origins"
                name="allowedOrigins"
                rows={3}
                placeholder={"https://www.example.com\nhttps://example.com"}
                hint="One per line: scheme, host and optional port."
                error={errors.allowedOrigins ?? Object.entries(errors).find(([k]) => k.startsWith("allowedOrigins."))?.[1]}
              />
            )}
            <ErrorBanner error={create.error} />
            <Button type="submit" busy={create.isPending}>
              Create key
            </Button>
          </form>
          {created && (
            <div className="mt-4">
              <CopyOnce value={created} label="Copy this key now: it will not be shown again." />
            </div>
          )}
        </Card>
        <Card title="Keys" className="lg:col-span-2">
          {keys.isPending ? (
            <Spinner />
          ) : keys.error ? (
            <ErrorBanner error={keys.error} />
          ) : keys.data.data.length === 0 ? (
            <EmptyState title="No keys yet" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {keys.data.data.map((k) => (
                <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                  <div>
                    <p className="font-medium">
                      {k.name} <Badge tone={k.revokedAt ? "red" : k.kind === "publishable" ? "green" : "amber"}>{k.revokedAt ? "revoked" : k.kind}</Badge>
                    </p>
                    <p className="font-mono text-xs text-slate-600">{k.prefix}…</p>
                    {k.allowedOrigins.length > 0 && <p className="text-xs text-slate-600">Origins: {k.allowedOrigins.join(", ")}</p>}
                    <p className="text-xs text-slate-600">Last used: {k.lastUsedAt ? formatDateTime(k.lastUsedAt, zone) : "never"}</p>
                  </div>
                  {!k.revokedAt && (
                    <Button
                      variant="danger"
                      onClick={() => confirm(`Revoke ${k.name}? Sites using it stop working at once.`) && revoke.mutate(k.id)}
                      busy={revoke.isPending && revoke.variables === k.id}
                    >
                      Revoke
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <ErrorBanner error={revoke.error} />
        </Card>
      </div>
    </>
  );
}
