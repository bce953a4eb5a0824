import type { GoalDto } from "@orbis/contracts";
import { formatDay, dayOf } from "../../../lib/time.ts";
import { GOAL_METRIC_LABEL, usd } from "../../../components/practice/practice-api.ts";

const goalValue = (metric: GoalDto["metric"], n: number) =>
  metric === "revenue" ? usd(n) : metric === "average_score" ? String(Math.round(n)) : (Math.round(n * 10) / 10).toLocaleString("en-US");

/** A goal with a progress bar: how far this period's activities and sessions got towards the target. */
export function GoalProgress({ goal, zone }: { goal: GoalDto; zone: string }) {
  const share = goal.target > 0 ? Math.min(1, goal.progress / goal.target) : 1;
  const label = GOAL_METRIC_LABEL[goal.metric];
  // The period's last instant is exclusive: the day before it is the last day of the period.
  const endDay = dayOf(new Date(Date.parse(goal.periodEnd) - 1), zone);
  return (
    <div className="text-sm">
      <div className="flex flex-wrap justify-between gap-2">
        <span className="font-medium text-slate-900">
          {label} this {goal.period}
          {goal.userId === null && <span className="text-slate-600"> (team)</span>}
        </span>
        <span className="text-slate-700">
          {goalValue(goal.metric, goal.progress)} of {goalValue(goal.metric, goal.target)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label} this ${goal.period}`}
        aria-valuemin={0}
        aria-valuemax={goal.target}
        aria-valuenow={Math.min(goal.progress, goal.target)}
        aria-valuetext={`${goalValue(goal.metric, goal.progress)} of ${goalValue(goal.metric, goal.target)}`}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${share >= 1 ? "bg-green-600" : "bg-brand-600"}`} style={{ width: `${share * 100}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600">Until {formatDay(endDay, { month: "short", day: "numeric" })}</p>
    </div>
  );
}
