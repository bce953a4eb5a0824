import { WEEKDAYS, type Weekday, type WeeklyHours } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { ShiftList } from "./ShiftList.tsx";

const DAY_LABEL: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

/** Weekly opening hours, any number of shifts a day (a lunch break is two shifts). Errors keyed `hours.mon.0`. */
export function HoursEditor({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: WeeklyHours;
  onChange: (v: WeeklyHours) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-800">Weekly opening hours</legend>
      {WEEKDAYS.map((day) => (
        <div key={day} className="grid gap-2 border-b border-slate-100 pb-2 sm:grid-cols-[7rem_1fr]">
          <span className="text-sm font-medium">
            {DAY_LABEL[day]}
            {value[day].length === 0 && <span className="ml-2 font-normal text-slate-600">closed</span>}
          </span>
          <ShiftList
            label={DAY_LABEL[day]}
            shifts={value[day]}
            disabled={disabled}
            onChange={(shifts) => onChange({ ...value, [day]: shifts })}
            errorOf={(i) => errors[`hours.${day}.${i}`] ?? errors[`hours.${day}.${i}.open`] ?? errors[`hours.${day}.${i}.close`]}
          />
        </div>
      ))}
    </fieldset>
  );
}
