import type { FieldErrors } from "../../lib/forms.ts";
import { TextInput } from "../ui.tsx";

/** Where "let me talk to a person" goes. Empty: the agent takes a message instead. */
export function TransferEditor({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: string | null;
  onChange: (v: string | null) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  return (
    <TextInput
      label="Transfer calls to"
      type="tel"
      value={value ?? ""}
      disabled={disabled}
      placeholder="+1 555 010 0199"
      error={errors.escalationPhone}
      hint="When a caller asks for a person the agent transfers here. Leave empty to take a message instead."
      onChange={(e) => onChange(e.target.value.trim() === "" ? null : e.target.value)}
    />
  );
}
