import type { Service } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { Button, TextInput } from "../ui.tsx";
import { newId } from "./ids.ts";

/** A service row; `offered: false` is a template suggestion the user has not confirmed (left out when saved). */
export type ServiceRow = Service & { offered?: boolean };

const numberOr = (v: string, fallback: number) => (v.trim() === "" || Number.isNaN(Number(v)) ? fallback : Number(v));

/** Services the agent describes and books: name, duration, price, buffer. With `confirming`, each has an "Offer" tick. */
export function ServicesEditor({
  value,
  onChange,
  errors,
  disabled,
  confirming,
}: {
  value: ServiceRow[];
  onChange: (v: ServiceRow[]) => void;
  errors: FieldErrors;
  disabled?: boolean;
  confirming?: boolean;
}) {
  const set = (i: number, patch: Partial<ServiceRow>) => onChange(value.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const add = () =>
    onChange([
      ...value,
      {
        id: newId(
          "service",
          value.map((s) => s.id),
          "service",
        ),
        name: "",
        synonyms: [],
        description: "",
        durationMin: 30,
        priceCents: null,
        priceIsFrom: false,
        bufferMin: 0,
        staffIds: [],
        bookable: true,
      },
    ]);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-800">Services</legend>
      {value.length === 0 && <p className="text-sm text-slate-600">No services: the agent answers questions and takes messages, and books nothing.</p>}
      {value.map((s, i) => {
        const n = i + 1;
        const off = confirming && s.offered === false;
        return (
          <div
            key={s.id}
            className={`space-y-2 rounded-lg border p-3 ${off ? "border-dashed border-slate-300 bg-slate-50" : "border-slate-200"}`}
            data-testid="service-row"
          >
            {confirming && (
              <label className="flex items-center gap-2 text-sm font-medium">
                <input type="checkbox" checked={s.offered !== false} disabled={disabled} onChange={(e) => set(i, { offered: e.target.checked })} />
                We offer {s.name || `service ${n}`}
              </label>
            )}
            <div className="grid items-end gap-2 sm:grid-cols-[2fr_1fr_1fr_1fr_auto]">
              <TextInput
                label={`Service ${n} name`}
                value={s.name}
                disabled={disabled || off}
                error={errors[`services.${i}.name`]}
                onChange={(e) => set(i, { name: e.target.value })}
              />
              <TextInput
                label="Minutes"
                aria-label={`Service ${n} Minutes`}
                type="number"
                min={5}
                value={s.durationMin}
                disabled={disabled || off}
                error={errors[`services.${i}.durationMin`]}
                onChange={(e) => set(i, { durationMin: numberOr(e.target.value, 0) })}
              />
              <TextInput
                label="Price ($)"
                aria-label={`Service ${n} Price ($)`}
                type="number"
                min={0}
                step="0.01"
                value={s.priceCents == null ? "" : s.priceCents / 100}
                placeholder="on request"
                disabled={disabled || off}
                error={errors[`services.${i}.priceCents`]}
                onChange={(e) => set(i, { priceCents: e.target.value === "" ? null : Math.round(numberOr(e.target.value, 0) * 100) })}
              />
              <TextInput
                label="Buffer after (min)"
                aria-label={`Service ${n} Buffer after (min)`}
                type="number"
                min={0}
                value={s.bufferMin}
                disabled={disabled || off}
                error={errors[`services.${i}.bufferMin`]}
                onChange={(e) => set(i, { bufferMin: numberOr(e.target.value, 0) })}
              />
              {!disabled && !confirming && (
                <Button type="button" variant="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
                  Remove<span className="sr-only"> service {n}</span>
                </Button>
              )}
            </div>
          </div>
        );
      })}
      {!disabled && (
        <Button type="button" variant="secondary" onClick={add}>
          + Add a service
        </Button>
      )}
    </fieldset>
  );
}
