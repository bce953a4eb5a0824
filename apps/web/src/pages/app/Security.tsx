import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { changePasswordBodySchema, type TwoFactorStatusDto, type UserSessionDto, type WorkspaceDto } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { useCan, useMe, useSignOut } from "../../lib/session.tsx";
import { formatDateTime, useWorkspaceZone } from "../../lib/time.ts";
import { Badge, Button, Card, ErrorBanner, PageHeader, Spinner, TextInput } from "../../components/ui.tsx";
import { NotificationPreferencesCard } from "./EmailSettings.tsx";

/** A new authenticator: the otpauth link (opens the app on a phone) and the key to type by hand. */
export function AuthenticatorSetup({ secret, otpauthUri }: { secret: string; otpauthUri: string }) {
  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm">
      <p>
        <a className="font-semibold text-brand-700 underline" href={otpauthUri}>
          Open in your authenticator app
        </a>{" "}
        or add an account by hand with this key (time-based, 6 digits):
      </p>
      <code data-testid="totp-secret" className="block break-all rounded bg-white px-2 py-1 font-mono text-sm tracking-wider ring-1 ring-slate-200">
        {secret.match(/.{1,4}/g)?.join(" ")}
      </code>
    </div>
  );
}

/** Recovery codes, shown once: each signs in once in place of a code. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-lg border border-green-300 bg-green-50 p-3 text-sm" role="status">
      <p className="font-semibold text-green-900">Recovery codes: store them somewhere safe. They are shown only now; each works once.</p>
      <ul data-testid="recovery-codes" className="mt-2 grid grid-cols-2 gap-1 font-mono">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <Button
        type="button"
        variant="secondary"
        className="mt-2"
        onClick={async () => {
          await navigator.clipboard?.writeText(codes.join("\n")).catch(() => {});
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}

const codeOf = (e: FormEvent<HTMLFormElement>) => String(new FormData(e.currentTarget).get("code") ?? "").trim();

function TwoFactorCard() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ["two-factor"], queryFn: () => api<TwoFactorStatusDto>("/v1/auth/two-factor") });
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: ["two-factor"] }), qc.invalidateQueries({ queryKey: ["me"] })]);
  const setup = useMutation({ mutationFn: () => api<{ secret: string; otpauthUri: string }>("/v1/auth/two-factor/setup", { body: {} }) });
  const enable = useMutation({
    mutationFn: (code: string) => api<{ recoveryCodes: string[] }>("/v1/auth/two-factor/enable", { body: { code } }),
    onSuccess: (r) => {
      setRecoveryCodes(r.recoveryCodes);
      setup.reset();
      return refresh();
    },
  });
  const disable = useMutation({ mutationFn: (code: string) => api("/v1/auth/two-factor/disable", { body: { code } }), onSuccess: refresh });

  if (status.isPending) return <Spinner />;
  if (status.error) return <ErrorBanner error={status.error} />;
  const s = status.data;
  return (
    <Card title="Two-factor sign-in" actions={s.enabled ? <Badge tone="green">on</Badge> : <Badge tone="amber">off</Badge>}>
      <div className="space-y-4 text-sm">
        {recoveryCodes && <RecoveryCodes codes={recoveryCodes} />}
        {s.enabled ? (
          <>
            <p className="text-slate-700">
              Signing in asks for a code from your authenticator app. {s.recoveryCodesLeft} recovery code{s.recoveryCodesLeft === 1 ? "" : "s"} left.
            </p>
            {s.requiredByWorkspace && (
              <p className="text-slate-700">Your workspace requires it: turned off, you will be asked to set it up again at your next sign-in.</p>
            )}
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                disable.mutate(codeOf(e));
              }}
            >
              <TextInput label="Code (or a recovery code) to turn it off" name="code" autoComplete="one-time-code" />
              <Button type="submit" variant="secondary" busy={disable.isPending}>
                Turn off
              </Button>
            </form>
            <ErrorBanner error={disable.error} />
          </>
        ) : setup.data ? (
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              enable.mutate(codeOf(e));
            }}
          >
            <AuthenticatorSetup {...setup.data} />
            <TextInput label="Code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" />
            <ErrorBanner error={enable.error} />
            <Button type="submit" busy={enable.isPending}>
              Turn on
            </Button>
          </form>
        ) : (
          <>
            <p className="text-slate-700">
              Protect your account with a time-based code from an authenticator app (Google Authenticator, 1Password, Aegis…) as well as your password.
            </p>
            <ErrorBanner error={setup.error} />
            <Button onClick={() => setup.mutate()} busy={setup.isPending}>
              Set up
            </Button>
          </>
        )}
      </div>
    </Card>
  );
}

/** Browser and system in a few words, from a user agent string. */
function deviceOf(userAgent: string) {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "";
  const system = /Windows/.test(userAgent)
    ? "Windows"
    : /Android/.test(userAgent)
      ? "Android"
      : /iPhone|iPad/.test(userAgent)
        ? "iOS"
        : /Mac OS/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : "";
  return [browser, system].filter(Boolean).join(" on ") || userAgent.slice(0, 60);
}

function SessionsCard() {
  const qc = useQueryClient();
  const zone = useWorkspaceZone();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: () => api<{ data: UserSessionDto[] }>("/v1/auth/sessions") });
  const end = useMutation({
    mutationFn: (id: string) => api(`/v1/auth/sessions/${id}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["sessions"] }),
  });
  const everywhere = useMutation({
    mutationFn: () => api("/v1/auth/sessions/revoke-all", { body: {} }),
    onSuccess: async () => {
      // This session ended too: leave the guarded pages first, like "Log out".
      navigate("/login", { replace: true });
      await signOut();
    },
  });
  return (
    <Card
      title="Where you are signed in"
      actions={
        <Button variant="secondary" busy={everywhere.isPending} onClick={() => confirm("Sign out of every session, this one included?") && everywhere.mutate()}>
          Sign out everywhere
        </Button>
      }
    >
      {sessions.isPending ? (
        <Spinner />
      ) : sessions.error ? (
        <ErrorBanner error={sessions.error} />
      ) : (
        <ul className="divide-y divide-slate-100">
          {sessions.data.data.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
              <div>
                <p className="font-medium">
                  {deviceOf(s.userAgent)} {s.current && <Badge tone="green">this session</Badge>}
                </p>
                <p className="text-slate-600">
                  {s.workspaceName} · {s.ip ?? "unknown address"} · signed in {formatDateTime(s.createdAt, zone)} · last seen{" "}
                  {formatDateTime(s.lastSeenAt, zone)}
                </p>
              </div>
              {!s.current && (
                <Button variant="secondary" busy={end.isPending && end.variables === s.id} onClick={() => end.mutate(s.id)}>
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorBanner error={end.error ?? everywhere.error} />
    </Card>
  );
}

/** Owners only: every member must use two-factor sign-in. */
function WorkspaceRequirementCard({ workspace }: { workspace: WorkspaceDto }) {
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (required: boolean) => api<WorkspaceDto>("/v1/workspaces/current/two-factor", { method: "PUT", body: { required } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["me"] }),
  });
  return (
    <Card title="Workspace">
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={workspace.requireTwoFactor}
          disabled={save.isPending}
          onChange={(e) => save.mutate(e.target.checked)}
        />
        <span>Require two-factor sign-in for every member of {workspace.name}. Members without it are asked to set it up at their next sign-in.</span>
      </label>
      <div className="mt-3">
        <ErrorBanner error={save.error} />
      </div>
    </Card>
  );
}

function ChangePasswordCard() {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation({
    mutationFn: (body: unknown) => api<{ sessionsEnded: number }>("/v1/auth/password", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sessions"] }),
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const raw = formValues(form);
    if (raw.newPassword !== raw.confirm) return setErrors({ confirm: "The two new passwords are not the same" });
    const v = validate(changePasswordBodySchema, { currentPassword: raw.currentPassword, newPassword: raw.newPassword });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    change.mutate(v.data, { onSuccess: () => form.reset() });
  };
  return (
    <Card title="Password">
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3" noValidate aria-label="Change password">
        <TextInput label="Current password" name="currentPassword" type="password" autoComplete="current-password" error={errors.currentPassword} />
        <TextInput label="New password" name="newPassword" type="password" autoComplete="new-password" error={errors.newPassword} />
        <TextInput label="New password again" name="confirm" type="password" autoComplete="new-password" error={errors.confirm} />
        <div className="sm:col-span-3">
          {change.error && !Object.keys(errors).length && <ErrorBanner error={change.error} />}
          {change.data && (
            <p role="status" className="mb-2 text-sm text-green-800">
              Password changed.{" "}
              {change.data.sessionsEnded ? `Your ${change.data.sessionsEnded} other session(s) were signed out.` : "No other session was signed in."}
            </p>
          )}
          <Button type="submit" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function Security() {
  const me = useMe().data;
  const isOwner = useCan("owner");
  if (!me) return <Spinner />;
  return (
    <>
      <PageHeader title="Security" subtitle="Your password, two-factor sign-in and the sessions signed in to your account." />
      <div className="grid max-w-3xl gap-6">
        <ChangePasswordCard />
        <TwoFactorCard />
        <SessionsCard />
        <NotificationPreferencesCard />
        {isOwner && <WorkspaceRequirementCard workspace={me.workspace} />}
      </div>
    </>
  );
}
