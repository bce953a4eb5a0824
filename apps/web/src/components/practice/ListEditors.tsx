import type { FieldErrors } from "../../lib/forms.ts";
import { Button, TextArea, TextInput } from "../ui.tsx";
import { errorAt } from "./practice-api.ts";

/**
 * The editable lists of the persona and scenario editors: objections and rubric items, one fieldset per
 * item with its own labelled fields and a Remove button. Phrase lists inside an item are edited as one
 * phrase a line (kept as text while typing, split on save).
 */

export interface ObjectionDraft {
  key: string;
  raise: string;
  triggers: string;
  resolvedBy: string;
  concession: string;
}

export interface RubricDraft {
  key: string;
  label: string;
  weight: string;
  evidence: string;
}

/** A key not used yet in the list: `objection_3`. */
const nextKey = (prefix: string, taken: string[]) => {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}_${n}`)) n++;
  return `${prefix}_${n}`;
};

const replaceAt = <T,>(list: T[], i: number, item: T) => list.map((x, j) => (j === i ? item : x));

export function ObjectionsEditor({ items, onChange, errors }: { items: ObjectionDraft[]; onChange: (items: ObjectionDraft[]) => void; errors: FieldErrors }) {
  return (
    <div className="space-y-4">
      {items.length === 0 && <p className="text-sm text-slate-600">No objections: this prospect agrees easily.</p>}
      {items.map((o, i) => {
        const at = (f: string) => errorAt(errors, `objections.${i}.${f}`);
        const set = (patch: Partial<ObjectionDraft>) => onChange(replaceAt(items, i, { ...o, ...patch }));
        return (
          <fieldset key={i} className="space-y-3 rounded-lg border border-slate-200 p-3" data-testid="objection">
            <legend className="px-1 text-sm font-semibold text-slate-900">Objection {i + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              <TextInput
                label={`Objection ${i + 1} key`}
                value={o.key}
                onChange={(e) => set({ key: e.target.value })}
                error={at("key")}
                hint="lowercase, e.g. price"
              />
              <TextArea
                label={`Objection ${i + 1}: what the prospect says`}
                rows={2}
                value={o.raise}
                onChange={(e) => set({ raise: e.target.value })}
                error={at("raise")}
              />
              <TextArea
                label={`Objection ${i + 1}: words that bring it up`}
                rows={3}
                value={o.triggers}
                onChange={(e) => set({ triggers: e.target.value })}
                error={at("triggers")}
                hint="One a line. None: raised after your first pitch."
              />
              <TextArea
                label={`Objection ${i + 1}: words that resolve it`}
                rows={3}
                value={o.resolvedBy}
                onChange={(e) => set({ resolvedBy: e.target.value })}
                error={at("resolvedBy")}
                hint="One a line: a question about it, evidence, a concession."
              />
              <TextArea
                label={`Objection ${i + 1}: what the prospect says once it is handled`}
                rows={2}
                value={o.concession}
                onChange={(e) => set({ concession: e.target.value })}
                error={at("concession")}
              />
            </div>
            <Button type="button" variant="ghost" onClick={() => onChange(items.filter((_, j) => j !== i))}>
              Remove objection {i + 1}
            </Button>
          </fieldset>
        );
      })}
      <Button
        type="button"
        variant="secondary"
        disabled={items.length >= 12}
        onClick={() =>
          onChange([
            ...items,
            {
              key: nextKey(
                "objection",
                items.map((o) => o.key),
              ),
              raise: "",
              triggers: "",
              resolvedBy: "",
              concession: "",
            },
          ])
        }
      >
        Add objection
      </Button>
    </div>
  );
}

export function RubricEditor({ items, onChange, errors }: { items: RubricDraft[]; onChange: (items: RubricDraft[]) => void; errors: FieldErrors }) {
  return (
    <div className="space-y-4">
      {items.length === 0 && <p className="text-sm text-slate-600">No rubric items: the session is scored on the call metrics only.</p>}
      {items.map((r, i) => {
        const at = (f: string) => errorAt(errors, `rubric.${i}.${f}`);
        const set = (patch: Partial<RubricDraft>) => onChange(replaceAt(items, i, { ...r, ...patch }));
        return (
          <fieldset key={i} className="space-y-3 rounded-lg border border-slate-200 p-3" data-testid="rubric-item">
            <legend className="px-1 text-sm font-semibold text-slate-900">Rubric item {i + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-3">
              <TextInput label={`Rubric item ${i + 1} key`} value={r.key} onChange={(e) => set({ key: e.target.value })} error={at("key")} />
              <TextInput
                label={`Rubric item ${i + 1}: what the rep should do`}
                value={r.label}
                onChange={(e) => set({ label: e.target.value })}
                error={at("label")}
              />
              <TextInput
                label={`Rubric item ${i + 1} weight`}
                type="number"
                min={0}
                max={100}
                step="any"
                value={r.weight}
                onChange={(e) => set({ weight: e.target.value })}
                error={at("weight")}
              />
            </div>
            <TextArea
              label={`Rubric item ${i + 1}: words that show it was done`}
              rows={3}
              value={r.evidence}
              onChange={(e) => set({ evidence: e.target.value })}
              error={at("evidence")}
              hint="One a line."
            />
            <Button type="button" variant="ghost" onClick={() => onChange(items.filter((_, j) => j !== i))}>
              Remove rubric item {i + 1}
            </Button>
          </fieldset>
        );
      })}
      <Button
        type="button"
        variant="secondary"
        disabled={items.length >= 20}
        onClick={() =>
          onChange([
            ...items,
            {
              key: nextKey(
                "item",
                items.map((r) => r.key),
              ),
              label: "",
              weight: "1",
              evidence: "",
            },
          ])
        }
      >
        Add rubric item
      </Button>
    </div>
  );
}
