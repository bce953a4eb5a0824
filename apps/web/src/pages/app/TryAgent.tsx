import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { VoiceClient, type CallStatus } from "@orbis/voice-client";
import { useAgent } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { Badge, Button, Card, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";

interface Line {
  role: "user" | "agent" | "tool";
  text: string;
  final: boolean;
}

const STATUS_TONE: Record<CallStatus, "slate" | "green" | "amber" | "red"> = {
  idle: "slate",
  connecting: "amber",
  live: "green",
  reconnecting: "amber",
  ended: "slate",
  error: "red",
};

/** "Try this agent": the same stream client as the widget, authorised by the dashboard session. */
export function TryAgent() {
  const { id = "" } = useParams();
  const agent = useAgent(id);
  const canCall = useCan("staff");
  const [status, setStatus] = useState<CallStatus>("idle");
  const [detail, setDetail] = useState<string>();
  const [micError, setMicError] = useState<string>();
  const [lines, setLines] = useState<Line[]>([]);
  const [callId, setCallId] = useState<string>();
  const [text, setText] = useState("");
  // The draft is what you are editing; callers hear the published version.
  const [mode, setMode] = useState<"draft" | "published">("draft");
  const client = useRef<VoiceClient | null>(null);
  const bottom = useRef<HTMLLIElement>(null);

  useEffect(() => () => client.current?.stop(), []);
  useEffect(() => {
    // Braces matter: scrollIntoView returns a promise in current Chromium, and an effect may return only a cleanup function.
    void bottom.current?.scrollIntoView?.({ block: "nearest" });
  }, [lines]);

  const start = (mic: boolean) => {
    setLines([]);
    setMicError(undefined);
    setDetail(undefined);
    client.current?.stop();
    const raw = new URLSearchParams(location.search).get("processing") === "off";
    client.current = new VoiceClient({
      baseUrl: location.origin,
      agentId: id,
      mode,
      audioProcessing: !raw,
      events: {
        status: (s, d) => {
          setStatus(s);
          setDetail(d);
        },
        ready: setCallId,
        micError: setMicError,
        tool: (name, st) => setLines((ls) => [...ls, { role: "tool", text: `${name}: ${st}`, final: true }]),
        transcript: (role, t, final) =>
          setLines((ls) => {
            const last = ls[ls.length - 1];
            if (last && last.role === role && !last.final) return [...ls.slice(0, -1), { role, text: t, final }];
            return [...ls, { role, text: t, final }];
          }),
      },
    });
    client.current.start({ mic });
  };

  const send = (e: FormEvent) => {
    e.preventDefault();
    if (client.current?.sendText(text)) {
      setText("");
    }
  };

  if (agent.isPending) return <Spinner label="Loading agent" />;
  if (agent.error) return <ErrorBanner error={agent.error} />;
  const active = status === "live" || status === "connecting" || status === "reconnecting";
  const published = agent.data.publishedVersion != null;

  return (
    <>
      <PageHeader
        title={`Try ${agent.data.name}`}
        subtitle={
          mode === "draft"
            ? "You are trying the draft: your latest edits, before callers hear them. Talk through your microphone or type; interrupt it by talking over it."
            : `You are trying version ${agent.data.publishedVersion}: what callers hear on your website and phone line.`
        }
        actions={
          <Link to={`/dashboard/agents/${id}`} className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
            Back to agent
          </Link>
        }
      />
      {!canCall && <ErrorBanner error="Viewers cannot place test calls. Ask an admin for the staff role." />}
      <div role="group" aria-label="Version to try" className="mb-4 inline-flex overflow-hidden rounded-lg ring-1 ring-slate-300">
        {(
          [
            ["draft", "Draft"],
            ["published", published ? `Published (v${agent.data.publishedVersion})` : "Published (none yet)"],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={mode === value}
            disabled={active || (value === "published" && !published)}
            onClick={() => setMode(value)}
            className={`px-3 py-2 text-sm font-medium disabled:opacity-50 ${mode === value ? "bg-brand-600 text-white" : "bg-white text-slate-800 hover:bg-slate-50"}`}
          >
            {label}
          </button>
        ))}
      </div>
      <Card
        title={
          <span className="flex items-center gap-2">
            Live call <Badge tone={STATUS_TONE[status]}>{status}</Badge>
            <Badge tone={mode === "draft" ? "amber" : "green"}>{mode === "draft" ? "draft" : `v${agent.data.publishedVersion}`}</Badge>
            {callId && <span className="font-mono text-xs text-slate-500">{callId}</span>}
          </span>
        }
        actions={
          canCall &&
          (active ? (
            <Button variant="danger" onClick={() => client.current?.stop()}>
              End call
            </Button>
          ) : (
            <div className="flex gap-2">
              <Button onClick={() => start(true)}>Start call with microphone</Button>
              <Button variant="secondary" onClick={() => start(false)}>
                Start typed call
              </Button>
            </div>
          ))
        }
      >
        {detail && (
          <p className={`mb-3 text-sm ${status === "error" ? "text-red-700" : "text-slate-600"}`} role={status === "error" ? "alert" : "status"}>
            {detail}
          </p>
        )}
        {micError && (
          <p className="mb-3 text-sm text-amber-900" role="alert">
            {micError}
          </p>
        )}
        <ol aria-label="Live transcript" aria-live="polite" className="h-80 space-y-2 overflow-y-auto rounded-lg bg-slate-50 p-3">
          {lines.length === 0 && <li className="text-sm text-slate-500">The transcript appears here.</li>}
          {lines.map((l, i) => (
            <li
              key={i}
              data-role={l.role}
              className={`max-w-[85%] rounded-xl px-3 py-2 text-sm ${l.role === "agent" ? "bg-white ring-1 ring-slate-200" : l.role === "user" ? "ml-auto bg-brand-600 text-white" : "mx-auto bg-amber-50 text-xs text-amber-900"} ${l.final ? "" : "opacity-70"}`}
            >
              {l.text}
            </li>
          ))}
          <li ref={bottom} aria-hidden />
        </ol>
        <form onSubmit={send} className="mt-3 flex gap-2">
          <label htmlFor="try-text" className="sr-only">
            Type a message
          </label>
          <input
            id="try-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            disabled={status !== "live"}
            placeholder={status === "live" ? "Type what a caller would say…" : "Start a call first"}
            className="flex-1 rounded-lg border border-slate-400 px-3 py-2 text-sm disabled:bg-slate-100"
            maxLength={2000}
          />
          <Button type="submit" disabled={status !== "live" || !text.trim()}>
            Send
          </Button>
        </form>
        {callId && status === "ended" && (
          <p className="mt-3 text-sm">
            <Link to={`/dashboard/calls/${callId}`} className="text-brand-700 underline">
              Open this call's record
            </Link>
          </p>
        )}
      </Card>
    </>
  );
}
