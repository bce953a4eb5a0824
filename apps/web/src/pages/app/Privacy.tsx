import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { api, ApiError } from "../../lib/api.ts";
import { useCan, useMe, useSignOut } from "../../lib/session.tsx";
import { Button, Card, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../../components/ui.tsx";

/** The tables of an export (`GET /v1/privacy/export?format=csv&table=…`), as the API names them. */
const EXPORT_TABLES: [string, string][] = [
  ["calls", "Calls"],
  ["call_turns", "Call transcripts (turns)"],
  ["appointments", "Appointments"],
  ["messages", "Messages"],
  ["sms_messages", "Text messages"],
  ["agents", "Agents"],
  ["agent_versions", "Agent versions"],
  ["business", "Business details"],
  ["agent_tools", "Agent tools"],
  ["agent_test_scenarios", "Agent test scenarios"],
  ["phone_numbers", "Phone numbers"],
  ["members", "Members"],
  ["invitations", "Invitations"],
  ["api_keys", "API keys"],
  ["webhook_endpoints", "Webhook endpoints"],
  ["credentials", "Provider credentials (hints only)"],
  ["audit_logs", "Audit log"],
  ["workspace", "Workspace"],
];

interface Erasure {
  phone: string;
  removed: Record<
    "calls" | "turns" | "callEvents" | "recordings" | "appointments" | "messages" | "smsMessages" | "events" | "emails" | "campaignContacts",
    number
  >;
  kept: { doNotCall: number };
}

const ERASED_LABELS: [keyof Erasure["removed"], string][] = [
  ["calls", "calls"],
  ["turns", "transcript turns"],
  ["recordings", "recordings"],
  ["appointments", "appointments"],
  ["messages", "messages"],
  ["smsMessages", "text messages"],
  ["callEvents", "carrier events"],
  ["events", "queued notifications"],
  ["emails", "emails"],
  ["campaignContacts", "campaign contacts"],
];

const fieldError = (error: unknown, field: string) => (error instanceof ApiError ? error.fieldErrors()[field] : undefined);
const valueOf = (e: FormEvent<HTMLFormElement>, name: string) => String(new FormData(e.currentTarget).get(name) ?? "");

function RetentionCard() {
  const qc = useQueryClient();
  const canEdit = useCan("admin");
  const settings = useQuery({ queryKey: ["privacy-settings"], queryFn: () => api<{ retentionDays: number }>("/v1/privacy/settings") });
  const save = useMutation({
    mutationFn: (retentionDays: number) => api<{ retentionDays: number }>("/v1/privacy/settings", { method: "PUT", body: { retentionDays } }),
    onSuccess: (data) => qc.setQueryData(["privacy-settings"], data),
  });
  return (
    <Card title="Retention">
      {settings.isPending ? (
        <Spinner />
      ) : settings.error ? (
        <ErrorBanner error={settings.error} />
      ) : (
        <form
          className="space-y-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(Number(valueOf(e, "retentionDays")));
          }}
        >
          <p className="text-slate-700">
            Call transcripts and recordings older than this are deleted every night. The calls themselves stay in your history and usage (time, duration, cost),
            without what was said.
          </p>
          <div className="flex flex-wrap items-end gap-2">
            <TextInput
              label="Keep transcripts and recordings for (days)"
              name="retentionDays"
              type="number"
              min={1}
              max={3650}
              required
              defaultValue={settings.data.retentionDays}
              disabled={!canEdit}
              error={fieldError(save.error, "retentionDays")}
              hint="From 1 to 3650 days; 365 is one year."
            />
            {canEdit && (
              <Button type="submit" busy={save.isPending}>
                Save
              </Button>
            )}
          </div>
          {save.isSuccess && <p role="status">Saved: {save.data.retentionDays} days.</p>}
          {!(save.error instanceof ApiError && save.error.status === 422) && <ErrorBanner error={save.error} />}
        </form>
      )}
    </Card>
  );
}

function ExportCard() {
  const [table, setTable] = useState("calls");
  return (
    <Card title="Export your data">
      <div className="space-y-3 text-sm">
        <p className="text-slate-700">
          Everything this workspace holds, as one JSON file: agents, calls with transcripts, appointments, messages, members, the audit log. Secrets (passwords,
          API keys, tool secrets) are never included. Each download is recorded in the audit log.
        </p>
        <a className="inline-flex rounded-lg bg-brand-600 px-3.5 py-2 font-semibold text-white hover:bg-brand-700" href="/v1/privacy/export" download>
          Download everything (JSON)
        </a>
        <div className="flex flex-wrap items-end gap-2">
          <Select
            label="One table as CSV"
            value={table}
            onChange={(e) => setTable(e.target.value)}
            options={EXPORT_TABLES.map(([value, label]) => ({ value, label }))}
          />
          <a
            className="inline-flex rounded-lg px-3.5 py-2 font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            href={`/v1/privacy/export?format=csv&table=${encodeURIComponent(table)}`}
            download
          >
            Download CSV
          </a>
        </div>
      </div>
    </Card>
  );
}

function EraseCallerCard() {
  const erase = useMutation({ mutationFn: (phone: string) => api<Erasure>("/v1/privacy/erase-caller", { body: { phone } }) });
  return (
    <Card title="Erase a caller">
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const phone = valueOf(e, "phone").trim();
          if (phone && confirm(`Delete every call, recording, transcript, appointment and message of ${phone}? This cannot be undone.`)) erase.mutate(phone);
        }}
      >
        <p className="text-slate-700">
          When a caller asks you to delete their data: their calls (with transcripts and recordings), appointments, messages and text messages are deleted. The
          audit log keeps that an erasure happened, not the number.
        </p>
        <div className="flex flex-wrap items-end gap-2">
          <TextInput label="Caller's phone number" name="phone" type="tel" placeholder="+14155550100" required error={fieldError(erase.error, "phone")} />
          <Button type="submit" variant="danger" busy={erase.isPending}>
            Erase
          </Button>
        </div>
        {!(erase.error instanceof ApiError && erase.error.status === 422) && <ErrorBanner error={erase.error} />}
        {erase.data && (
          <div role="status" className="rounded-lg border border-green-300 bg-green-50 p-3" data-testid="erase-result">
            <p className="font-semibold text-green-900">Erased the data of {erase.data.phone}:</p>
            <ul className="mt-1 grid grid-cols-2 gap-x-4 sm:grid-cols-3">
              {ERASED_LABELS.map(([key, label]) => (
                <li key={key}>
                  {erase.data.removed[key]} {label}
                </li>
              ))}
            </ul>
            {erase.data.kept.doNotCall > 0 && (
              <p className="mt-1 text-sm text-green-900">Kept on the do-not-call list, so the number is never called again (its note removed).</p>
            )}
          </div>
        )}
      </form>
    </Card>
  );
}

function DangerZone() {
  const me = useMe().data;
  const isOwner = useCan("owner");
  const navigate = useNavigate();
  const signOut = useSignOut();
  const qc = useQueryClient();
  const leave = async () => {
    navigate("/login", { replace: true });
    await signOut();
    qc.clear();
  };
  const deleteWorkspace = useMutation({
    mutationFn: (confirmName: string) => api("/v1/workspace", { method: "DELETE", body: { confirm: confirmName } }),
    onSuccess: leave,
  });
  const deleteAccount = useMutation({
    mutationFn: (password: string) => api<{ deletedWorkspaces: string[] }>("/v1/me", { method: "DELETE", body: { password } }),
    onSuccess: leave,
  });
  if (!me) return null;
  return (
    <Card title="Danger zone" className="border-red-300">
      <div className="space-y-6 text-sm">
        {isOwner && (
          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              deleteWorkspace.mutate(valueOf(e, "confirm"));
            }}
          >
            <h3 className="font-semibold text-red-800">Delete this workspace</h3>
            <p className="text-slate-700">
              Deletes <strong>{me.workspace.name}</strong> and everything in it — agents, calls, recordings, appointments, messages, members' access — for
              everyone. Export your data first if you need it.
            </p>
            <div className="flex flex-wrap items-end gap-2">
              <TextInput
                label={`Type the workspace's name (${me.workspace.name}) to confirm`}
                name="confirm"
                autoComplete="off"
                required
                error={fieldError(deleteWorkspace.error, "confirm")}
              />
              <Button type="submit" variant="danger" busy={deleteWorkspace.isPending}>
                Delete workspace
              </Button>
            </div>
            {!(deleteWorkspace.error instanceof ApiError && deleteWorkspace.error.status === 422) && <ErrorBanner error={deleteWorkspace.error} />}
          </form>
        )}
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (confirm("Delete your account? You will be signed out everywhere.")) deleteAccount.mutate(valueOf(e, "password"));
          }}
        >
          <h3 className="font-semibold text-red-800">Delete my account</h3>
          <p className="text-slate-700">
            Deletes your login ({me.user.email}) and removes you from every workspace. Workspaces where you are the only member are deleted with it. If you are
            the only owner of a workspace others belong to, make one of them an owner first.
          </p>
          <div className="flex flex-wrap items-end gap-2">
            <TextInput
              label="Your password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              error={fieldError(deleteAccount.error, "password")}
            />
            <Button type="submit" variant="danger" busy={deleteAccount.isPending}>
              Delete my account
            </Button>
          </div>
          {!(deleteAccount.error instanceof ApiError && deleteAccount.error.status === 422) && <ErrorBanner error={deleteAccount.error} />}
        </form>
      </div>
    </Card>
  );
}

/** Data & privacy: retention, export, erasing a caller, deleting the workspace or one's account. */
export function Privacy() {
  const isOwner = useCan("owner");
  const isAdmin = useCan("admin");
  return (
    <div className="space-y-6">
      <PageHeader title="Data & privacy" subtitle="How long call data is kept, your data export, and deleting data on request." />
      <RetentionCard />
      {isOwner && <ExportCard />}
      {isAdmin && <EraseCallerCard />}
      <DangerZone />
    </div>
  );
}
