import type { CampaignProgressDto, ContactOutcome } from "@orbis/contracts";
import { CONTACT_OUTCOMES } from "@orbis/contracts";
import { MAIN_OUTCOMES, OUTCOME_LABEL } from "./campaigns-api.ts";

const OUTCOME_COLOR: Partial<Record<ContactOutcome, string>> = {
  booked: "bg-green-600",
  rescheduled: "bg-green-500",
  message: "bg-sky-600",
  completed: "bg-sky-400",
  voicemail: "bg-violet-500",
  no_answer: "bg-slate-400",
  busy: "bg-slate-500",
  declined: "bg-amber-500",
  cancelled: "bg-amber-400",
  failed: "bg-red-600",
};

/** The six outcomes the brief names, then any other outcome a contact has. */
const shownOutcomes = (p: CampaignProgressDto) => CONTACT_OUTCOMES.filter((o) => MAIN_OUTCOMES.includes(o) || p.byOutcome[o] > 0);

/** Done / total as a bar (finished contacts split by outcome), and the count of each outcome. */
export function CampaignProgress({ progress, compact = false }: { progress: CampaignProgressDto; compact?: boolean }) {
  const { total, finished, percent } = progress;
  const outcomes = shownOutcomes(progress);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-900" data-testid="progress-count">
          {finished} of {total} done
        </span>
        <span className="text-slate-600">{percent}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="Contacts done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={finished}
        aria-valuetext={`${finished} of ${total} contacts done`}
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        {total > 0 &&
          CONTACT_OUTCOMES.map((o) =>
            progress.byOutcome[o] > 0 ? (
              <span
                key={o}
                className={OUTCOME_COLOR[o] ?? "bg-slate-600"}
                style={{ width: `${(progress.byOutcome[o] / total) * 100}%` }}
                title={OUTCOME_LABEL[o]}
              />
            ) : null,
          )}
        {total > 0 && progress.byStatus.skipped_dnc + progress.byStatus.skipped_no_consent > 0 && (
          <span
            className="bg-slate-700"
            style={{ width: `${((progress.byStatus.skipped_dnc + progress.byStatus.skipped_no_consent) / total) * 100}%` }}
            title="Skipped"
          />
        )}
      </div>
      <dl className={compact ? "flex flex-wrap gap-x-3 gap-y-1 text-xs" : "grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3"} aria-label="Outcomes">
        {outcomes.map((o) => (
          <div key={o} className="flex items-center gap-1.5">
            <span className={`inline-block h-2 w-2 rounded-full ${OUTCOME_COLOR[o] ?? "bg-slate-600"}`} aria-hidden />
            <dt className="text-slate-600">{OUTCOME_LABEL[o]}</dt>
            <dd className="font-medium text-slate-900" data-testid={`outcome-${o}`}>
              {progress.byOutcome[o]}
            </dd>
          </div>
        ))}
        {!compact && (
          <>
            <div className="flex items-center gap-1.5">
              <dt className="text-slate-600">Waiting</dt>
              <dd className="font-medium text-slate-900" data-testid="status-pending">
                {progress.byStatus.pending}
              </dd>
            </div>
            <div className="flex items-center gap-1.5">
              <dt className="text-slate-600">Calling now</dt>
              <dd className="font-medium text-slate-900">{progress.byStatus.calling}</dd>
            </div>
            <div className="flex items-center gap-1.5">
              <dt className="text-slate-600">Skipped</dt>
              <dd className="font-medium text-slate-900">{progress.byStatus.skipped_dnc + progress.byStatus.skipped_no_consent}</dd>
            </div>
          </>
        )}
      </dl>
    </div>
  );
}
