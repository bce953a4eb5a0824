import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { affiliateLoginSchema, affiliateSignupSchema } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import { formValues, type FieldErrors } from "../../lib/forms.ts";
import { validateHuman } from "../../lib/zod-messages.ts";
import { Button, ErrorBanner, TextArea, TextInput } from "../ui.tsx";
import type { AffiliateTerms } from "./affiliate-api.ts";

/** Messages the shared wording does not say well enough for this form. */
const PLAIN: Record<string, string> = {
  acceptTerms: "Accept the affiliate terms to apply",
  website: "Website must be a full address, like https://example.com",
  email: "Email must be an address like name@example.com",
  termsVersion: "The terms changed since this page opened; reload the page to read them",
};

/** The form's values as the API takes them: empty optional fields left out, the checkbox as a boolean. */
function applicationOf(form: HTMLFormElement, termsVersion: string) {
  const v = formValues(form);
  return {
    name: v.name ?? "",
    email: (v.email ?? "").trim(),
    ...(v.website?.trim() ? { website: v.website.trim() } : {}),
    ...(v.promotion?.trim() ? { promotion: v.promotion.trim() } : {}),
    termsVersion,
    acceptTerms: v.acceptTerms === "on",
  };
}

const plainErrors = (errors: FieldErrors): FieldErrors => Object.fromEntries(Object.entries(errors).map(([k, m]) => [k, PLAIN[k] ?? m]));

/** The application: name, email, website, how they will promote, and the terms (scrollable) to accept. */
export function AffiliateSignupForm({ terms }: { terms: AffiliateTerms }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const termsId = useId();
  const m = useMutation({
    mutationFn: (body: unknown) => api("/v1/affiliates/signup", { body }),
    onError: (err) => err instanceof ApiError && setErrors(plainErrors(err.fieldErrors())),
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validateHuman(affiliateSignupSchema, applicationOf(e.currentTarget, terms.version));
    if (!v.ok) return setErrors(plainErrors(v.errors));
    setErrors({});
    m.mutate(v.data);
  };
  if (m.isSuccess) {
    return (
      <div role="status" className="space-y-2">
        <h3 className="text-lg font-semibold text-slate-900">Check your email</h3>
        <p className="text-sm text-slate-700">
          We sent a link to confirm your address. It works once, within 24 hours. Once confirmed, your application goes to review and you can follow it on your
          affiliate dashboard. Check your spam folder if it does not arrive in a few minutes.
        </p>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Apply to the affiliate programme">
      <TextInput label="Name" name="name" autoComplete="name" required error={errors.name} />
      <TextInput label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
      <TextInput label="Website (optional)" name="website" type="url" placeholder="https://" error={errors.website} />
      <TextArea
        label="How you will promote OrbisVoice (optional)"
        name="promotion"
        rows={3}
        hint="Your audience and channels: a newsletter, client work, a blog, videos…"
        error={errors.promotion}
      />
      <div className="space-y-1">
        <p id={termsId} className="text-sm font-medium text-slate-800">
          Affiliate terms (version {terms.version})
        </p>
        <div
          role="region"
          aria-labelledby={termsId}
          tabIndex={0}
          className="max-h-48 overflow-y-auto whitespace-pre-wrap rounded-lg border border-slate-300 bg-slate-50 p-3 text-xs leading-relaxed text-slate-800"
        >
          {terms.text}
        </div>
        <label className="flex items-start gap-2 pt-1 text-sm text-slate-800">
          <input
            type="checkbox"
            name="acceptTerms"
            className="mt-0.5 h-4 w-4"
            aria-invalid={!!errors.acceptTerms}
            aria-describedby={errors.acceptTerms ? `${termsId}-err` : undefined}
          />
          I have read and accept the affiliate terms.
        </label>
        {errors.acceptTerms && (
          <p id={`${termsId}-err`} className="text-sm text-red-700">
            {errors.acceptTerms}
          </p>
        )}
      </div>
      {errors.termsVersion && <ErrorBanner error={errors.termsVersion} />}
      {m.error && !(m.error instanceof ApiError && m.error.status === 422) && <ErrorBanner error={m.error} />}
      <Button type="submit" busy={m.isPending} className="w-full">
        Apply
      </Button>
    </form>
  );
}

/** "Already an affiliate?": a sign-in link by email (the same answer whether or not the address is registered). */
export function AffiliateSignInForm() {
  const [error, setError] = useState<string>();
  const m = useMutation({ mutationFn: (email: string) => api("/v1/affiliates/sign-in", { body: { email } }) });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = validateHuman(affiliateLoginSchema, { email: (formValues(e.currentTarget).email ?? "").trim() });
    if (!v.ok) return setError(PLAIN.email);
    setError(undefined);
    m.mutate(v.data.email);
  };
  if (m.isSuccess) {
    return (
      <p role="status" className="text-sm text-slate-700">
        If this address belongs to a confirmed affiliate, we sent it a sign-in link. It works once, within 30 minutes.
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Sign in to the affiliate dashboard">
      <TextInput label="Affiliate email" name="email" type="email" autoComplete="email" required error={error} />
      <ErrorBanner error={m.error} />
      <Button type="submit" variant="secondary" busy={m.isPending}>
        Email me a sign-in link
      </Button>
    </form>
  );
}
