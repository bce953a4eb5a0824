import type { TenantScope } from "@orbis/db";
import { toAuditEntryDto } from "./audit.mappers.ts";

/** Reads the audit log. Rows are written by the services that make the changes, in the change's transaction. */
export function createAuditService() {
  return {
    list: async (tenant: TenantScope, limit: number) => (await tenant.audit.list(limit)).map(toAuditEntryDto),
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
