import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { forgotPasswordBodySchema } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, validate, type FieldErrors } from "../../lib/forms.ts";
import { Button, ErrorBanner, Spinner, TextInput } from "../../components/ui.tsx";
import { AuthShell } from "./Auth.tsx";

const backToLogin = (
  <Link className="text-brand-700 underline" to="/login">
    Back to log in
  </Link>
);

/** Asks for a reset link by email. The answer is the same whether or not the address has an account. */
export function ForgotPassword() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const m = useMutation({
    mutationFn: (body: unknown) => api("/v1/auth/forgot-password", { body }),
    onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validate(forgotPasswordBodySchema, formValues(e.currentTarget));
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    m.mutate(v.data);
  };
  return (
    <AuthShell title="Forgot your password?" footer={backToLogin}>
      {m.isSuccess ? (
        <p role="status" className="text-sm text-slate-700">
          If an account uses this address, we sent it a link to choose a new password. The link works once, within an hour. Check your spam folder if it does
          not arrive in a few minutes.
        </p>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <p className="text-sm text-slate-700">Enter the email address of your account and we will send you a link to choose a new password.</p>
          <TextInput label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
          <ErrorBanner error={m.error} />
          <Button type="submit" busy={m.isPending} className="w-full">
            Send the reset link
          </Button>
        </form>
      )}
    </AuthShell>
  );
}

/** Opens the link of the verification email: verifies the address once. */
export function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (t: string) => api("/v1/auth/verify-email", { body: { token: t } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["me"] }),
  });
  const { mutate } = m;
  // Once: the link works once, and effects run twice in development.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate(token);
  }, [token, mutate]);
  const footer = (
    <Link className="text-brand-700 underline" to="/dashboard">
      Go to the dashboard
    </Link>
  );
  if (!token) {
    return (
      <AuthShell title="Verify your email" footer={footer}>
        <p className="text-sm text-slate-700">Open the link in the email we sent you. Signed in, you can ask for a new one from the dashboard.</p>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Verify your email" footer={footer}>
      {m.isSuccess ? (
        <p role="status" className="text-sm text-slate-700">
          Thank you: your email address is verified.
        </p>
      ) : m.isError ? (
        <>
          <ErrorBanner error={m.error} />
          <p className="mt-3 text-sm text-slate-700">Signed in, you can ask for a new link from the banner at the top of the dashboard.</p>
        </>
      ) : (
        <Spinner label="Verifying your address" />
      )}
    </AuthShell>
  );
}
