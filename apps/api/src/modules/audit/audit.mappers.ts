import type { TenantScope } from "@orbis/db";
import type { AuditEntryDto } from "./audit.schemas.ts";

type AuditRow = Awaited<ReturnType<TenantScope["audit"]["list"]>>[number];

export const toAuditEntryDto = (r: AuditRow): AuditEntryDto => ({
  id: r.id,
  action: r.action,
  actorUserId: r.actorUserId,
  actorKeyId: r.actorKeyId,
  targetType: r.targetType,
  targetId: r.targetId,
  ip: r.ip,
  metadata: r.metadata,
  createdAt: r.createdAt.toISOString(),
});
