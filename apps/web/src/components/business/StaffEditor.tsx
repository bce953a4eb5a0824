import type { Service, Staff } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { Button, TextInput } from "../ui.tsx";
import { newId } from "./ids.ts";

/** The people who take bookings, and which services each does. None: the business is one calendar. */
export function StaffEditor({
  value,
  services,
  onChange,
  errors,
  disabled,
}: {
  value: Staff[];
  services: Service[];
  onChange: (v: Staff[]) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<Staff>) => onChange(value.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-800">Staff</legend>
      {value.length === 0 && <p className="text-sm text-slate-600">No staff listed: bookings go on one calendar, one at a time.</p>}
      {value.map((st, i) => {
        const n = i + 1;
        return (
          <div key={st.id} className="space-y-2 rounded-lg border border-slate-200 p-3" data-testid="staff-row">
            <div className="grid items-end gap-2 sm:grid-cols-[2fr_2fr_auto]">
              <TextInput
                label={`Staff member ${n} name`}
                value={st.name}
                disabled={disabled}
                error={errors[`staff.${i}.name`]}
                onChange={(e) => set(i, { name: e.target.value })}
              />
              <TextInput
                label={`Staff member ${n} role`}
                value={st.role}
                disabled={disabled}
                placeholder="e.g. Physiotherapist"
                onChange={(e) => set(i, { role: e.target.value })}
              />
              {!disabled && (
                <Button type="button" variant="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
                  Remove<span className="sr-only"> staff member {n}</span>
                </Button>
              )}
            </div>
            {services.length > 0 && (
              <fieldset>
                <legend className="text-xs font-medium text-slate-700">Services {st.name || `staff member ${n}`} does</legend>
                <div className="mt-1 flex flex-wrap gap-3">
                  {services.map((sv) => (
                    <label key={sv.id} className="flex items-center gap-1 text-sm">
                      <input
                        type="checkbox"
                        disabled={disabled}
                        checked={st.serviceIds.includes(sv.id)}
                        onChange={(e) => set(i, { serviceIds: e.target.checked ? [...st.serviceIds, sv.id] : st.serviceIds.filter((x) => x !== sv.id) })}
                      />
                      {sv.name || sv.id}
                    </label>
                  ))}
                </div>
              </fieldset>
            )}
            {errors[`staff.${i}.serviceIds.0`] && <p className="text-sm text-red-700">{errors[`staff.${i}.serviceIds.0`]}</p>}
          </div>
        );
      })}
      {!disabled && (
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            onChange([
              ...value,
              {
                id: newId(
                  "staff",
                  value.map((s) => s.id),
                  "staff",
                ),
                name: "",
                role: "",
                serviceIds: [],
              },
            ])
          }
        >
          + Add a staff member
        </Button>
      )}
    </fieldset>
  );
}
