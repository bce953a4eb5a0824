import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { inviteBodySchema, ROLE_RANK, updateWorkspaceBodySchema, type PasswordResetLinkDto, type Role } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { useMembers } from "../../lib/queries.ts";
import { useCan, useMe } from "../../lib/session.tsx";
import { Badge, Button, Card, ErrorBanner, PageHeader, Select, Spinner, TextInput } from "../../components/ui.tsx";
import { CopyOnce } from "./ApiKeys.tsx";

const ROLE_OPTIONS = [
  { value: "admin", label: "Admin: manage agents, keys and members" },
  { value: "staff", label: "Staff: read and operate calls" },
  { value: "viewer", label: "Viewer: read only" },
];

export function Team() {
  const qc = useQueryClient();
  const me = useMe().data;
  const members = useMembers();
  const canManage = useCan("admin");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [link, setLink] = useState<string>();
  const invite = useMutation({
    mutationFn: (body: unknown) => api<{ acceptUrl?: string; token?: string }>("/v1/workspaces/current/invitations", { body }),
    onSuccess: (inv) => setLink(inv.acceptUrl ?? (inv.token ? `${location.origin}/invite?token=${inv.token}` : undefined)),
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => api(`/v1/workspaces/current/members/${userId}`, { method: "PATCH", body: { role } }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["members"] }),
  });
  const [resetFor, setResetFor] = useState<{ name: string; url: string }>();
  const resetLink = useMutation({
    mutationFn: (m: { userId: string; name: string }) => api<PasswordResetLinkDto>("/v1/auth/password-resets", { body: { userId: m.userId } }),
    onSuccess: (made, m) => setResetFor({ name: m.name, url: made.url }),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api(`/v1/workspaces/current/members/${userId}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["members"] }),
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validate(inviteBodySchema, formValues(e.currentTarget));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setLink(undefined);
    invite.mutate(v.data);
  };

  return (
    <>
      <PageHeader title="Team" subtitle="Owner > admin (manage) > staff (operate calls) > viewer (read only)." />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Members" className="lg:col-span-2">
          {members.isPending ? (
            <Spinner />
          ) : members.error ? (
            <ErrorBanner error={members.error} />
          ) : (
            <ul className="divide-y divide-slate-100">
              {members.data.data.map((m) => (
                <li key={m.userId} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                  <div>
                    <p className="font-medium">
                      {m.name} {m.userId === me?.user.id && <Badge>you</Badge>} {m.status === "blocked" && <Badge tone="red">blocked</Badge>}
                    </p>
                    <p className="text-slate-600">{m.email}</p>
                  </div>
                  {canManage && m.role !== "owner" && m.userId !== me?.user.id ? (
                    <div className="flex items-end gap-2">
                      <Select
                        label={`Role of ${m.name}`}
                        value={m.role}
                        onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as Role })}
                        options={ROLE_OPTIONS.map((o) => ({ value: o.value, label: o.value }))}
                      />
                      {me && ROLE_RANK[me.role] > ROLE_RANK[m.role] && (
                        <Button variant="secondary" busy={resetLink.isPending && resetLink.variables?.userId === m.userId} onClick={() => resetLink.mutate(m)}>
                          Password reset link
                        </Button>
                      )}
                      <Button variant="secondary" onClick={() => confirm(`Remove ${m.name} from the workspace?`) && remove.mutate(m.userId)}>
                        Remove
                      </Button>
                    </div>
                  ) : (
                    <Badge tone={m.role === "owner" ? "green" : "slate"}>{m.role}</Badge>
                  )}
                </li>
              ))}
            </ul>
          )}
          <ErrorBanner error={changeRole.error ?? remove.error ?? resetLink.error} />
          {resetFor && (
            <div className="mt-4">
              <CopyOnce value={resetFor.url} label={`Password reset link for ${resetFor.name}: give it to them; it works once, within an hour`} />
            </div>
          )}
        </Card>
        {canManage && (
          <Card title="Invite someone">
            <form onSubmit={onSubmit} className="space-y-4" noValidate>
              <TextInput label="Email" name="email" type="email" error={errors.email} />
              <Select label="Role" name="role" defaultValue="staff" options={ROLE_OPTIONS} error={errors.role} />
              <ErrorBanner error={invite.error} />
              <Button type="submit" busy={invite.isPending}>
                Send invitation
              </Button>
            </form>
            {link && (
              <div className="mt-4">
                <CopyOnce value={link} label="Invitation link (also emailed when email is configured)" />
              </div>
            )}
          </Card>
        )}
      </div>
    </>
  );
}

export function Settings() {
  const qc = useQueryClient();
  const me = useMe().data;
  const canEdit = useCan("admin");
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (body: unknown) => api("/v1/workspaces/current", { method: "PUT", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["me"] }),
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  if (!me) return <Spinner />;
  return (
    <>
      <PageHeader title="Settings" subtitle="Workspace details used in greetings, invitations and call times." />
      <Card title="Workspace" className="max-w-xl">
        <form
          noValidate
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            const v = validate(updateWorkspaceBodySchema, formValues(e.currentTarget));
            if (!v.ok) return setErrors(v.errors);
            setErrors({});
            save.mutate(v.data);
          }}
        >
          <fieldset disabled={!canEdit} className="space-y-4">
            <TextInput label="Workspace name" name="name" defaultValue={me.workspace.name} error={errors.name} />
            <TextInput label="Time zone" name="timezone" defaultValue={me.workspace.timezone} hint="IANA name, e.g. America/New_York" error={errors.timezone} />
          </fieldset>
          <ErrorBanner error={save.error} />
          {save.isSuccess && (
            <p role="status" className="text-sm text-green-800">
              Saved.
            </p>
          )}
          {canEdit && (
            <Button type="submit" busy={save.isPending}>
              Save
            </Button>
          )}
        </form>
      </Card>
      <SmsSettings />
    </>
  );
}

/** The workspace's text messages to callers: one switch, saved at once. The wording is the agent's business copy. */
function SmsSettings() {
  const qc = useQueryClient();
  const me = useMe().data;
  const canEdit = useCan("admin");
  const toggle = useMutation({
    mutationFn: (smsEnabled: boolean) => api("/v1/workspaces/current", { method: "PUT", body: { smsEnabled } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["me"] }),
  });
  if (!me) return null;
  const enabled = toggle.isPending ? toggle.variables : me.workspace.smsEnabled;
  return (
    <Card title="Text messages to callers" className="mt-6 max-w-xl">
      <label className="flex items-start gap-3 text-sm">
        <input type="checkbox" className="mt-1" checked={enabled} disabled={!canEdit || toggle.isPending} onChange={(e) => toggle.mutate(e.target.checked)} />
        <span>
          <span className="font-medium">Text a confirmation after each booking and a reminder 24 hours before it</span>
          <span className="mt-1 block text-slate-600">
            Sent from your Twilio or Telnyx number (the one routed to the agent that booked) to the number the caller gave, using the confirmation and reminder
            wording of the agent&apos;s business details. Callers who reply STOP get no more texts; START turns them back on. Your carrier charges for each
            message.
          </span>
        </span>
      </label>
      <ErrorBanner error={toggle.error} />
    </Card>
  );
}
