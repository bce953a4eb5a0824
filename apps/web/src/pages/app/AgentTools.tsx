import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { httpToolConfigSchema, updateToolBodySchema, type ToolCallRecordDto, type ToolDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { useAgent, useAgentTools } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { UpgradeNotice, useFeatureOff } from "../../lib/features.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, EmptyState, ErrorBanner, PageHeader, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";
import { CopyOnce } from "./ApiKeys.tsx";

const METHODS = ["POST", "GET", "PUT", "PATCH", "DELETE"] as const;
const DEFAULT_ARGS = JSON.stringify(
  { type: "object", properties: { orderId: { type: "string", description: "The order number" } }, required: ["orderId"] },
  null,
  2,
);

/** JSON text of a form field: the parsed value, or a field error naming it. */
function parseJson(text: string, field: string, errors: FieldErrors, fallback: unknown): unknown {
  if (!text.trim()) return fallback;
  try {
    return JSON.parse(text);
  } catch {
    errors[field] = "must be valid JSON";
    return undefined;
  }
}

/**
 * The tool's config from the form, checked with the shared schema; errors keyed like the API's 422 paths.
 * Editing, the headers are a change (a value sets or replaces a header, null removes it): stored values are never shown.
 */
function readToolForm(form: HTMLFormElement, editing = false): { ok: true; data: unknown } | { ok: false; errors: FieldErrors } {
  const f = formValues(form);
  const errors: FieldErrors = {};
  const args = parseJson(f.args ?? "", "args", errors, { type: "object", properties: {} });
  const headers = parseJson(f.headers ?? "", "headers", errors, {});
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const v = validate(editing ? updateToolBodySchema : httpToolConfigSchema, {
    name: f.name,
    description: f.description,
    url: f.url,
    method: f.method,
    args,
    headers,
    timeoutMs: Number(f.timeoutMs || 5000),
    enabled: f.enabled === "on",
  });
  return v.ok ? { ok: true, data: v.data } : { ok: false, errors: v.errors };
}

/** The tool's header names with a hint of each value: `X-Api-Key …6789, Authorization …mnop`. */
const headerList = (tool: ToolDto) =>
  Object.entries(tool.headerHints)
    .map(([name, hint]) => `${name} ${hint}`)
    .join(", ");

/** The first error under a key or any of its sub-paths (`args.properties.x.type`). */
const errorAt = (errors: FieldErrors, key: string) => errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];

function ToolForm({
  tool,
  submitLabel,
  busy,
  error,
  errors,
  onSubmit,
}: {
  tool?: ToolDto;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  errors: FieldErrors;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
}) {
  const bannerError = error instanceof ApiError && Object.keys(error.fieldErrors()).length > 0 ? null : error;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextInput
        label="Name"
        name="name"
        defaultValue={tool?.name}
        placeholder="check_order"
        hint="Letters, digits and underscores: the model calls the tool by it."
        error={errors.name}
      />
      <TextArea
        label="Description"
        name="description"
        rows={2}
        defaultValue={tool?.description}
        placeholder="Looks up an order's delivery status."
        error={errors.description}
      />
      <TextInput label="URL" name="url" type="url" defaultValue={tool?.url} placeholder="https://api.example.com/orders/status" error={errors.url} />
      <Select label="Method" name="method" defaultValue={tool?.method ?? "POST"} options={METHODS.map((m) => ({ value: m, label: m }))} />
      <TextArea
        label="Arguments (JSON schema)"
        name="args"
        rows={7}
        className="font-mono"
        defaultValue={tool ? JSON.stringify(tool.args, null, 2) : DEFAULT_ARGS}
        error={errorAt(errors, "args")}
      />
      <TextArea
        label={tool ? "Set or replace headers (JSON, optional)" : "Extra headers (JSON, optional)"}
        name="headers"
        rows={2}
        placeholder={tool ? '{"Authorization": "Bearer …new", "X-Old-Header": null}' : '{"Authorization": "Bearer …"}'}
        hint={
          tool
            ? `Stored values are never shown. A value replaces the header, null removes it, others are kept${headerList(tool) ? ` (now: ${headerList(tool)})` : ""}.`
            : undefined
        }
        error={errorAt(errors, "headers")}
      />
      <TextInput label="Timeout (ms)" name="timeoutMs" type="number" min={100} max={30000} defaultValue={tool?.timeoutMs ?? 5000} error={errors.timeoutMs} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={tool?.enabled ?? true} /> Enabled
      </label>
      <ErrorBanner error={bannerError} />
      <Button type="submit" busy={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

function CreateTool({ agentId }: { agentId: string }) {
  const qc = useQueryClient();
  const off = useFeatureOff("custom_tools");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [secret, setSecret] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: (body: unknown) => api<ToolDto & { secret: string }>(`/v1/agents/${agentId}/tools`, { body }),
    onSuccess: (t) => {
      setSecret(t.secret);
      setFormKey((k) => k + 1);
      void qc.invalidateQueries({ queryKey: ["agents", agentId, "tools"] });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  return (
    <Card title="Add an HTTP tool">
      {off && <UpgradeNotice>Custom tools are not included in this workspace's plan. Tools already added keep working.</UpgradeNotice>}
      <fieldset disabled={off}>
        <ToolForm
          key={formKey}
          submitLabel="Add tool"
          busy={create.isPending}
          error={create.error}
          errors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const v = readToolForm(e.currentTarget);
            if (!v.ok) return setErrors(v.errors);
            setErrors({});
            setSecret(undefined);
            create.mutate(v.data);
          }}
        />
      </fieldset>
      {secret && (
        <div className="mt-4">
          <CopyOnce value={secret} label="Signing secret: copy it now, it will not be shown again. Your server checks X-Orbis-Signature with it." />
        </div>
      )}
    </Card>
  );
}

function InvokeTool({ agentId, tool }: { agentId: string; tool: ToolDto }) {
  const [argsText, setArgsText] = useState("{}");
  const [argsError, setArgsError] = useState<string>();
  const invoke = useMutation({ mutationFn: (args: unknown) => api<ToolCallRecordDto>(`/v1/agents/${agentId}/tools/${tool.id}/invoke`, { body: { args } }) });
  const fieldErrors = invoke.error instanceof ApiError ? invoke.error.fieldErrors() : {};
  return (
    <form
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        let args: unknown;
        try {
          args = JSON.parse(argsText || "{}");
        } catch {
          return setArgsError("must be valid JSON");
        }
        setArgsError(undefined);
        invoke.mutate(args);
      }}
    >
      <TextArea
        label={`Test arguments for ${tool.name} (JSON)`}
        rows={3}
        className="font-mono"
        value={argsText}
        onChange={(e) => setArgsText(e.target.value)}
        error={argsError ?? errorAt(fieldErrors, "args")}
      />
      <Button type="submit" variant="secondary" busy={invoke.isPending} disabled={!tool.enabled}>
        Run tool
      </Button>
      {!tool.enabled && <p className="text-xs text-slate-600">Enable the tool to run it.</p>}
      <ErrorBanner error={Object.keys(fieldErrors).length > 0 ? null : invoke.error} />
      {invoke.data && (
        <div role="status" data-testid="tool-result" className="space-y-1">
          <p className="text-sm">
            <Badge tone={invoke.data.ok ? "green" : "red"}>{invoke.data.ok ? "ok" : "failed"}</Badge> in {Math.round(invoke.data.ms)} ms
            {invoke.data.error && <span className="ml-1 text-red-800">{invoke.data.error}</span>}
          </p>
          {invoke.data.result !== undefined && (
            <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs ring-1 ring-slate-200">
              {JSON.stringify(invoke.data.result, null, 2)}
            </pre>
          )}
        </div>
      )}
    </form>
  );
}

function ToolItem({ agentId, tool, canConfigure, canOperate }: { agentId: string; tool: ToolDto; canConfigure: boolean; canOperate: boolean }) {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const invalidate = () => qc.invalidateQueries({ queryKey: ["agents", agentId, "tools"] });
  const update = useMutation({
    mutationFn: (body: unknown) => api<ToolDto>(`/v1/agents/${agentId}/tools/${tool.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      setEditing(false);
      void invalidate();
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const remove = useMutation({ mutationFn: () => api(`/v1/agents/${agentId}/tools/${tool.id}`, { method: "DELETE" }), onSuccess: invalidate });
  const rotate = useMutation({
    mutationFn: () => api<ToolDto & { secret: string }>(`/v1/agents/${agentId}/tools/${tool.id}/rotate-secret`, { method: "POST" }),
    onSuccess: invalidate,
  });
  return (
    <li className="space-y-3 py-4" aria-label={tool.name}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-semibold">
            {tool.name} <Badge tone={tool.enabled ? "green" : "slate"}>{tool.enabled ? "enabled" : "disabled"}</Badge>
          </h3>
          <p className="text-sm text-slate-700">{tool.description}</p>
          <p className="break-all font-mono text-xs text-slate-600">
            {tool.method} {tool.url}
          </p>
          {headerList(tool) && <p className="break-all font-mono text-xs text-slate-600">Headers: {headerList(tool)}</p>}
          <p className="text-xs text-slate-600">
            Secret {tool.secretHint} · updated {formatDateTime(tool.updatedAt, zone)}
          </p>
        </div>
        {canConfigure && (
          <div className="flex flex-wrap gap-2">
            <Button type="button" variant="secondary" onClick={() => setEditing(!editing)}>
              {editing ? "Cancel" : "Edit"}
            </Button>
            <Button
              type="button"
              variant="secondary"
              busy={rotate.isPending}
              onClick={() => confirm(`Replace the signing secret of ${tool.name}? The current one stops verifying at once.`) && rotate.mutate()}
            >
              Rotate secret
            </Button>
            <Button type="button" variant="danger" busy={remove.isPending} onClick={() => confirm(`Delete the tool ${tool.name}?`) && remove.mutate()}>
              Delete
            </Button>
          </div>
        )}
      </div>
      {editing && (
        <ToolForm
          tool={tool}
          submitLabel="Save changes"
          busy={update.isPending}
          error={update.error}
          errors={errors}
          onSubmit={(e) => {
            e.preventDefault();
            const v = readToolForm(e.currentTarget, true);
            if (!v.ok) return setErrors(v.errors);
            setErrors({});
            update.mutate(v.data);
          }}
        />
      )}
      {canOperate && <InvokeTool agentId={agentId} tool={tool} />}
      {rotate.data && (
        <CopyOnce
          value={rotate.data.secret}
          label="New signing secret: copy it now, it will not be shown again. Your server checks X-Orbis-Signature with it."
        />
      )}
      <ErrorBanner error={remove.error ?? rotate.error} />
    </li>
  );
}

export function AgentTools() {
  const { id = "" } = useParams();
  const agent = useAgent(id);
  const tools = useAgentTools(id);
  const canConfigure = useCan("admin");
  const canOperate = useCan("staff");
  return (
    <>
      <PageHeader
        title={agent.data ? `HTTP tools · ${agent.data.name}` : "HTTP tools"}
        subtitle="Your own endpoints the agent can call mid-conversation: each request is signed with the tool’s secret (X-Orbis-Signature)."
        actions={
          <Link className="text-sm text-brand-700 underline" to={`/dashboard/agents/${id}`}>
            Back to the agent
          </Link>
        }
      />
      {agent.error ? (
        <ErrorBanner error={agent.error} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          {canConfigure && <CreateTool agentId={id} />}
          <Card title="Tools" className="lg:col-span-2">
            {tools.isPending ? (
              <Spinner />
            ) : tools.error ? (
              <ErrorBanner error={tools.error} />
            ) : tools.data.data.length === 0 ? (
              <EmptyState title="No HTTP tools yet">
                {canConfigure ? "Add one to let the agent look things up in your systems." : "An admin can add one."}
              </EmptyState>
            ) : (
              <ul className="divide-y divide-slate-100">
                {tools.data.data.map((t) => (
                  <ToolItem key={t.id} agentId={id} tool={t} canConfigure={canConfigure} canOperate={canOperate} />
                ))}
              </ul>
            )}
          </Card>
        </div>
      )}
    </>
  );
}
