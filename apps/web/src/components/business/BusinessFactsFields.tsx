import type { Address, BusinessConfig } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { TextInput } from "../ui.tsx";

type Facts = Pick<BusinessConfig, "name" | "phone" | "email" | "website" | "timezone" | "address">;

const EMPTY_ADDRESS: Address = { line1: "", line2: "", city: "", region: "", postalCode: "", country: "US", directions: "" };

/** The browser's IANA time zone (the default for a new business). */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "America/New_York";

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
};

/** Name, contact details, address and time zone: what callers are told. Errors keyed `name`, `address.city`… */
export function BusinessFactsFields({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: Facts;
  onChange: (patch: Partial<Facts>) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const address = value.address ?? EMPTY_ADDRESS;
  const setAddress = (patch: Partial<Address>) => {
    const next = { ...address, ...patch };
    onChange({ address: next.line1 || next.city || next.line2 || next.postalCode || next.directions ? next : null });
  };
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          label="Business name"
          value={value.name}
          disabled={disabled}
          error={errors.name}
          autoComplete="organization"
          onChange={(e) => onChange({ name: e.target.value })}
        />
        <TextInput
          label="Phone"
          type="tel"
          value={value.phone}
          disabled={disabled}
          error={errors.phone}
          autoComplete="tel"
          onChange={(e) => onChange({ phone: e.target.value })}
        />
        <TextInput
          label="Email"
          type="email"
          value={value.email}
          disabled={disabled}
          error={errors.email}
          autoComplete="email"
          onChange={(e) => onChange({ email: e.target.value })}
        />
        <TextInput
          label="Website"
          type="url"
          value={value.website}
          disabled={disabled}
          error={errors.website}
          placeholder="https://"
          onChange={(e) => onChange({ website: e.target.value })}
        />
        <TextInput
          label="Time zone"
          value={value.timezone}
          disabled={disabled}
          error={errors.timezone}
          list="orbis-time-zones"
          hint="The zone your opening hours are in, e.g. America/Chicago."
          onChange={(e) => onChange({ timezone: e.target.value })}
        />
        <datalist id="orbis-time-zones">
          {zones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Address (read to callers who ask where you are)</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextInput
            label="Street address"
            value={address.line1}
            disabled={disabled}
            error={errors["address.line1"]}
            autoComplete="address-line1"
            onChange={(e) => setAddress({ line1: e.target.value })}
          />
          <TextInput
            label="Address line 2"
            value={address.line2}
            disabled={disabled}
            autoComplete="address-line2"
            onChange={(e) => setAddress({ line2: e.target.value })}
          />
          <TextInput
            label="City"
            value={address.city}
            disabled={disabled}
            error={errors["address.city"]}
            autoComplete="address-level2"
            onChange={(e) => setAddress({ city: e.target.value })}
          />
          <TextInput
            label="State or region"
            value={address.region}
            disabled={disabled}
            autoComplete="address-level1"
            onChange={(e) => setAddress({ region: e.target.value })}
          />
          <TextInput
            label="Postal code"
            value={address.postalCode}
            disabled={disabled}
            error={errors["address.postalCode"]}
            autoComplete="postal-code"
            onChange={(e) => setAddress({ postalCode: e.target.value })}
          />
          <TextInput
            label="Directions"
            value={address.directions}
            disabled={disabled}
            placeholder="e.g. Second floor, above the bakery"
            onChange={(e) => setAddress({ directions: e.target.value })}
          />
        </div>
      </fieldset>
    </div>
  );
}
