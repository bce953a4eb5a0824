import type { PhoneNumberDto } from "@orbis/contracts";
import type { PhoneNumberRow } from "@orbis/db";

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
