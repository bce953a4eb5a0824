import type { Closure } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { Button, TextInput } from "../ui.tsx";
import { ShiftList } from "./ShiftList.tsx";

/** Holidays and closures: closed all day, or open only at the given hours (e.g. Christmas Eve mornings). */
export function ClosuresEditor({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: Closure[];
  onChange: (v: Closure[]) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<Closure>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-800">Holidays and closures</legend>
      {value.length === 0 && <p className="text-sm text-slate-600">No closures: the weekly hours apply every week.</p>}
      {value.map((c, i) => (
        <div key={i} className="space-y-2 rounded-lg border border-slate-200 p-3">
          <div className="grid items-end gap-2 sm:grid-cols-[10rem_1fr_auto]">
            <TextInput
              label={`Closure ${i + 1} date`}
              type="date"
              value={c.date}
              disabled={disabled}
              error={errors[`closures.${i}.date`]}
              onChange={(e) => set(i, { date: e.target.value })}
            />
            <TextInput
              label={`Closure ${i + 1} name`}
              value={c.name}
              disabled={disabled}
              placeholder="e.g. Thanksgiving"
              onChange={(e) => set(i, { name: e.target.value })}
            />
            {!disabled && (
              <Button type="button" variant="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
                Remove<span className="sr-only"> closure {i + 1}</span>
              </Button>
            )}
          </div>
          <p className="text-xs text-slate-600">{c.hours.length ? "Open only at these hours that day:" : "Closed all day."}</p>
          <ShiftList
            label={`Closure ${i + 1}`}
            shifts={c.hours}
            disabled={disabled}
            onChange={(hours) => set(i, { hours })}
            errorOf={(k) => errors[`closures.${i}.hours.${k}`]}
          />
        </div>
      ))}
      {!disabled && (
        <Button type="button" variant="secondary" onClick={() => onChange([...value, { date: new Date().toISOString().slice(0, 10), name: "", hours: [] }])}>
          + Add a closure
        </Button>
      )}
    </fieldset>
  );
}
