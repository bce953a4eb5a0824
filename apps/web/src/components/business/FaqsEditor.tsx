import type { Faq } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { Button, TextArea, TextInput } from "../ui.tsx";

/** An FAQ row; `offered: false` is a suggested answer the user has not confirmed (left out when saved). */
export type FaqRow = Faq & { offered?: boolean };

/** Questions callers ask and the business's answers. With `confirming`, each suggestion has a "Use" tick. */
export function FaqsEditor({
  value,
  onChange,
  errors,
  disabled,
  confirming,
}: {
  value: FaqRow[];
  onChange: (v: FaqRow[]) => void;
  errors: FieldErrors;
  disabled?: boolean;
  confirming?: boolean;
}) {
  const set = (i: number, patch: Partial<FaqRow>) => onChange(value.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-800">Frequently asked questions</legend>
      {value.length === 0 && <p className="text-sm text-slate-600">No FAQs yet.</p>}
      {value.map((f, i) => {
        const n = i + 1;
        const off = confirming && f.offered === false;
        return (
          <div key={i} className={`space-y-2 rounded-lg border p-3 ${off ? "border-dashed border-slate-300 bg-slate-50" : "border-slate-200"}`}>
            {confirming && (
              <label className="flex items-center gap-2 text-sm font-medium">
                <input type="checkbox" checked={f.offered !== false} disabled={disabled} onChange={(e) => set(i, { offered: e.target.checked })} />
                Use this answer
              </label>
            )}
            <TextInput
              label={`Question ${n}`}
              value={f.question}
              disabled={disabled || off}
              error={errors[`faqs.${i}.question`]}
              onChange={(e) => set(i, { question: e.target.value })}
            />
            <TextArea
              label={`Answer ${n}`}
              rows={2}
              value={f.answer}
              disabled={disabled || off}
              error={errors[`faqs.${i}.answer`]}
              onChange={(e) => set(i, { answer: e.target.value })}
            />
            {!disabled && !confirming && (
              <Button type="button" variant="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
                Remove<span className="sr-only"> question {n}</span>
              </Button>
            )}
          </div>
        );
      })}
      {!disabled && (
        <Button type="button" variant="secondary" onClick={() => onChange([...value, { question: "", answer: "", keywords: [] }])}>
          + Add a question
        </Button>
      )}
    </fieldset>
  );
}
