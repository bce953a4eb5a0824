import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { acceptInviteBodySchema, loginBodySchema, signupBodySchema } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { Button, ErrorBanner, TextInput } from "../../components/ui.tsx";
import { Logo } from "./PublicLayout.tsx";

function AuthShell({ title, children, footer }: { title: string; children: React.ReactNode; footer?: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-slate-50 px-4 py-10">
      <Logo />
      <div className="mt-6 w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-5 text-xl font-bold">{title}</h1>
        {children}
      </div>
      {footer && <div className="mt-4 text-sm text-slate-700">{footer}</div>}
    </div>
  );
}

/** Only same-app paths: an open redirect through ?next= would be a phishing aid. */
const safeNext = (next: string | null, fallback: string) => (next && next.startsWith("/") && !next.startsWith("//") ? next : fallback);

function useAuthSubmit<S extends Parameters<typeof validate>[0]>(schema: S, path: string, after: string) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<FieldErrors>({});
  const m = useMutation({
    mutationFn: (body: unknown) => api(path, { body }),
    onSuccess: async () => {
      qc.removeQueries({ queryKey: ["me"] }); // a cached "logged out" must not reach the guard
      navigate(after, { replace: true });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>, extra: Record<string, unknown> = {}) => {
    e.preventDefault();
    const v = validate(schema, { ...formValues(e.currentTarget), ...extra });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    m.mutate(v.data);
  };
  return { onSubmit, errors, m };
}

export function Login() {
  const [params] = useSearchParams();
  const { onSubmit, errors, m } = useAuthSubmit(loginBodySchema, "/v1/auth/login", safeNext(params.get("next"), "/dashboard"));
  return (
    <AuthShell
      title="Log in"
      footer={
        <>
          New here?{" "}
          <Link className="font-semibold text-brand-700 underline" to="/signup">
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={(e) => onSubmit(e)} className="space-y-4" noValidate>
        <TextInput label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextInput label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <ErrorBanner error={m.error} />
        <Button type="submit" busy={m.isPending} className="w-full">
          Log in
        </Button>
        <p className="text-center text-sm">
          <Link to="/reset-password" className="text-brand-700 underline">
            Forgot your password?
          </Link>
        </p>
      </form>
    </AuthShell>
  );
}

export function Signup() {
  const { onSubmit, errors, m } = useAuthSubmit(signupBodySchema, "/v1/auth/signup", "/onboarding");
  return (
    <AuthShell
      title="Create your account"
      footer={
        <>
          Already have one?{" "}
          <Link className="font-semibold text-brand-700 underline" to="/login">
            Log in
          </Link>
        </>
      }
    >
      <form onSubmit={(e) => onSubmit(e)} className="space-y-4" noValidate>
        <TextInput label="Your name" name="name" autoComplete="name" required error={errors.name} />
        <TextInput label="Business name" name="workspaceName" autoComplete="organization" required error={errors.workspaceName} />
        <TextInput label="Work email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextInput
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters."
          error={errors.password}
        />
        <ErrorBanner error={m.error} />
        <Button type="submit" busy={m.isPending} className="w-full">
          Create account
        </Button>
      </form>
    </AuthShell>
  );
}

export function AcceptInvite() {
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<FieldErrors>({});
  // The accept response carries a session but sets no cookie: log in with the new password to get one.
  const m = useMutation({
    mutationFn: async (body: { token: string; name?: string; password?: string }) => {
      const session = await api<{ user: { email: string }; workspace: { id: string } }>("/v1/invitations/accept", { body });
      if (!body.password) return false;
      await api("/v1/auth/login", { body: { email: session.user.email, password: body.password, workspaceId: session.workspace.id } });
      return true;
    },
    onSuccess: async (loggedIn) => {
      qc.removeQueries({ queryKey: ["me"] }); // a cached "logged out" must not reach the guard
      navigate(loggedIn ? "/dashboard" : "/login?next=%2Fdashboard", { replace: true });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const raw = formValues(e.currentTarget);
    const v = validate(acceptInviteBodySchema, {
      token: params.get("token") ?? "",
      ...(raw.name ? { name: raw.name } : {}),
      ...(raw.password ? { password: raw.password } : {}),
    });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    m.mutate(v.data);
  };
  return (
    <AuthShell title="Join your team">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <p className="text-sm text-slate-700">
          Choose your name and a password. If you already have an account with this email, leave them empty and log in afterwards.
        </p>
        <TextInput label="Your name" name="name" autoComplete="name" error={errors.name} />
        <TextInput label="Password" name="password" type="password" autoComplete="new-password" error={errors.password} />
        {errors.token && <ErrorBanner error="This invitation link is incomplete; open the link from your email again." />}
        <ErrorBanner error={m.error} />
        <Button type="submit" busy={m.isPending} className="w-full">
          Accept invitation
        </Button>
      </form>
    </AuthShell>
  );
}

export function ResetPassword() {
  const [sent, setSent] = useState(false);
  return (
    <AuthShell
      title="Reset your password"
      footer={
        <Link className="text-brand-700 underline" to="/login">
          Back to log in
        </Link>
      }
    >
      {sent ? (
        <p role="status" className="text-sm text-slate-700">
          Password reset by email is not enabled on this server yet. Ask an owner or admin of your workspace to invite you again; the invitation lets you set a
          new password.
        </p>
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            setSent(true);
          }}
        >
          <TextInput label="Email" name="email" type="email" autoComplete="email" required />
          <Button type="submit" className="w-full">
            Send reset link
          </Button>
        </form>
      )}
    </AuthShell>
  );
}
