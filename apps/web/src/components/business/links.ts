import type { Service, Staff } from "@orbis/contracts";

/**
 * Who does what lives on the staff (`staff.serviceIds`); `service.staffIds` is derived from it, so the two
 * never disagree. `adoptServiceLinks` first moves links stored on services (older configs) onto the staff.
 */
export function adoptServiceLinks<T extends { services: Service[]; staff: Staff[] }>(b: T): T {
  const staff = b.staff.map((st) => ({
    ...st,
    serviceIds: [...new Set([...st.serviceIds, ...b.services.filter((s) => s.staffIds.includes(st.id)).map((s) => s.id)])],
  }));
  return syncStaffLinks({ ...b, staff });
}

/** Drops links to removed services and staff; each service's staffIds = the staff who do it. */
export function syncStaffLinks<T extends { services: Service[]; staff: Staff[] }>(b: T): T {
  const serviceIds = new Set(b.services.map((s) => s.id));
  const staff = b.staff.map((st) => ({ ...st, serviceIds: st.serviceIds.filter((id) => serviceIds.has(id)) }));
  const services = b.services.map((s) => ({ ...s, staffIds: staff.filter((st) => st.serviceIds.includes(s.id)).map((st) => st.id) }));
  return { ...b, staff, services };
}
