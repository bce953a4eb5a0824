import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { agentConfigSchema, businessConfigSchema, WEEKDAYS, type AgentDto, type BusinessConfig, type BusinessTemplate, type Weekday } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { validate } from "../../lib/forms.ts";
import { useTemplates } from "../../lib/queries.ts";
import { Button, Card, ErrorBanner, Select, Spinner, TextArea, TextInput } from "../../components/ui.tsx";
import { Logo } from "../public/PublicLayout.tsx";
import { CopyOnce } from "./ApiKeys.tsx";
import { VOICES } from "./Agents.tsx";

const STEPS = ["Business type", "Details and hours", "Services", "Voice and greeting", "Connect"] as const;
const STORE = "orbis.onboarding.v1";

interface Draft {
  step: number;
  templateId?: string;
  business?: BusinessConfig;
  agentName: string;
  greeting: string;
  voice: string;
  systemPrompt: string;
}

const DAY_LABEL: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

function loadDraft(): Draft {
  try {
    const d = JSON.parse(localStorage.getItem(STORE) ?? "") as Draft;
    if (typeof d.step === "number") return d;
  } catch {
    /* fresh start */
  }
  return { step: 0, agentName: "", greeting: "", voice: "slt", systemPrompt: "" };
}

interface Done {
  agent: AgentDto;
  key?: string;
}

/** Five resumable steps (kept in localStorage) ending with a published agent and a widget key. */
export function Onboarding() {
  const templates = useTemplates();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(loadDraft);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<Done>();
  useEffect(() => {
    localStorage.setItem(STORE, JSON.stringify(draft));
  }, [draft]);
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const b = draft.business;
  const updateBusiness = (patch: Partial<BusinessConfig>) => b && update({ business: { ...b, ...patch } });

  const pick = (t: BusinessTemplate) =>
    update({
      templateId: t.id,
      business: structuredClone(t.business),
      agentName: t.agent.name,
      greeting: t.agent.greeting,
      systemPrompt: t.agent.systemPrompt,
    });

  const create = useMutation({
    mutationFn: async (): Promise<Done> => {
      const business = validate(businessConfigSchema, b);
      if (!business.ok)
        throw new Error(
          `Business details: ${Object.entries(business.errors)
            .map(([k, m]) => `${k} ${m}`)
            .join("; ")}`,
        );
      const config = validate(agentConfigSchema, {
        name: draft.agentName,
        greeting: draft.greeting,
        voice: draft.voice,
        systemPrompt: draft.systemPrompt,
        business: business.data,
      });
      if (!config.ok)
        throw new Error(
          Object.entries(config.errors)
            .map(([k, m]) => `${k}: ${m}`)
            .join("; "),
        );
      const agent = await api<AgentDto>("/v1/agents", { body: config.data });
      await api(`/v1/agents/${agent.id}/business`, { method: "PUT", body: business.data });
      const published = await api<AgentDto>(`/v1/agents/${agent.id}/publish`, { method: "POST", body: {} });
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
  });

  const next = () => {
    setError(undefined);
    if (draft.step === 0 && !draft.templateId) return setError("Choose a business type to continue.");
    if (draft.step === 1 && !b?.name.trim()) return setError("Enter your business name.");
    if (draft.step === 3 && !draft.agentName.trim()) return setError("Give your agent a name.");
    update({ step: Math.min(draft.step + 1, STEPS.length - 1) });
  };

  return (
    <div className="min-h-screen bg-slate-50">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3">
        <Logo />
        <Link to="/dashboard" className="text-sm text-slate-700 underline" onClick={() => localStorage.setItem(STORE, JSON.stringify(draft))}>
          Skip for now
        </Link>
      </header>
      <div className="mx-auto max-w-3xl px-4 py-8">
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
        <Card title={`Step ${draft.step + 1} of 5: ${STEPS[draft.step]}`}>
          {draft.step === 0 &&
            (templates.isPending ? (
              <Spinner label="Loading templates" />
            ) : templates.error ? (
              <ErrorBanner error={templates.error} />
            ) : (
              <fieldset>
                <legend className="mb-3 text-sm text-slate-700">What kind of business is the agent for? You can change everything later.</legend>
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

          {draft.step === 1 && b && (
            <div className="space-y-4">
              <div className="grid gap-4 sm:grid-cols-2">
                <TextInput label="Business name" value={b.name} onChange={(e) => updateBusiness({ name: e.target.value })} />
                <TextInput label="Phone" value={b.phone} onChange={(e) => updateBusiness({ phone: e.target.value })} />
                <TextInput label="Time zone" value={b.timezone} onChange={(e) => updateBusiness({ timezone: e.target.value })} hint="e.g. America/Chicago" />
                <TextInput label="Website" value={b.website} onChange={(e) => updateBusiness({ website: e.target.value })} />
              </div>
              <fieldset>
                <legend className="mb-2 text-sm font-medium">Opening hours</legend>
                <div className="space-y-2">
                  {WEEKDAYS.map((day) => {
                    const first = b.hours[day][0];
                    const set = (v: { open: string; close: string } | undefined) => updateBusiness({ hours: { ...b.hours, [day]: v ? [v] : [] } });
                    return (
                      <div key={day} className="flex flex-wrap items-center gap-3 text-sm">
                        <span className="w-24">{DAY_LABEL[day]}</span>
                        <label className="flex items-center gap-1">
                          <input type="checkbox" checked={!!first} onChange={(e) => set(e.target.checked ? { open: "09:00", close: "17:00" } : undefined)} />{" "}
                          Open
                        </label>
                        {first && (
                          <>
                            <input
                              aria-label={`${DAY_LABEL[day]} opens`}
                              type="time"
                              value={first.open}
                              onChange={(e) => set({ ...first, open: e.target.value })}
                              className="rounded border border-slate-400 px-2 py-1"
                            />
                            <span>to</span>
                            <input
                              aria-label={`${DAY_LABEL[day]} closes`}
                              type="time"
                              value={first.close}
                              onChange={(e) => set({ ...first, close: e.target.value })}
                              className="rounded border border-slate-400 px-2 py-1"
                            />
                          </>
                        )}
                      </div>
                    );
                  })}
                </div>
              </fieldset>
            </div>
          )}

          {draft.step === 2 && b && (
            <div className="space-y-3">
              <p className="text-sm text-slate-700">
                These are the services your agent can describe and book. Edit names, durations and prices, or remove the ones you do not offer.
              </p>
              {b.services.map((s, i) => {
                const setService = (patch: Partial<typeof s>) => updateBusiness({ services: b.services.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
                return (
                  <div key={s.id} className="grid items-end gap-2 rounded-lg border border-slate-200 p-3 sm:grid-cols-[2fr_1fr_1fr_auto]">
                    <TextInput label="Service" value={s.name} onChange={(e) => setService({ name: e.target.value })} />
                    <TextInput label="Minutes" type="number" value={s.durationMin} onChange={(e) => setService({ durationMin: Number(e.target.value) })} />
                    <TextInput
                      label="Price ($)"
                      type="number"
                      value={s.priceCents == null ? "" : s.priceCents / 100}
                      onChange={(e) => setService({ priceCents: e.target.value === "" ? null : Math.round(Number(e.target.value) * 100) })}
                    />
                    <Button
                      variant="secondary"
                      type="button"
                      onClick={() =>
                        updateBusiness({
                          services: b.services.filter((_, j) => j !== i),
                          staff: b.staff.map((st) => ({ ...st, serviceIds: st.serviceIds.filter((x) => x !== s.id) })),
                        })
                      }
                    >
                      Remove
                    </Button>
                  </div>
                );
              })}
              {b.services.length === 0 && <p className="text-sm text-slate-600">No bookable services: the agent will answer questions and take messages.</p>}
            </div>
          )}

          {draft.step === 3 && (
            <div className="space-y-4">
              <TextInput label="Agent name" value={draft.agentName} onChange={(e) => update({ agentName: e.target.value })} />
              <Select label="Voice" value={draft.voice} onChange={(e) => update({ voice: e.target.value })} options={VOICES} />
              <TextArea label="Greeting" rows={3} value={draft.greeting} onChange={(e) => update({ greeting: e.target.value })} />
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  const u = new SpeechSynthesisUtterance(draft.greeting || "Hello!");
                  window.speechSynthesis?.cancel();
                  window.speechSynthesis?.speak(u);
                }}
              >
                ▶ Preview greeting
              </Button>
              <p className="text-xs text-slate-600">The preview uses your browser's voice; calls use the selected agent voice.</p>
            </div>
          )}

          {draft.step === 4 &&
            (done ? (
              <div className="space-y-4" data-testid="onboarding-done">
                <p className="font-semibold text-green-800">Your agent “{done.agent.name}” is live.</p>
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
                  Ready: <strong>{draft.agentName}</strong> for <strong>{b?.name}</strong>, {b?.services.length ?? 0} services. Creating it publishes it and
                  makes a widget key for this site.
                </p>
                <ErrorBanner error={create.error} />
                <Button onClick={() => create.mutate()} busy={create.isPending}>
                  Create my agent
                </Button>
              </div>
            ))}

          {error && (
            <div className="mt-4">
              <ErrorBanner error={error} />
            </div>
          )}
          {!done && (
            <div className="mt-6 flex justify-between">
              <Button variant="secondary" type="button" disabled={draft.step === 0} onClick={() => update({ step: draft.step - 1 })}>
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
      </div>
    </div>
  );
}
