import { useEffect, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { NotFound } from "./content.tsx";

/** Guides for the people who set OrbisVoice up: the first steps, the widget, the phone lines, tools, the API. */
interface Guide {
  slug: string;
  title: string;
  summary: string;
  body: ReactNode;
}

function Code({ children }: { children: string }) {
  return (
    <pre className="my-3 overflow-x-auto rounded-lg bg-slate-900 p-4 text-sm text-slate-100">
      <code>{children}</code>
    </pre>
  );
}

const Step = ({ children }: { children: ReactNode }) => <li className="pl-1">{children}</li>;
const Steps = ({ children }: { children: ReactNode }) => <ol className="my-3 list-decimal space-y-2 pl-6">{children}</ol>;
const H2 = ({ children }: { children: ReactNode }) => <h2 className="mt-8 text-xl font-semibold text-slate-900">{children}</h2>;
const Mono = ({ children }: { children: ReactNode }) => <code className="rounded bg-slate-100 px-1 py-0.5 text-sm">{children}</code>;

const GUIDES: Guide[] = [
  {
    slug: "quick-start",
    title: "Quick start",
    summary: "Run OrbisVoice, create your business's agent and hear it answer — in about ten minutes, with no API keys.",
    body: (
      <>
        <H2>Run it</H2>
        <p>On a machine with Node.js 20:</p>
        <Code>{`npm install\nnpm start`}</Code>
        <p>
          That starts everything on one port (<Mono>http://localhost:3000</Mono>) with an embedded database and an offline speech stack, so no key or external
          service is needed. Set <Mono>DATABASE_URL</Mono> and <Mono>REDIS_URL</Mono> to use PostgreSQL and Redis instead.
        </p>
        <H2>Set up your business</H2>
        <Steps>
          <Step>
            <Link className="underline" to="/signup">
              Create an account
            </Link>{" "}
            with your business's name.
          </Step>
          <Step>
            Onboarding asks for what callers need: address, opening hours, services, staff, FAQs and a number to transfer to. A template only suggests; nothing
            reaches a caller until you confirm it.
          </Step>
          <Step>
            Open the agent and press <strong>Try this agent</strong>: talk to it in the browser or type. The dashboard runs your draft.
          </Step>
          <Step>
            Press <strong>Publish</strong>. Callers on your website and your phone line hear the published version only.
          </Step>
        </Steps>
        <H2>Next</H2>
        <p>
          Put the agent on your website (
          <Link className="underline" to="/guides/embed-widget">
            embed the widget
          </Link>
          ) or on your phone line (
          <Link className="underline" to="/guides/twilio">
            Twilio
          </Link>
          ,{" "}
          <Link className="underline" to="/guides/telnyx">
            Telnyx
          </Link>
          ).
        </p>
      </>
    ),
  },
  {
    slug: "embed-widget",
    title: "Embed the widget on your website",
    summary: "One script tag adds a voice button to any page; visitors talk or type to your agent.",
    body: (
      <>
        <Steps>
          <Step>
            In <strong>Dashboard → API keys</strong>, create a <em>publishable</em> key (<Mono>pk_…</Mono>) and list your site's origin, e.g.{" "}
            <Mono>https://www.example.com</Mono>. Calls from any other origin are refused.
          </Step>
          <Step>
            Copy the agent's id from its page (<Mono>agt_…</Mono>).
          </Step>
          <Step>Add this before the closing body tag of your pages:</Step>
        </Steps>
        <Code>{`<script>window.OrbisVoice=window.OrbisVoice||{q:[],init:function(o){this.q.push(["init",o])}};</script>
<script src="https://YOUR-ORBISVOICE-HOST/widget.js" async></script>
<script>OrbisVoice.init({ agentId: "agt_…", apiKey: "pk_…" });</script>`}</Code>
        <p>
          Options: <Mono>position</Mono> (<Mono>bottom-right</Mono> or <Mono>bottom-left</Mono>), <Mono>color</Mono>, <Mono>title</Mono>, <Mono>greeting</Mono>.
          The widget asks the visitor's consent before it opens the microphone, lives in a shadow root (your CSS cannot break it) and reconnects by itself after
          a network drop.
        </p>
      </>
    ),
  },
  {
    slug: "twilio",
    title: "Connect a Twilio number",
    summary: "Point a Twilio number at OrbisVoice and your agent answers it.",
    body: (
      <>
        <p>
          Your OrbisVoice server must be reachable by Twilio over https: set <Mono>PUBLIC_BASE_URL</Mono> to that address (signatures are checked against it).
        </p>
        <Steps>
          <Step>
            In <strong>Dashboard → Phone numbers</strong>, enter your Twilio Account SID and Auth Token (stored encrypted), then add the number in E.164 form (
            <Mono>+12125550100</Mono>) and choose the agent that answers it.
          </Step>
          <Step>
            In the Twilio console, open the number and set <em>A call comes in</em> to Webhook, HTTP POST:
            <Code>{`https://YOUR-ORBISVOICE-HOST/v1/telephony/twilio/voice`}</Code>
            and the <em>status callback</em> to:
            <Code>{`https://YOUR-ORBISVOICE-HOST/v1/telephony/twilio/status`}</Code>
          </Step>
          <Step>Call the number. The call appears in Calls with its transcript; bookings and messages appear where the agent put them.</Step>
        </Steps>
        <p>
          Every webhook is checked against Twilio's signature; the audio stream is accepted only with a one-call token, so nobody else can use your agent's
          line.
        </p>
      </>
    ),
  },
  {
    slug: "telnyx",
    title: "Connect a Telnyx number",
    summary: "Use a Telnyx Call Control application to send calls to your agent.",
    body: (
      <>
        <Steps>
          <Step>
            In the Telnyx portal, create a Call Control application whose webhook URL is:
            <Code>{`https://YOUR-ORBISVOICE-HOST/v1/telephony/telnyx/webhook`}</Code>
            and assign your number to it.
          </Step>
          <Step>
            In <strong>Dashboard → Phone numbers</strong>, enter your Telnyx API key and the account's public key (Telnyx signs its webhooks with it), then add
            the number and choose its agent.
          </Step>
          <Step>Call the number: OrbisVoice answers through Call Control and streams the audio both ways.</Step>
        </Steps>
        <p>Webhooks are checked against the Ed25519 signature and rejected when older than five minutes; a retried delivery is applied once.</p>
      </>
    ),
  },
  {
    slug: "http-tools",
    title: "HTTP tools: let the agent call your systems",
    summary: "Give an agent a tool that calls your own API — look up an order, check a stock level, open a ticket.",
    body: (
      <>
        <p>
          A tool has a name, a description the agent reads to decide when to use it, a JSON Schema for its arguments, and the URL it calls. Create one on the
          agent's <strong>HTTP tools</strong> page in the dashboard, or with the API:
        </p>
        <Code>{`POST /v1/agents/agt_…/tools
{
  "name": "order_status",
  "description": "Look up an order's delivery status by its number",
  "args": { "type": "object", "properties": { "orderNumber": { "type": "string" } }, "required": ["orderNumber"] },
  "url": "https://api.example.com/orders/status",
  "method": "POST"
}`}</Code>
        <p>
          The answer includes a signing secret, shown once. Every request carries <Mono>X-Orbis-Signature: t=…,v1=…</Mono>: an HMAC-SHA256 of{" "}
          <Mono>{"<t>.<body>"}</Mono> with that secret. Check it, and reject timestamps older than five minutes.
        </p>
        <p>
          Tools reach public addresses only: loopback, private and link-local addresses are refused unless the operator sets{" "}
          <Mono>ALLOW_PRIVATE_NETWORK_TOOLS=true</Mono>. Redirects are not followed. Run a tool from its page (or{" "}
          <Mono>POST /v1/agents/agt_…/tools/tool_…/invoke</Mono>) before you publish to see what your service replied. Publishing refuses an agent whose tool
          URL cannot be called.
        </p>
      </>
    ),
  },
  {
    slug: "api",
    title: "The REST API",
    summary: "Everything the dashboard does, you can do over HTTP with an API key.",
    body: (
      <>
        <p>
          Create a <em>secret</em> key (<Mono>sk_…</Mono>) in <strong>Dashboard → API keys</strong> and send it as <Mono>Authorization: Bearer sk_…</Mono>.
          Every error has the same shape:
        </p>
        <Code>{`{ "error": { "code": "validation_failed", "message": "…", "details": [ … ] } }`}</Code>
        <p>
          Lists are paged with <Mono>limit</Mono> and an opaque <Mono>cursor</Mono> (<Mono>nextCursor</Mono> in the answer). The full reference, with every
          operation and schema, is generated from the code:{" "}
          <a className="underline" href="/docs">
            API reference
          </a>{" "}
          (OpenAPI document at{" "}
          <a className="underline" href="/openapi.json">
            /openapi.json
          </a>
          ).
        </p>
      </>
    ),
  },
];

export function Guides() {
  useEffect(() => {
    document.title = "Guides · OrbisVoice";
  }, []);
  return (
    <div className="mx-auto max-w-3xl px-4 py-14">
      <h1 className="text-3xl font-bold">Guides</h1>
      <p className="mt-2 text-lg text-slate-700">Set up OrbisVoice, put your agent on your website and your phone line, and connect it to your systems.</p>
      <ul className="mt-8 space-y-6">
        {GUIDES.map((g) => (
          <li key={g.slug}>
            <h2 className="text-xl font-semibold">
              <Link to={`/guides/${g.slug}`} className="hover:underline">
                {g.title}
              </Link>
            </h2>
            <p className="mt-1 text-slate-700">{g.summary}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function GuidePage() {
  const { slug } = useParams();
  const guide = GUIDES.find((g) => g.slug === slug);
  useEffect(() => {
    document.title = guide ? `${guide.title} · OrbisVoice` : "Guide not found · OrbisVoice";
  }, [guide]);
  if (!guide) return <NotFound />;
  return (
    <article className="mx-auto max-w-3xl px-4 py-14 text-slate-800">
      <h1 className="text-3xl font-bold text-slate-900">{guide.title}</h1>
      <p className="mt-2 text-lg text-slate-700">{guide.summary}</p>
      <div className="mt-4 leading-relaxed">{guide.body}</div>
      <Link to="/guides" className="mt-10 inline-block text-brand-700 underline">
        ← All guides
      </Link>
    </article>
  );
}
