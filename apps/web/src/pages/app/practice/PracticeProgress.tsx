import { useState } from "react";
import { Link } from "react-router";
import { useWorkspaceZone } from "../../../lib/time.ts";
import { Card, EmptyState, ErrorBanner, Spinner } from "../../../components/ui.tsx";
import { PracticeShell } from "../../../components/practice/PracticeShell.tsx";
import { RepPicker } from "../../../components/practice/RepPicker.tsx";
import { ScoreTrend } from "../../../components/practice/ScoreTrend.tsx";
import { useIsManager, useRepDashboard } from "../../../components/practice/practice-api.ts";
import { GoalProgress } from "./GoalProgress.tsx";
import { SessionRows } from "./PracticeHistory.tsx";

/** `/dashboard/practice/progress`: a rep's score trend, goals and recent sessions (managers may look at any rep). */
export function PracticeProgress() {
  const manager = useIsManager();
  const zone = useWorkspaceZone();
  const [userId, setUserId] = useState("");
  const dash = useRepDashboard(userId || undefined);
  const d = dash.data;
  return (
    <PracticeShell title="Practice progress" subtitle="Scores over time and how your goals are going.">
      {manager && (
        <div className="mb-4">
          <RepPicker value={userId} onChange={setUserId} />
        </div>
      )}
      {dash.isPending && <Spinner label="Loading progress" />}
      <ErrorBanner error={dash.error} />
      {d && (
        <div className="space-y-6">
          <div className="grid gap-4 sm:grid-cols-2">
            <Card>
              <p className="text-sm text-slate-600">Sessions</p>
              <p className="text-3xl font-bold text-slate-900" data-testid="stat-sessions">
                {d.sessions}
              </p>
            </Card>
            <Card>
              <p className="text-sm text-slate-600">Average score</p>
              <p className="text-3xl font-bold text-slate-900" data-testid="stat-average-score">
                {d.averageScore === null ? "—" : Math.round(d.averageScore)}
              </p>
            </Card>
          </div>
          <Card title="Score trend">{d.trend.length === 0 ? <EmptyState title="No scored sessions yet" /> : <ScoreTrend points={d.trend} zone={zone} />}</Card>
          <Card
            title="Goals"
            actions={
              <Link to="/dashboard/practice/goals" className="text-sm text-brand-800 underline">
                Manage goals
              </Link>
            }
          >
            {d.goals.length === 0 ? (
              <EmptyState title="No goals set" />
            ) : (
              <ul className="space-y-4" aria-label="Goals">
                {d.goals.map((g) => (
                  <li key={g.id}>
                    <GoalProgress goal={g} zone={zone} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Recent sessions">
            {d.recent.length === 0 ? <EmptyState title="No sessions yet" /> : <SessionRows sessions={d.recent} showRep={false} />}
          </Card>
        </div>
      )}
    </PracticeShell>
  );
}
