import { DateTime } from "luxon";
import { businessConfigSchema, createId, isIanaZone } from "@orbis/contracts";
import type { NewCampaignContactRow, TenantScope } from "@orbis/db";
import { normalisePhone } from "./contacts-import.ts";

/**
 * An appointment-reminder campaign's contacts: tomorrow's booked appointments (the workspace's time
 * zone decides which day that is), one contact per number, with `name` (first name), `service`,
 * `time` and `date` for the opening. A booking is the business relationship the call rests on: the
 * consent source is `appointment:<id>`. Numbers on the do-not-call list (or that texted STOP) are left out.
 */
export async function reminderContacts(
  tenant: TenantScope,
  o: { campaignId: string; agentBusiness: unknown; workspaceZone: string; now: Date },
): Promise<{ contacts: NewCampaignContactRow[]; skipped: number }> {
  const zone = isIanaZone(o.workspaceZone) ? o.workspaceZone : "UTC";
  const tomorrow = DateTime.fromJSDate(o.now, { zone }).plus({ days: 1 }).startOf("day");
  const appointments = await tenant.appointments.list({ from: tomorrow.toJSDate(), to: tomorrow.plus({ days: 1 }).toJSDate(), status: "booked" });
  const business = businessConfigSchema.safeParse(o.agentBusiness);
  const serviceName = (id: string) => (business.success ? business.data.services.find((s) => s.id === id)?.name : undefined) ?? id;
  const byPhone = new Map<string, NewCampaignContactRow>();
  let skipped = 0;
  for (const a of appointments) {
    const phone = normalisePhone(a.customerPhone);
    if (!phone || byPhone.has(phone)) {
      skipped++;
      continue;
    }
    const tz = isIanaZone(a.timezone) && a.timezone !== "UTC" ? a.timezone : zone;
    const start = DateTime.fromJSDate(a.startAt, { zone: tz });
    byPhone.set(phone, {
      id: createId("campaignContact"),
      campaignId: o.campaignId,
      phone,
      name: a.customerName.slice(0, 120),
      timezone: tz,
      variables: {
        name: a.customerName.trim().split(/\s+/)[0] || a.customerName,
        service: serviceName(a.serviceId).slice(0, 200),
        time: start.toFormat("h:mm a"),
        date: start.toFormat("cccc d LLLL"),
        appointmentId: a.id,
      },
      consent: true,
      consentSource: `appointment:${a.id}`,
    });
  }
  const blocked = await tenant.doNotCall.blocked([...byPhone.keys()]);
  const contacts = [...byPhone.values()].filter((c) => !blocked.dnc.has(c.phone) && !blocked.sms.has(c.phone));
  return { contacts, skipped: skipped + byPhone.size - contacts.length };
}
