import { useState } from "react";
import { Link } from "react-router";

const PLANS = [
  {
    name: "Starter",
    price: "$299",
    period: "/mo",
    calls: "Up to 250 calls a month",
    features: ["1 voice agent", "Website widget", "Call logs and transcripts", "Appointment booking", "Email support"],
    cta: "Start with Starter",
  },
  {
    name: "Growth",
    price: "$899",
    period: "/mo",
    calls: "Up to 999 calls a month",
    features: ["5 voice agents", "Phone numbers (Twilio, Telnyx)", "Custom HTTP tools", "Team roles and audit log", "Priority support"],
    cta: "Grow with Growth",
    featured: true,
  },
  {
    name: "Custom",
    price: "Let's talk",
    period: "",
    calls: "Unlimited calls, volume pricing",
    features: ["Unlimited agents", "Self-hosting help", "SSO and data residency", "Dedicated success manager"],
    cta: "Contact sales",
  },
];

const FEATURES = [
  ["Answers every call", "Your agent picks up the phone and the website button day and night, in a natural voice, and never puts a caller on hold."],
  ["Books appointments", "It knows your services, staff and opening hours, checks the calendar and books, moves or cancels visits."],
  ["Takes messages", "Anything it cannot handle becomes a message with the caller's name, number and reason, or a transfer to a person."],
  ["Interrupt it like a person", "Callers can talk over the agent: it stops at once and listens (barge-in), with turn-taking tuned per agent."],
  ["Every call on record", "Transcripts with per-turn latency, tool calls and outcomes; recordings when you switch them on."],
  ["Runs anywhere", "Open source and self-hostable: one command starts it with an embedded database and an offline speech stack."],
] as const;

export function Landing() {
  const [demo, setDemo] = useState<"idle" | "loading" | "ready" | "missing">("idle");
  const startDemo = async () => {
    setDemo("loading");
    const cfg = await fetch("/demo/config.json")
      .then((r) => (r.ok ? (r.json() as Promise<{ agentId: string; publishableKey: string }>) : null))
      .catch(() => null);
    if (!cfg) return setDemo("missing");
    const w = window as unknown as { OrbisVoice?: { q?: unknown[][]; init?: (o: unknown) => void; open?: (id?: string) => void } };
    w.OrbisVoice ??= { q: [] };
    const ov = w.OrbisVoice;
    const queue = (m: string, a: unknown) => (ov.init && ov.open ? (m === "init" ? ov.init(a) : ov.open(a as string)) : ov.q?.push([m, a]));
    queue("init", {
      agentId: cfg.agentId,
      apiKey: cfg.publishableKey,
      title: "Riverside Dental (demo)",
      greeting: "Hi! I'm the demo receptionist of Riverside Dental. Ask about opening hours or book a cleaning.",
    });
    queue("open", cfg.agentId);
    if (!document.querySelector("script[data-orbis-widget]")) {
      const s = document.createElement("script");
      s.src = "/widget.js";
      s.async = true;
      s.dataset.orbisWidget = "";
      document.head.append(s);
    }
    setDemo("ready");
  };

  return (
    <>
      <section className="bg-gradient-to-b from-brand-50 to-white">
        <div className="mx-auto grid max-w-6xl gap-10 px-4 py-16 md:grid-cols-2 md:py-24">
          <div>
            <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">AI receptionist for local businesses</p>
            <h1 className="mt-3 text-4xl font-extrabold tracking-tight text-slate-900 md:text-5xl">Never miss a call again.</h1>
            <p className="mt-4 text-lg text-slate-700">
              OrbisVoice builds a voice agent that answers your phone line and talks to visitors on your website: it books appointments, answers questions and
              takes messages, while you get the transcripts.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              <Link to="/signup" className="rounded-lg bg-brand-600 px-5 py-3 font-semibold text-white hover:bg-brand-700">
                Create your agent free
              </Link>
              <button
                type="button"
                onClick={startDemo}
                className="rounded-lg bg-white px-5 py-3 font-semibold text-slate-900 ring-1 ring-slate-300 hover:bg-slate-50"
              >
                {demo === "loading" ? "Starting the demo…" : "Talk to the live demo"}
              </button>
            </div>
            <p className="mt-3 text-sm text-slate-600" role="status">
              {demo === "ready" && "The demo agent is at the bottom right: press Start call and say hello."}
              {demo === "missing" && "No demo agent on this server. Sign up to build your own in five minutes."}
            </p>
          </div>
          <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-lg" aria-label="Example conversation">
            <p className="text-xs font-semibold uppercase text-slate-500">A real call, transcribed</p>
            <ol className="mt-4 space-y-3 text-sm">
              {[
                ["agent", "Riverside Dental, this is Ava. How can I help?"],
                ["user", "Hi, can I book a cleaning next Tuesday?"],
                ["agent", "Sure. I have 9:30 or 2 o'clock with Maria on Tuesday. Which suits you?"],
                ["user", "Two is great."],
                ["agent", "Booked: cleaning, Tuesday at 2 pm. Can I have your name and number for the confirmation?"],
              ].map(([role, text], i) => (
                <li key={i} className={`max-w-[85%] rounded-xl px-3 py-2 ${role === "agent" ? "bg-slate-100" : "ml-auto bg-brand-600 text-white"}`}>
                  {text}
                </li>
              ))}
            </ol>
          </div>
        </div>
      </section>
      <section className="mx-auto max-w-6xl px-4 py-16">
        <h2 className="text-2xl font-bold">What it does</h2>
        <FeatureGrid />
        <div className="mt-10 rounded-2xl bg-slate-900 px-6 py-10 text-center text-white">
          <h2 className="text-2xl font-bold">Your agent, live in five minutes</h2>
          <p className="mt-2 text-slate-300">Pick your business type, check your hours and services, choose a voice, paste one snippet.</p>
          <Link to="/signup" className="mt-6 inline-block rounded-lg bg-white px-5 py-3 font-semibold text-slate-900 hover:bg-slate-100">
            Get started
          </Link>
        </div>
      </section>
    </>
  );
}

function FeatureGrid() {
  return (
    <ul className="mt-6 grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
      {FEATURES.map(([title, text]) => (
        <li key={title} className="rounded-xl border border-slate-200 p-5">
          <h3 className="font-semibold text-slate-900">{title}</h3>
          <p className="mt-2 text-sm text-slate-700">{text}</p>
        </li>
      ))}
    </ul>
  );
}

export function Features() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-14">
      <h1 className="text-3xl font-bold">Features</h1>
      <p className="mt-2 max-w-2xl text-slate-700">
        Everything a front desk does on the phone, with the records a manager wants, on infrastructure you can own.
      </p>
      <FeatureGrid />
      <h2 className="mt-12 text-xl font-bold">Channels</h2>
      <ul className="mt-3 list-disc space-y-1 pl-6 text-slate-700">
        <li>Website: one script tag adds a voice button to any site (≤ 15 KB, isolated styles).</li>
        <li>Phone: connect Twilio or Telnyx numbers; calls stream to the same agent.</li>
        <li>
          API: every setting and record over a documented REST API (
          <a className="text-brand-700 underline" href="/docs">
            /docs
          </a>
          ).
        </li>
      </ul>
    </div>
  );
}

export function Pricing() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-14">
      <h1 className="text-3xl font-bold">Pricing</h1>
      <p className="mt-2 text-slate-700">Simple monthly plans. Self-hosting the open-source edition is free.</p>
      <ul className="mt-8 grid gap-6 md:grid-cols-3">
        {PLANS.map((p) => (
          <li key={p.name} className={`flex flex-col rounded-2xl border p-6 ${p.featured ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}>
            <h2 className="text-lg font-semibold">{p.name}</h2>
            <p className="mt-3">
              <span className="text-3xl font-extrabold">{p.price}</span>
              <span className="text-slate-600">{p.period}</span>
            </p>
            <p className="mt-1 text-sm font-medium text-brand-700">{p.calls}</p>
            <ul className="mt-4 flex-1 space-y-2 text-sm text-slate-700">
              {p.features.map((f) => (
                <li key={f}>✓ {f}</li>
              ))}
            </ul>
            <Link
              to="/signup"
              className={`mt-6 rounded-lg px-4 py-2.5 text-center font-semibold ${p.featured ? "bg-brand-600 text-white hover:bg-brand-700" : "ring-1 ring-slate-300 hover:bg-slate-50"}`}
            >
              {p.cta}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function NotFound() {
  return (
    <div className="mx-auto max-w-3xl px-4 py-20 text-center">
      <h1 className="text-3xl font-bold">Page not found</h1>
      <p className="mt-2 text-slate-700">That page does not exist.</p>
      <Link to="/" className="mt-6 inline-block text-brand-700 underline">
        Go home
      </Link>
    </div>
  );
}
