import type { PhoneNumberDto } from "@orbis/contracts";
import type { NumberLastEvent, PhoneNumberRow } from "@orbis/db";

export const toPhoneNumberDto = (r: PhoneNumberRow): PhoneNumberDto => ({
  id: r.id,
  number: r.number,
  provider: r.provider,
  agentId: r.agentId,
  label: r.label,
  escalationNumber: r.escalationNumber,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The list item: the number with its last carrier event (null when none in the window). */
export const toPhoneNumberListItem = (r: PhoneNumberRow, e: NumberLastEvent | undefined): PhoneNumberDto => ({
  ...toPhoneNumberDto(r),
  lastEvent: e ? { at: e.at.toISOString(), kind: e.kind, status: e.status, callId: e.callId } : null,
});
