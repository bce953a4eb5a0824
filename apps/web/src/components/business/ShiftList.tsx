import type { OpeningInterval } from "@orbis/contracts";
import { Button } from "../ui.tsx";

const timeInput = "rounded border border-slate-400 px-2 py-1 text-sm disabled:bg-slate-100";

/** One or more opening intervals (split shifts: 08:00–12:00 and 13:00–18:00). */
export function ShiftList({
  label,
  shifts,
  onChange,
  errorOf,
  disabled,
}: {
  label: string;
  shifts: OpeningInterval[];
  onChange: (shifts: OpeningInterval[]) => void;
  errorOf: (index: number) => string | undefined;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<OpeningInterval>) => onChange(shifts.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const last = shifts.at(-1);
  return (
    <div className="space-y-1">
      {shifts.map((s, i) => {
        const error = errorOf(i);
        return (
          <div key={i} className="flex flex-wrap items-center gap-2 text-sm">
            <input
              aria-label={`${label} shift ${i + 1} opens`}
              type="time"
              value={s.open}
              disabled={disabled}
              onChange={(e) => set(i, { open: e.target.value })}
              className={timeInput}
            />
            <span>to</span>
            <input
              aria-label={`${label} shift ${i + 1} closes`}
              type="time"
              value={s.close}
              disabled={disabled}
              onChange={(e) => set(i, { close: e.target.value })}
              className={timeInput}
            />
            {!disabled && (
              <Button type="button" variant="ghost" className="px-2 py-1" onClick={() => onChange(shifts.filter((_, j) => j !== i))}>
                Remove
                <span className="sr-only">
                  {" "}
                  {label} shift {i + 1}
                </span>
              </Button>
            )}
            {error && <span className="w-full text-sm text-red-700">{error}</span>}
          </div>
        );
      })}
      {!disabled && shifts.length < 8 && (
        <Button
          type="button"
          variant="ghost"
          className="px-2 py-1 text-brand-700"
          onClick={() => onChange([...shifts, last ? { open: last.close, close: nextClose(last.close) } : { open: "09:00", close: "17:00" }])}
        >
          + Add {shifts.length ? "a split shift" : "opening hours"}
          <span className="sr-only"> for {label}</span>
        </Button>
      )}
    </div>
  );
}

/** Two hours after `hhmm`, at most midnight. */
function nextClose(hhmm: string): string {
  const h = Math.min(Number(hhmm.slice(0, 2)) + 2, 24);
  return h === 24 ? "24:00" : `${String(h).padStart(2, "0")}${hhmm.slice(2)}`;
}
