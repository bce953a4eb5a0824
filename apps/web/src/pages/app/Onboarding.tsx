import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { businessConfigSchema, type AgentDto, type BusinessConfig, type BusinessTemplate, type BusinessTemplateId } from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import type { FieldErrors } from "../../lib/forms.ts";
import { useTemplates } from "../../lib/queries.ts";
import { useMe } from "../../lib/session.tsx";
import { humanApiErrors, validateHuman } from "../../lib/zod-messages.ts";
import { Button, Card, ErrorBanner, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";
import { BusinessFactsFields, browserTimeZone } from "../../components/business/BusinessFactsFields.tsx";
import { ClosuresEditor } from "../../components/business/ClosuresEditor.tsx";
import { FaqsEditor, type FaqRow } from "../../components/business/FaqsEditor.tsx";
import { HoursEditor } from "../../components/business/HoursEditor.tsx";
import { ServicesEditor, type ServiceRow } from "../../components/business/ServicesEditor.tsx";
import { StaffEditor } from "../../components/business/StaffEditor.tsx";
import { TransferEditor } from "../../components/business/TransferEditor.tsx";
import { syncStaffLinks } from "../../components/business/links.ts";
import { Logo } from "../public/PublicLayout.tsx";
import { CopyOnce } from "./ApiKeys.tsx";
import { VOICES } from "./Agents.tsx";

const STEPS = ["Business type", "Your business", "Hours", "Services", "Staff", "FAQs", "Voice and greeting", "Create"] as const;
/** Which business fields each step edits: a validation error sends the user back to its step. */
const STEP_FIELDS: Record<number, string[]> = {
  1: ["name", "timezone", "phone", "email", "website", "address", "country"],
  2: ["hours", "closures"],
  3: ["services"],
  4: ["staff"],
  5: ["faqs"],
  6: ["escalationPhone", "agentName", "greeting"],
};
const STORE = "orbis.onboarding.v2";

/** The business being entered; suggested services and FAQs carry `offered` until confirmed. */
type BusinessDraft = Omit<BusinessConfig, "services" | "faqs"> & { services: ServiceRow[]; faqs: FaqRow[] };

interface Draft {
  step: number;
  templateId?: BusinessTemplateId;
  business: BusinessDraft;
  agentName: string;
  greeting: string;
  greetingEdited: boolean;
  voice: string;
}

interface Done {
  agent: AgentDto;
  key?: string;
}

const greetingFor = (name: string) => `Thanks for calling ${name.trim()}. How can I help you today?`;

function emptyBusiness(name: string): BusinessDraft {
  return { ...businessConfigSchema.parse({ name: "-", timezone: "UTC", hours: {} }), name, timezone: browserTimeZone() };
}

function loadDraft(workspaceName: string): Draft {
  localStorage.removeItem("orbis.onboarding.v1");
  try {
    const d = JSON.parse(localStorage.getItem(STORE) ?? "") as Draft;
    if (typeof d.step === "number" && d.business) return d;
  } catch {
    /* fresh start */
  }
  return { step: 0, business: emptyBusiness(workspaceName), agentName: "", greeting: "", greetingEdited: false, voice: "slt" };
}

/** What is saved: confirmed suggestions only, staff links consistent. */
function finalBusiness(b: BusinessDraft): unknown {
  return syncStaffLinks({
    ...b,
    services: b.services.filter((s) => s.offered !== false).map(({ offered: _o, ...s }) => s),
    faqs: b.faqs.filter((f) => f.offered !== false).map(({ offered: _o, ...f }) => f),
  });
}

function stepOf(errors: FieldErrors): number {
  const keys = Object.keys(errors);
  for (const [step, fields] of Object.entries(STEP_FIELDS)) if (keys.some((k) => fields.includes(k.split(".")[0]!))) return Number(step);
  return 1;
}

/** Onboarding: the user's own business facts, the template's suggestions to confirm, a published agent and a widget key. */
export function Onboarding() {
  const me = useMe();
  if (me.isPending) return <Spinner label="Loading your workspace" />;
  return <Wizard workspaceName={me.data?.workspace.name ?? ""} />;
}

function Wizard({ workspaceName }: { workspaceName: string }) {
  const templates = useTemplates();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => loadDraft(workspaceName));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<string>();
  const [done, setDone] = useState<Done>();
  useEffect(() => {
    if (!done) localStorage.setItem(STORE, JSON.stringify(draft));
  }, [draft, done]);
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const b = draft.business;
  const setBusiness = (patch: Partial<BusinessDraft>) => setDraft((d) => ({ ...d, business: syncStaffLinks({ ...d.business, ...patch }) }));

  const pick = (t: BusinessTemplate) =>
    update({
      templateId: t.id,
      agentName: t.agent.name,
      business: syncStaffLinks({
        ...b,
        hours: structuredClone(t.suggestions.hours),
        closures: structuredClone(t.suggestions.closures),
        services: t.suggestions.services.map((s) => ({ ...s, offered: true })),
        faqs: t.suggestions.faqs.map((f) => ({ ...f, offered: true })),
        booking: t.suggestions.booking,
      }),
    });

  /** Errors of the whole draft, in plain language (keys inside the business; agentName for the agent's name). */
  const check = (): FieldErrors => {
    const v = validateHuman(businessConfigSchema, finalBusiness(b), ["business"]);
    const out: FieldErrors = v.ok ? {} : { ...v.errors };
    if (!draft.agentName.trim()) out.agentName = "Agent name is required";
    return out;
  };

  const create = useMutation({
    mutationFn: async (): Promise<Done> => {
      const business = businessConfigSchema.parse(finalBusiness(b));
      const agent = await api<AgentDto>(`/v1/templates/${draft.templateId}/agents`, {
        body: { name: draft.agentName.trim(), greeting: draft.greeting, voice: draft.voice, business },
      });
      const published = await api<AgentDto>(`/v1/agents/${agent.id}/publish`, { method: "POST", body: {} });
      // The dashboard shows every time in the workspace's zone: the business's own (an admin may set it; others keep the default).
      await api("/v1/workspaces/current", { method: "PUT", body: { timezone: business.timezone } }).catch(() => undefined);
      void qc.invalidateQueries({ queryKey: ["me"] });
      const key = await api<{ key: string }>("/v1/api-keys", {
        body: { name: `${draft.agentName} widget`, kind: "publishable", allowedOrigins: [location.origin] },
      }).catch(() => undefined);
      return { agent: published, key: key?.key };
    },
    onSuccess: (d) => {
      setDone(d);
      localStorage.removeItem(STORE);
      void qc.invalidateQueries({ queryKey: ["agents"] });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 422) {
        const found = humanApiErrors(err.details, ["business"]);
        setErrors(found);
        update({ step: stepOf(found) });
      }
    },
  });

  const goTo = (step: number) => {
    setNotice(undefined);
    if (step === 6 && !draft.greetingEdited) update({ step, greeting: greetingFor(b.name) });
    else update({ step });
  };

  const next = () => {
    if (draft.step === 0 && !draft.templateId) return setNotice("Choose a business type to continue.");
    const all = check();
    const mine = Object.fromEntries(Object.entries(all).filter(([k]) => (STEP_FIELDS[draft.step] ?? []).includes(k.split(".")[0]!)));
    setErrors(mine);
    if (Object.keys(mine).length > 0) return;
    goTo(Math.min(draft.step + 1, STEPS.length - 1));
  };

  const onCreate = () => {
    const all = check();
    setErrors(all);
    if (Object.keys(all).length > 0) return update({ step: stepOf(all) });
    create.mutate();
  };

  const errorList = Object.values(errors);
  const offeredServices = b.services.filter((s) => s.offered !== false);

  return (
    <div className="min-h-screen bg-slate-50">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3">
        <Logo />
        <Link to="/dashboard" className="text-sm text-slate-700 underline">
          Skip for now
        </Link>
      </header>
      <main className="mx-auto max-w-3xl px-4 py-8">
        <h1 className="mb-4 text-2xl font-bold text-slate-900">Set up your agent</h1>
        <ol className="mb-6 flex flex-wrap gap-2 text-xs" aria-label="Steps">
          {STEPS.map((s, i) => (
            <li
              key={s}
              aria-current={i === draft.step ? "step" : undefined}
              className={`rounded-full px-3 py-1 ${i === draft.step ? "bg-brand-600 font-semibold text-white" : i < draft.step ? "bg-brand-100 text-brand-800" : "bg-slate-200 text-slate-700"}`}
            >
              {i + 1}. {s}
            </li>
          ))}
        </ol>
        <Card title={`Step ${draft.step + 1} of ${STEPS.length}: ${STEPS[draft.step]}`}>
          {draft.step === 0 &&
            (templates.isPending ? (
              <Spinner label="Loading templates" />
            ) : templates.error ? (
              <ErrorBanner error={templates.error} />
            ) : (
              <fieldset>
                <legend className="mb-3 text-sm text-slate-700">
                  What kind of business is the agent for? We suggest hours, services and answers to common questions for you to confirm; your agent only says
                  what you confirm.
                </legend>
                <div className="grid gap-3 sm:grid-cols-2">
                  {templates.data.data.map((t) => (
                    <label
                      key={t.id}
                      className={`cursor-pointer rounded-xl border p-4 ${draft.templateId === t.id ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200 hover:border-slate-400"}`}
                    >
                      <input type="radio" name="template" value={t.id} className="sr-only" checked={draft.templateId === t.id} onChange={() => pick(t)} />
                      <span className="block font-semibold">{t.label}</span>
                      <span className="mt-1 block text-sm text-slate-700">{t.description}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ))}

          {draft.step === 1 && (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">Your agent tells callers exactly these details. Leave out anything you don't want said.</p>
              <BusinessFactsFields value={b} onChange={setBusiness} errors={errors} />
            </div>
          )}

          {draft.step === 2 && (
            <div className="space-y-6">
              <p className="text-sm text-slate-700">Suggested hours for your kind of business: change them to yours. Add a second shift for a lunch break.</p>
              <HoursEditor value={b.hours} onChange={(hours) => setBusiness({ hours })} errors={errors} />
              <ClosuresEditor value={b.closures} onChange={(closures) => setBusiness({ closures })} errors={errors} />
            </div>
          )}

          {draft.step === 3 && (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">
                These are the services your agent can describe and book. Untick the suggestions you don't offer and set your own durations and prices.
              </p>
              <ServicesEditor value={b.services} onChange={(services) => setBusiness({ services })} errors={errors} confirming />
            </div>
          )}

          {draft.step === 4 && (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">Who takes appointments, and which services each person does. The agent offers times with them by name.</p>
              <StaffEditor value={b.staff} services={offeredServices} onChange={(staff) => setBusiness({ staff })} errors={errors} />
            </div>
          )}

          {draft.step === 5 && (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">Suggested answers to common questions. Edit them to be true for you, or untick them.</p>
              <FaqsEditor value={b.faqs} onChange={(faqs) => setBusiness({ faqs })} errors={errors} confirming />
            </div>
          )}

          {draft.step === 6 && (
            <div className="space-y-4">
              <TextInput label="Agent name" value={draft.agentName} error={errors.agentName} onChange={(e) => update({ agentName: e.target.value })} />
              <Select label="Voice" value={draft.voice} onChange={(e) => update({ voice: e.target.value })} options={VOICES} />
              <TextArea
                label="Greeting"
                rows={3}
                value={draft.greeting}
                hint="The first thing callers hear. Empty: “Thanks for calling (your business name). How can I help you today?”"
                onChange={(e) => update({ greeting: e.target.value, greetingEdited: true })}
              />
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  const u = new SpeechSynthesisUtterance(draft.greeting || greetingFor(b.name));
                  window.speechSynthesis?.cancel();
                  window.speechSynthesis?.speak(u);
                }}
              >
                ▶ Preview greeting
              </Button>
              <p className="text-xs text-slate-600">The preview uses your browser's voice; calls use the selected agent voice.</p>
              <TransferEditor value={b.escalationPhone} onChange={(escalationPhone) => setBusiness({ escalationPhone })} errors={errors} />
            </div>
          )}

          {draft.step === 7 &&
            (done ? (
              <div className="space-y-4" data-testid="onboarding-done">
                <p className="font-semibold text-green-800">Your agent “{done.agent.name}” is live.</p>
                <p className="text-sm text-slate-700">
                  Callers hear: <q data-testid="agent-greeting">{done.agent.greeting || greetingFor(b.name)}</q>
                </p>
                {done.key ? (
                  <>
                    <p className="text-sm text-slate-700">Paste this before &lt;/body&gt; on your website:</p>
                    <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">{`<script>window.OrbisVoice=window.OrbisVoice||{q:[],init:function(o){this.q.push(["init",o])}};</script>
<script src="${location.origin}/widget.js" async></script>
<script>OrbisVoice.init({ agentId: "${done.agent.id}", apiKey: "${done.key}" });</script>`}</pre>
                    <CopyOnce value={done.key} label="Widget key (allowed on this origin; add your site's origin under API keys)" />
                  </>
                ) : (
                  <p className="text-sm text-slate-700">Create a publishable key under API keys to embed the widget.</p>
                )}
                <p className="text-sm text-slate-700">Phone: connect a Twilio or Telnyx number under Phone numbers when telephony is configured.</p>
                <div className="flex gap-3">
                  <Button onClick={() => navigate(`/dashboard/agents/${done.agent.id}/try`)}>Try this agent</Button>
                  <Button variant="secondary" onClick={() => navigate("/dashboard")}>
                    Go to dashboard
                  </Button>
                </div>
              </div>
            ) : (
              <div className="space-y-3">
                <p className="text-sm text-slate-700">
                  Ready: <strong>{draft.agentName}</strong> for <strong>{b.name}</strong>, {offeredServices.length} services, {b.staff.length} staff,{" "}
                  {b.faqs.filter((f) => f.offered !== false).length} FAQs. Creating it publishes it and makes a widget key for this site.
                </p>
                {create.error && !(create.error instanceof ApiError && create.error.status === 422) && <ErrorBanner error={create.error} />}
                <Button onClick={onCreate} busy={create.isPending}>
                  Create my agent
                </Button>
              </div>
            ))}

          {(notice || errorList.length > 0) && (
            <div role="alert" className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {notice ?? (
                <>
                  <p className="font-medium">Please fix:</p>
                  <ul className="list-disc pl-5">
                    {errorList.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          {!done && (
            <div className="mt-6 flex justify-between">
              <Button variant="secondary" type="button" disabled={draft.step === 0} onClick={() => goTo(draft.step - 1)}>
                Back
              </Button>
              {draft.step < STEPS.length - 1 && (
                <Button type="button" onClick={next}>
                  Next
                </Button>
              )}
            </div>
          )}
        </Card>
      </main>
    </div>
  );
}
