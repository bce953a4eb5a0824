import type { CampaignContactDto, CampaignDto, DoNotCallDto } from "@orbis/contracts";
import type { CampaignContactRow, CampaignRow, DoNotCallRow } from "@orbis/db";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toCampaignDto(c: CampaignRow): CampaignDto {
  return {
    id: c.id,
    name: c.name,
    agentId: c.agentId,
    fromNumber: c.fromNumber,
    type: c.type,
    status: c.status,
    window: c.window,
    allowOutsideQuietHours: c.allowOutsideQuietHours,
    maxConcurrent: c.maxConcurrent,
    retry: { maxAttempts: c.maxAttempts, backoffMinutes: c.backoffMinutes },
    machineDetection: c.machineDetection,
    voicemailMessage: c.voicemailMessage,
    opening: c.opening,
    lastError: c.lastError,
    startedAt: iso(c.startedAt),
    completedAt: iso(c.completedAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toContactDto(c: CampaignContactRow): CampaignContactDto {
  return {
    id: c.id,
    campaignId: c.campaignId,
    phone: c.phone,
    name: c.name,
    timezone: c.timezone,
    variables: c.variables,
    consent: c.consent,
    consentSource: c.consentSource,
    status: c.status,
    outcome: c.outcome,
    attempts: c.attempts,
    nextAttemptAt: iso(c.nextAttemptAt),
    lastAttemptAt: iso(c.lastAttemptAt),
    lastCallId: c.lastCallId,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export const toDoNotCallDto = (r: DoNotCallRow): DoNotCallDto => ({
  id: r.id,
  phone: r.phone,
  reason: r.reason,
  source: r.source,
  createdAt: r.createdAt.toISOString(),
});
