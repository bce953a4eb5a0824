import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import {
  acceptInviteBodySchema,
  completePasswordResetBodySchema,
  loginBodySchema,
  signupBodySchema,
  type SignInResultDto,
  type TwoFactorChallengeDto,
} from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { Button, ErrorBanner, TextInput } from "../../components/ui.tsx";
import { Logo } from "./PublicLayout.tsx";
import { AuthenticatorSetup, RecoveryCodes } from "../app/Security.tsx";

export function AuthShell({ title, children, footer }: { title: string; children: React.ReactNode; footer?: React.ReactNode }) {
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

const challengeOf = (result: unknown): TwoFactorChallengeDto | undefined =>
  result && typeof result === "object" && "challengeToken" in result ? (result as TwoFactorChallengeDto) : undefined;

/** The second step of a sign-in: a code of the user's authenticator, or enrolling one when the workspace requires it. */
function SecondStep({ challenge, after }: { challenge: TwoFactorChallengeDto; after: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const done = () => {
    qc.removeQueries({ queryKey: ["me"] });
    navigate(after, { replace: true });
  };
  const verify = useMutation({
    mutationFn: (code: string) =>
      api<{ recoveryCodes?: string[] }>(challenge.twoFactor === "code" ? "/v1/auth/login/two-factor" : "/v1/auth/login/two-factor/enable", {
        body: { challengeToken: challenge.challengeToken, code },
      }),
    onSuccess: (session) => (session.recoveryCodes ? setRecoveryCodes(session.recoveryCodes) : done()),
  });
  const setup = useMutation({
    mutationFn: () => api<{ secret: string; otpauthUri: string }>("/v1/auth/login/two-factor/setup", { body: { challengeToken: challenge.challengeToken } }),
  });
  const { mutate: startSetup } = setup;
  // Once: a second setup would replace the secret already shown (effects run twice in development).
  const started = useRef(false);
  useEffect(() => {
    if (challenge.twoFactor !== "enroll" || started.current) return;
    started.current = true;
    startSetup();
  }, [challenge, startSetup]);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    verify.mutate(String(new FormData(e.currentTarget).get("code") ?? "").trim());
  };
  const expired = verify.error instanceof ApiError && verify.error.status === 401 && /expired|completed/.test(verify.error.message);

  if (recoveryCodes) {
    return (
      <AuthShell title="Save your recovery codes">
        <RecoveryCodes codes={recoveryCodes} />
        <Button className="mt-4 w-full" onClick={done}>
          Continue
        </Button>
      </AuthShell>
    );
  }
  return (
    <AuthShell title={challenge.twoFactor === "code" ? "Two-factor sign-in" : "Set up two-factor sign-in"}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {challenge.twoFactor === "code" ? (
          <p className="text-sm text-slate-700">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
        ) : (
          <>
            <p className="text-sm text-slate-700">
              Your workspace requires two-factor sign-in. Add this account to an authenticator app, then enter the code it shows.
            </p>
            {setup.data ? <AuthenticatorSetup {...setup.data} /> : <ErrorBanner error={setup.error} />}
          </>
        )}
        <TextInput label="Authentication code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus />
        <ErrorBanner error={verify.error} />
        {expired && (
          <p className="text-sm">
            <Link to="/login" reloadDocument className="text-brand-700 underline">
              Sign in again
            </Link>
          </p>
        )}
        <Button type="submit" busy={verify.isPending} className="w-full">
          Verify
        </Button>
      </form>
    </AuthShell>
  );
}

export function Login() {
  const [params] = useSearchParams();
  const location = useLocation();
  const after = safeNext(params.get("next"), "/dashboard");
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<FieldErrors>({});
  // A challenge handed over by another page (accepting an invitation) or answered by this one.
  const [challenge, setChallenge] = useState<TwoFactorChallengeDto | undefined>(() =>
    challengeOf((location.state as { challenge?: unknown } | null)?.challenge),
  );
  const m = useMutation({
    mutationFn: (body: unknown) => api<SignInResultDto>("/v1/auth/login", { body }),
    onSuccess: (result) => {
      const second = challengeOf(result);
      if (second) return setChallenge(second);
      qc.removeQueries({ queryKey: ["me"] }); // a cached "logged out" must not reach the guard
      navigate(after, { replace: true });
    },
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validate(loginBodySchema, formValues(e.currentTarget));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    m.mutate(v.data);
  };
  if (challenge) return <SecondStep challenge={challenge} after={after} />;
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
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextInput label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextInput label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <ErrorBanner error={m.error} />
        <Button type="submit" busy={m.isPending} className="w-full">
          Log in
        </Button>
        <p className="text-center text-sm">
          <Link to="/forgot-password" className="text-brand-700 underline">
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
    mutationFn: async (body: { token: string; name?: string; password?: string }): Promise<TwoFactorChallengeDto | boolean> => {
      const accepted = await api<SignInResultDto>("/v1/invitations/accept", { body });
      // The workspace requires two-factor sign-in (or the account has it): the login page takes the second step.
      if ("challengeToken" in accepted) return accepted;
      if (!body.password) return false;
      const login = await api<SignInResultDto>("/v1/auth/login", {
        body: { email: accepted.user.email, password: body.password, workspaceId: accepted.workspace.id },
      });
      return challengeOf(login) ?? true;
    },
    onSuccess: async (result) => {
      qc.removeQueries({ queryKey: ["me"] }); // a cached "logged out" must not reach the guard
      if (typeof result === "object") return navigate("/login?next=%2Fdashboard", { replace: true, state: { challenge: result } });
      navigate(result ? "/dashboard" : "/login?next=%2Fdashboard", { replace: true });
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
          Choose your name and a password. If you already have an account with this email, leave the name empty and enter that account's password.
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
  const [params] = useSearchParams();
  const token = params.get("token");
  const [errors, setErrors] = useState<FieldErrors>({});
  const m = useMutation({
    mutationFn: (body: unknown) => api("/v1/auth/password-resets/complete", { body }),
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const back = (
    <Link className="text-brand-700 underline" to="/login">
      Back to log in
    </Link>
  );
  if (!token) {
    return (
      <AuthShell title="Forgot your password?" footer={back}>
        <p className="text-sm text-slate-700">
          Open the link of the reset email, or{" "}
          <Link className="font-semibold text-brand-700 underline" to="/forgot-password">
            ask for a reset link by email
          </Link>
          . An owner or admin of your workspace can also make one on their <strong>Team</strong> page.
        </p>
      </AuthShell>
    );
  }
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const raw = formValues(e.currentTarget);
    if (raw.password !== raw.confirm) return setErrors({ confirm: "The two passwords are not the same" });
    const v = validate(completePasswordResetBodySchema, { token, password: raw.password });
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    m.mutate(v.data);
  };
  return (
    <AuthShell title="Choose a new password" footer={back}>
      {m.isSuccess ? (
        <p role="status" className="text-sm text-slate-700">
          Your password is changed, and you are signed out everywhere.{" "}
          <Link className="font-semibold text-brand-700 underline" to="/login">
            Log in with the new password
          </Link>
          .
        </p>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <TextInput label="New password" name="password" type="password" autoComplete="new-password" required error={errors.password} />
          <TextInput label="New password again" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
          <ErrorBanner error={m.error} />
          <Button type="submit" busy={m.isPending} className="w-full">
            Set new password
          </Button>
        </form>
      )}
    </AuthShell>
  );
}
