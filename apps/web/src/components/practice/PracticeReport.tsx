import type { PracticeScore, PracticeSessionDetailDto } from "@orbis/contracts";
import { formatTimeWithSeconds } from "../../lib/time.ts";
import { Badge, Card, EmptyState } from "../ui.tsx";

const pct = (ratio: number) => `${Math.round(ratio * 100)} %`;
const one = (n: number) => (Math.round(n * 10) / 10).toLocaleString("en-US");
const offset = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

export const scoreTone = (score: number) => (score >= 75 ? "green" : score >= 50 ? "amber" : "red");

function Tile({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 text-lg font-semibold text-slate-900" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="text-xs text-slate-600">{hint}</dd>}
    </div>
  );
}

function MetricTiles({ metrics }: { metrics: PracticeScore["metrics"] }) {
  return (
    <dl className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
      <Tile testId="metric-talk-ratio" label="You talked" value={pct(metrics.talkRatio)} hint="of the talking time; 40–60 % listens well" />
      <Tile testId="metric-longest-monologue" label="Longest monologue" value={`${one(metrics.longestMonologueSec)} s`} />
      <Tile testId="metric-questions" label="Questions open / closed" value={`${metrics.questionsOpen} / ${metrics.questionsClosed}`} />
      <Tile testId="metric-fillers" label="Filler words per minute" value={one(metrics.fillerPerMinute)} />
      <Tile testId="metric-wpm" label="Words per minute" value={String(Math.round(metrics.wordsPerMinute))} />
      <Tile testId="metric-objections" label="Objections handled / raised" value={`${metrics.objectionsHandled} / ${metrics.objectionsRaised}`} />
      <Tile testId="metric-interruptions" label="Interruptions you / prospect" value={`${metrics.interruptionsByRep} / ${metrics.interruptionsByProspect}`} />
      <Tile testId="metric-next-step" label="Next step" value={metrics.nextStepSecured ? "Secured" : "Not secured"} />
    </dl>
  );
}

/** The transcript of a session: who spoke, when (minutes into the call and the time of day in the workspace's zone), what. */
function PracticeTranscript({ session, zone, prospectName }: { session: PracticeSessionDetailDto; zone: string; prospectName: string }) {
  if (session.turns.length === 0) return <EmptyState title="Nothing was said in this session" />;
  const start = Date.parse(session.startedAt);
  return (
    <ol aria-label="Transcript" className="space-y-2">
      {session.turns.map((t) => (
        <li key={t.seq} data-role={t.speaker} className={`flex gap-3 text-sm ${t.speaker === "rep" ? "" : "rounded-lg bg-slate-50"} p-2`}>
          <div className="w-28 shrink-0 text-xs text-slate-600">
            <p className="font-semibold text-slate-900">{t.speaker === "rep" ? "You" : prospectName}</p>
            <p>
              <time dateTime={new Date(start + t.atMs).toISOString()} title={formatTimeWithSeconds(new Date(start + t.atMs), zone)}>
                {offset(t.atMs)}
              </time>
              {t.interrupted && <span className="ml-1 text-amber-900">(cut off)</span>}
            </p>
          </div>
          <p className="min-w-0 flex-1 text-slate-800">{t.text}</p>
        </li>
      ))}
    </ol>
  );
}

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 1 ? 4 : 2)}`;

/** The session's recording: a player (the api redirects to a short-lived signed URL), or why there is none. */
function PracticeRecording({ session }: { session: PracticeSessionDetailDto }) {
  const { recording } = session;
  if (recording.state === "available" && recording.url)
    return (
      <audio
        className="w-full"
        controls
        preload="none"
        src={recording.url}
        data-testid="practice-recording"
        aria-label="Session recording (you left, prospect right)"
      />
    );
  const why =
    recording.state === "off"
      ? "Recording is off for this workspace: this session was not recorded."
      : session.transcriptPurgedAt
        ? "The recording and transcript were deleted by the workspace's retention period."
        : session.status === "live"
          ? "The recording is available when the session has ended."
          : "No recording is available for this session.";
  return (
    <p className="text-sm text-slate-600" data-testid="practice-recording-none">
      {why}
    </p>
  );
}

/** What the session was charged at the workspace's practice price, and the price it started with. */
function PracticeCharge({ session }: { session: PracticeSessionDetailDto }) {
  if (session.pricePerMinuteUsd === null) return null;
  return (
    <span data-testid="session-charge">
      {" "}
      Charged {session.chargeUsd === null ? "when it ends" : usd(session.chargeUsd)} at {usd(session.pricePerMinuteUsd)} a minute (the price when it started).
    </span>
  );
}

/** A finished session: overall score, metrics, every scored item with why and quotes, coaching, recording, transcript, cost. */
export function PracticeReport({ session, zone }: { session: PracticeSessionDetailDto; zone: string }) {
  const score = session.score;
  return (
    <div className="space-y-6">
      {score ? (
        <>
          <Card title="Score">
            <div className="flex flex-wrap items-center gap-6">
              <p className="text-5xl font-bold text-slate-900" data-testid="overall-score" aria-label={`Overall score ${Math.round(score.overall)} out of 100`}>
                {Math.round(score.overall)}
                <span className="text-lg font-medium text-slate-500">/100</span>
              </p>
              <div className="text-sm text-slate-700">
                <p>
                  {session.durationSec !== null && <>Lasted {offset(session.durationSec * 1000)}. </>}
                  {session.costUsd !== null && (
                    <span data-testid="session-cost">Cost ${session.costUsd.toFixed(session.costUsd > 0 && session.costUsd < 1 ? 4 : 2)}.</span>
                  )}
                  <PracticeCharge session={session} />
                </p>
              </div>
            </div>
            <div className="mt-4" role="group" aria-label="Call metrics">
              <MetricTiles metrics={score.metrics} />
            </div>
          </Card>
          <Card title="What was scored">
            <ul className="space-y-4" aria-label="Scored items">
              {score.items.map((item) => (
                <li key={item.key} className="border-b border-slate-100 pb-3 last:border-0">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
                    {item.label} <Badge tone={scoreTone(item.score)}>{Math.round(item.score)}/100</Badge>
                    <span className="text-xs font-normal text-slate-600">weight {item.weight}</span>
                  </p>
                  <p className="mt-1 text-sm text-slate-700">{item.explanation}</p>
                  {item.quotes.length > 0 && (
                    <ul className="mt-1 space-y-1" aria-label={`Quotes for ${item.label}`}>
                      {item.quotes.map((q, i) => (
                        <li key={i}>
                          <blockquote className="border-l-2 border-slate-300 pl-2 text-sm italic text-slate-700">“{q}”</blockquote>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </Card>
          {score.coaching.length > 0 && (
            <Card title="Coaching">
              <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800" aria-label="Coaching tips">
                {score.coaching.map((tip, i) => (
                  <li key={i}>{tip}</li>
                ))}
              </ul>
            </Card>
          )}
        </>
      ) : (
        <EmptyState title="No score for this session">
          {session.status === "abandoned" ? "The session ended before you said anything." : "The score appears when the session has ended."}
        </EmptyState>
      )}
      <Card title="Recording">
        <PracticeRecording session={session} />
      </Card>
      <Card title="Transcript">
        {session.transcriptPurgedAt ? (
          <p className="text-sm text-slate-600">This transcript was deleted by the workspace&apos;s retention period; the score and its numbers are kept.</p>
        ) : (
          <PracticeTranscript session={session} zone={zone} prospectName={session.personaName} />
        )}
      </Card>
    </div>
  );
}
