import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { VoiceClient, type CallStatus } from "@orbis/voice-client";
import { practiceSessionDetailSchema, type PracticeSessionDetailDto } from "@orbis/contracts";
import { api } from "../../../lib/api.ts";
import { formatDateTime, useWorkspaceZone } from "../../../lib/time.ts";
import { Badge, Button, Card, ErrorBanner, Spinner } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { PracticeReport } from "../../../components/practice/PracticeReport.tsx";
import {
  END_REASON_LABEL,
  SCENARIO_TYPE_LABEL,
  clock,
  dialInOf,
  forgetDialIn,
  forgetSessionToken,
  sessionKey,
  sessionToken,
  usePracticeSession,
  useScenario,
} from "../../../components/practice/practice-api.ts";

interface Line {
  speaker: "rep" | "prospect";
  text: string;
  final: boolean;
}

/** After the stream closes, how long the gateway gets to finish (score) the session before the page ends it itself. */
const SETTLE_MS = 4_000;

const endSession = async (id: string) =>
  practiceSessionDetailSchema.parse(await api(`/v1/practice/sessions/${encodeURIComponent(id)}/end`, { method: "POST", body: {} }));

/** The live rehearsal: the voice stream with the session's one-use token, the transcript as it happens, the time left, End. */
function LivePractice({ session, onSettled }: { session: PracticeSessionDetailDto; onSettled: () => void }) {
  const qc = useQueryClient();
  const scenario = useScenario(session.scenarioId);
  const [status, setStatus] = useState<CallStatus>("idle");
  const [detail, setDetail] = useState<string>();
  const [micError, setMicError] = useState<string>();
  const [lines, setLines] = useState<Line[]>([]);
  const [liveAt, setLiveAt] = useState<number>();
  const [now, setNow] = useState(() => Date.now());
  const [text, setText] = useState("");
  const [endError, setEndError] = useState<unknown>();
  const [ending, setEnding] = useState(false);
  const [token] = useState(() => sessionToken(session.id));
  const client = useRef<VoiceClient | null>(null);
  const settling = useRef(false);
  const bottom = useRef<HTMLLIElement>(null);

  /** The stream is over: give the gateway a moment to score the session, then end it from here if it is still live. */
  const settle = useCallback(() => {
    if (settling.current) return;
    settling.current = true;
    setEnding(true);
    setEndError(undefined);
    forgetSessionToken(session.id);
    void (async () => {
      const deadline = Date.now() + SETTLE_MS;
      try {
        for (;;) {
          const current = practiceSessionDetailSchema.parse(await api(`/v1/practice/sessions/${encodeURIComponent(session.id)}`));
          if (current.status !== "live") {
            qc.setQueryData(sessionKey(session.id), current);
            break;
          }
          if (Date.now() >= deadline) {
            qc.setQueryData(sessionKey(session.id), await endSession(session.id));
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        onSettled();
      } catch (err) {
        setEndError(err);
        setEnding(false);
        settling.current = false;
      }
    })();
  }, [qc, session.id, onSettled]);

  useEffect(() => {
    if (!token) return;
    // Deferred a tick: React's development double mount would otherwise open (and end) the stream twice with a one-use token.
    const timer = setTimeout(() => {
      const raw = new URLSearchParams(location.search).get("processing") === "off";
      client.current = new VoiceClient({
        baseUrl: location.origin,
        agentId: session.id,
        token,
        // The token opens one stream: a reconnect could not use it again.
        maxReconnects: 0,
        audioProcessing: !raw,
        events: {
          status: (s, d) => {
            setStatus(s);
            setDetail(d);
            if (s === "ended" || s === "error") settle();
          },
          ready: () => {
            forgetSessionToken(session.id);
            setLiveAt(Date.now());
          },
          micError: setMicError,
          transcript: (role, t, final) =>
            setLines((ls) => {
              const speaker = role === "user" ? "rep" : "prospect";
              const last = ls[ls.length - 1];
              if (last && last.speaker === speaker && !last.final) return [...ls.slice(0, -1), { speaker, text: t, final }];
              return [...ls, { speaker, text: t, final }];
            }),
        },
      });
      client.current.start({ mic: true });
    }, 0);
    return () => {
      clearTimeout(timer);
      client.current?.stop();
      client.current = null;
    };
  }, [token, session.id, settle]);

  useEffect(() => {
    if (liveAt === undefined || status !== "live") return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [liveAt, status]);

  useEffect(() => {
    void bottom.current?.scrollIntoView?.({ block: "nearest" });
  }, [lines]);

  const limit = scenario.data?.timeLimitSec;
  const left = limit === undefined ? undefined : liveAt === undefined ? limit : limit - (now - liveAt) / 1000;
  const connected = status === "live" || status === "connecting" || status === "reconnecting";

  const end = () => {
    if (client.current && connected) client.current.stop();
    else settle();
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (client.current?.sendText(text)) setText("");
  };

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Live practice <Badge tone={status === "live" ? "green" : status === "error" ? "red" : "amber"}>{status === "idle" ? "waiting" : status}</Badge>
        </span>
      }
      actions={
        <div className="flex items-center gap-3">
          {left !== undefined && (
            <p role="timer" aria-label="Time left" className={`font-mono text-lg ${left < 60 ? "text-red-700" : "text-slate-900"}`}>
              {clock(left)}
            </p>
          )}
          <Button variant="danger" onClick={end} busy={ending}>
            End practice
          </Button>
        </div>
      }
    >
      {!token && (
        <p className="mb-3 text-sm text-slate-700" role="status">
          This session was opened in another tab or its connection was lost, and cannot be rejoined. End it to see what was scored.
        </p>
      )}
      {scenario.data && (
        <p className="mb-3 text-sm text-slate-700">
          Your goal: <strong>{scenario.data.goal}</strong>
        </p>
      )}
      {detail && (
        <p className={`mb-3 text-sm ${status === "error" ? "text-red-700" : "text-slate-600"}`} role={status === "error" ? "alert" : "status"}>
          {END_REASON_LABEL[detail] ?? detail}
        </p>
      )}
      {micError && (
        <p className="mb-3 text-sm text-amber-900" role="alert">
          {micError}
        </p>
      )}
      <ErrorBanner error={endError} />
      <ol aria-label="Live transcript" aria-live="polite" className="h-80 space-y-2 overflow-y-auto rounded-lg bg-slate-50 p-3">
        {lines.length === 0 && <li className="text-sm text-slate-600">The conversation appears here. The prospect answers first; then it's your turn.</li>}
        {lines.map((l, i) => (
          <li
            key={i}
            data-role={l.speaker}
            className={`max-w-[85%] rounded-xl px-3 py-2 text-sm ${l.speaker === "prospect" ? "bg-white ring-1 ring-slate-200" : "ml-auto bg-brand-600 text-white"} ${l.final ? "" : "opacity-70"}`}
          >
            <span className="sr-only">{l.speaker === "rep" ? "You: " : `${session.personaName}: `}</span>
            {l.text}
          </li>
        ))}
        <li ref={bottom} aria-hidden />
      </ol>
      <form onSubmit={send} className="mt-3 flex gap-2">
        <label htmlFor="practice-text" className="sr-only">
          Type what you would say
        </label>
        <input
          id="practice-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={status !== "live"}
          placeholder={status === "live" ? "Or type what you would say…" : "Typing works once connected"}
          className="flex-1 rounded-lg border border-slate-400 px-3 py-2 text-sm disabled:bg-slate-100"
          maxLength={2000}
        />
        <Button type="submit" variant="secondary" disabled={status !== "live" || !text.trim()}>
          Send
        </Button>
      </form>
    </Card>
  );
}

/** How often a session by phone is read while it is live (its dial-in status, then its end). */
const PHONE_POLL_MS = 2_000;

const PHONE_STATE_LABEL = {
  waiting: "Waiting for your call",
  connected: "On the call",
  expired: "The code expired",
} as const;

/**
 * A session by phone: the practice line's number and the one-use code (from the tab that started it),
 * the time left to dial in, and where the call stands — polled until the session ends (the report follows).
 */
function PhonePractice({ session }: { session: PracticeSessionDetailDto }) {
  const qc = useQueryClient();
  const phone = session.phone!;
  const [dialIn] = useState(() => dialInOf(session.id));
  const [now, setNow] = useState(() => Date.now());
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<unknown>();
  usePracticeSession(session.id, PHONE_POLL_MS);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const expiresAt = phone.codeExpiresAt ? Date.parse(phone.codeExpiresAt) : undefined;
  const left = expiresAt === undefined ? undefined : Math.max(0, (expiresAt - now) / 1000);
  // The countdown reaches zero before the next poll says so.
  const state = phone.state === "waiting" && left === 0 ? "expired" : phone.state;
  const number = phone.number ?? dialIn?.number;

  const end = async () => {
    setEnding(true);
    setEndError(undefined);
    try {
      qc.setQueryData(sessionKey(session.id), await endSession(session.id));
      forgetDialIn(session.id);
    } catch (err) {
      setEndError(err);
    } finally {
      setEnding(false);
    }
  };

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Practice by phone{" "}
          <Badge tone={state === "connected" ? "green" : state === "expired" ? "red" : "amber"}>
            <span role="status">{PHONE_STATE_LABEL[state]}</span>
          </Badge>
        </span>
      }
      actions={
        <Button variant="danger" onClick={() => void end()} busy={ending}>
          End practice
        </Button>
      }
    >
      <ErrorBanner error={endError} />
      {state === "waiting" && (
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            Call{" "}
            {number ? (
              <a href={`tel:${number}`} className="font-mono text-lg font-semibold text-brand-800 underline">
                {number}
              </a>
            ) : (
              "the practice line"
            )}{" "}
            and key in your code when asked:
          </p>
          {dialIn ? (
            <p aria-label="Your practice code" className="font-mono text-4xl font-bold tracking-[0.4em] text-slate-900">
              {dialIn.code}
            </p>
          ) : (
            <p>The code was shown in the tab that started this session. End this one and start again for a new code.</p>
          )}
          {left !== undefined && (
            <p>
              The code works once, for{" "}
              <span role="timer" aria-label="Code expires in" className="font-mono font-semibold">
                {clock(left)}
              </span>{" "}
              more.
            </p>
          )}
        </div>
      )}
      {state === "connected" && (
        <p className="text-sm text-slate-700">You're on the call with {session.personaName}. Hang up when you're done: your score appears here.</p>
      )}
      {state === "expired" && <p className="text-sm text-slate-700">Nobody dialled in with this code in time. End this session and start a new one.</p>}
    </Card>
  );
}

/** One practice session: live while it runs (from the tab that started it), the report once it has ended. */
export function PracticeSession() {
  const { id = "" } = useParams();
  const zone = useWorkspaceZone();
  const qc = useQueryClient();
  const session = usePracticeSession(id);
  const onSettled = useCallback(() => void qc.invalidateQueries({ queryKey: ["practice", "dashboard"] }), [qc]);

  if (session.isPending) return <Spinner label="Loading the session" />;
  if (session.error) {
    return (
      <PracticeShell title="Practice session">
        <ErrorBanner error={session.error} />
      </PracticeShell>
    );
  }
  const s = session.data;
  return (
    <PracticeShell
      title={`${s.scenarioName} with ${s.personaName}`}
      subtitle={
        <>
          {SCENARIO_TYPE_LABEL[s.scenarioType]} · started {formatDateTime(s.startedAt, zone)}
          {s.userName && <> · {s.userName}</>}
          {s.endReason && <> · {END_REASON_LABEL[s.endReason] ?? s.endReason}</>}
        </>
      }
      actions={
        <Link to="/dashboard/practice" className="rounded-lg px-3.5 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
          Practise again
        </Link>
      }
    >
      {s.status !== "live" ? (
        <PracticeReport session={s} zone={zone} />
      ) : s.phone ? (
        <PhonePractice session={s} />
      ) : (
        <LivePractice session={s} onSettled={onSettled} />
      )}
    </PracticeShell>
  );
}
