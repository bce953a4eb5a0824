import type { ReactNode } from "react";
import type { BusinessConfig } from "@orbis/contracts";
import type { FieldErrors } from "../../lib/forms.ts";
import { BusinessFactsFields } from "./BusinessFactsFields.tsx";
import { ClosuresEditor } from "./ClosuresEditor.tsx";
import { FaqsEditor } from "./FaqsEditor.tsx";
import { HoursEditor } from "./HoursEditor.tsx";
import { ServicesEditor } from "./ServicesEditor.tsx";
import { StaffEditor } from "./StaffEditor.tsx";
import { TransferEditor } from "./TransferEditor.tsx";
import { syncStaffLinks } from "./links.ts";

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <section className="space-y-3 border-t border-slate-200 pt-4 first:border-t-0 first:pt-0">
    <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
    {children}
  </section>
);

/** Every business fact the agent speaks, as forms: details, hours, closures, services, staff, FAQs, transfer. */
export function BusinessForm({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: BusinessConfig;
  onChange: (v: BusinessConfig) => void;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const patch = (p: Partial<BusinessConfig>) => onChange(syncStaffLinks({ ...value, ...p }));
  return (
    <div className="space-y-6">
      <Section title="Details">
        <BusinessFactsFields value={value} onChange={patch} errors={errors} disabled={disabled} />
      </Section>
      <Section title="Opening hours">
        <HoursEditor value={value.hours} onChange={(hours) => patch({ hours })} errors={errors} disabled={disabled} />
        <ClosuresEditor value={value.closures} onChange={(closures) => patch({ closures })} errors={errors} disabled={disabled} />
      </Section>
      <Section title="Services">
        <ServicesEditor value={value.services} onChange={(services) => patch({ services })} errors={errors} disabled={disabled} />
      </Section>
      <Section title="Staff">
        <StaffEditor value={value.staff} services={value.services} onChange={(staff) => patch({ staff })} errors={errors} disabled={disabled} />
      </Section>
      <Section title="FAQs">
        <FaqsEditor value={value.faqs} onChange={(faqs) => patch({ faqs })} errors={errors} disabled={disabled} />
      </Section>
      <Section title="Transfers">
        <TransferEditor value={value.escalationPhone} onChange={(escalationPhone) => patch({ escalationPhone })} errors={errors} disabled={disabled} />
      </Section>
    </div>
  );
}
